import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildWorker } from './build-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadform-build-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses to build a Worker whose destination options an adapter refuses, naming the key', async () => {
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      forms: { contact: { fields: [{ name: 'email', type: 'email' }], destination: 'crm' } },
      destinations: { crm: { type: 'pipedrive', apiTokenenv: 'PIPEDRIVE_API_TOKEN' } },
    }),
  );
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  expect(built.ok).toBe(false);
  if (built.ok) return;
  expect(built.problems.join('\n')).toMatch(/destinations\.crm: .*apiTokenenv/);
  expect(built.problems).toContain('destinations.crm: unknown key(s) "apiTokenenv" (did you mean "apiTokenEnv"?); remove them or check their spelling');
});
