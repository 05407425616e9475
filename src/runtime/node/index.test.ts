/** `npm start`'s entry as a process: the settings it takes from the environment. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT } from './server.ts';

const children: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Starts the entry and gives back the port it listens on, or what it printed when it stopped. */
function startEntry(
  env: Record<string, string>,
  dataDir = mkdtempSync(join(tmpdir(), 'leadform-entry-')),
): Promise<{ host: string; port: number; printed: string } | { exit: string }> {
  folders.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/runtime/node/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', LEADFORM_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let printed = '';
  return new Promise((done) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const demo = /demo at http:\/\/([^/]+):(\d+)\//.exec(printed);
      if (demo && /\n[^\n]*admin[^\n]*\n/.test(printed.slice(demo.index))) done({ host: demo[1]!, port: Number(demo[2]), printed });
    });
    child.once('exit', () => done({ exit: printed }));
  });
}

const reaches = (host: string, port: number) =>
  fetch(`http://${host}:${port}/healthz`).then(
    (response) => response.status,
    () => 'refused',
  );

it('listens on $HOST', async () => {
  const started = await startEntry({ HOST: '127.0.0.2' });
  if (!('port' in started)) throw new Error(started.exit);
  // The address it prints is the one it listens on.
  expect(started.host).toBe('127.0.0.2');
  expect(await reaches('127.0.0.2', started.port)).toBe(200);
  expect(await reaches('127.0.0.1', started.port)).toBe('refused');
}, 30_000);

it('stops with the fix when $HOST is not an address of this machine', async () => {
  const started = await startEntry({ HOST: '192.0.2.1' });
  expect(started).toEqual({ exit: expect.stringContaining('HOST: cannot listen on 192.0.2.1') });
  if ('exit' in started) expect(started.exit).toContain('set HOST to an address of this machine');
}, 30_000);

it('makes an admin token for a new data folder when the environment sets none, keeps it for the next start, and never prints it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-entry-'));
  const first = await startEntry({ HOST: '127.0.0.1' }, dataDir);
  if (!('port' in first)) throw new Error(first.exit);
  const file = join(dataDir, 'admin-token');
  const token = readFileSync(file, 'utf8').trim();
  expect(token).toMatch(/^[0-9a-f]{64}$/);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(first.printed).toContain(`sign in with the token in ${file}`);
  expect(first.printed).not.toContain(token);
  const signIn = (port: number, value: string) =>
    fetch(`http://127.0.0.1:${port}/v1/admin/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: value }),
    });
  expect((await signIn(first.port, token)).status).toBe(200);
  for (const child of children.splice(0)) child.kill('SIGKILL');

  const second = await startEntry({ HOST: '127.0.0.1' }, dataDir);
  if (!('port' in second)) throw new Error(second.exit);
  expect(readFileSync(file, 'utf8').trim()).toBe(token);
  expect((await signIn(second.port, token)).status).toBe(200);
}, 30_000);

it('turns the admin API off with LEADFORM_ADMIN_TOKEN=off', async () => {
  const started = await startEntry({ HOST: '127.0.0.1', LEADFORM_ADMIN_TOKEN: 'off' });
  if (!('port' in started)) throw new Error(started.exit);
  expect(started.printed).toContain('admin API off');
  expect((await fetch(`http://127.0.0.1:${started.port}/v1/admin/forms`)).status).toBe(503);
}, 30_000);
