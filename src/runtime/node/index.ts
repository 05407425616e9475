/**
 * `npm start`: the relay on Node with the configuration named by $LEADFORM_CONFIG
 * (default ./leadform.config.json), listening on $HOST (default 0.0.0.0, every interface) and
 * $PORT (default 8787), keeping its data in $LEADFORM_DATA_DIR (default ./.leadform).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { adminTokenFor } from './admin-token-file.ts';
import { startNodeRelay } from './server.ts';

const configPath = resolve(process.env.LEADFORM_CONFIG ?? 'leadform.config.json');

function stop(problems: string[]): never {
  console.error(`leadform: cannot start with ${configPath}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}

let config: unknown;
try {
  config = JSON.parse(readFileSync(configPath, 'utf8'));
} catch (error) {
  stop([`${(error as Error).message}; set LEADFORM_CONFIG to a readable JSON file`]);
}

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) stop([`PORT: "${process.env.PORT}" is not a port number; set it to 0-65535`]);

const dataDir = process.env.LEADFORM_DATA_DIR ?? '.leadform';
let admin: ReturnType<typeof adminTokenFor>;
try {
  admin = adminTokenFor(dataDir, process.env.LEADFORM_ADMIN_TOKEN);
} catch (error) {
  stop([`LEADFORM_DATA_DIR: cannot keep the admin token in ${dataDir} (${(error as Error).message}); set it to a folder this process may write`]);
}

const started = await startNodeRelay({
  config,
  env: { ...process.env, LEADFORM_ADMIN_TOKEN: admin.kind === 'off' ? undefined : admin.token },
  port,
  // An empty HOST is unset, as the shell's `HOST= npm start` means.
  ...(process.env.HOST ? { hostname: process.env.HOST } : {}),
  dataDir,
  trustProxy: process.env.LEADFORM_TRUST_PROXY === '1',
});
if (!started.ok) stop(started.problems);
const { value: relay } = started;
console.error(`leadform: demo at ${relay.url}/  ·  sandbox inbox at ${relay.url}/sandbox/inbox`);
if (admin.kind === 'off') console.error('leadform: admin API off (LEADFORM_ADMIN_TOKEN=off)');
// The file that holds the token, never the token: a console is a log.
if (admin.kind === 'file') console.error(`leadform: admin and form builder at ${relay.url}/admin  ·  sign in with the token in ${admin.file}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void relay.close().then(() => process.exit(0));
  });
}
