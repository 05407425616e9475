/** The compiled Node relay `npm start` runs: it starts with plain `node` and takes a lead. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from '../src/runtime/node/server.ts';
import { buildNodeRelay } from './build-node.ts';

// A folder of its own beside dist/relay, at the same depth, so a running `npm start` keeps its file.
const outDir = join(ROOT, 'dist', `relay-test-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), 'leadform-compiled-'));
let file: string;

beforeAll(async () => {
  file = await buildNodeRelay(join(outDir, 'node', 'index.js'));
}, 60_000);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

it('holds only leadform’s own code, with no TypeScript loader', () => {
  const code = readFileSync(file, 'utf8');
  expect(code).toContain('storage_unavailable');
  expect(code).not.toMatch(/from ["']tsx|require\(["']tsx/);
  // Packages are imported from node_modules, not copied in.
  expect(code).toMatch(/from ["']hono["']/);
  expect(code).not.toContain('class Hono');
});

it('refuses an output that would not find the built widget', async () => {
  await expect(buildNodeRelay(join(ROOT, 'dist', 'index.js'))).rejects.toThrow('three folders below');
  // As deep, but outside the repository: the relay would not find the widget beside it.
  await expect(buildNodeRelay(join(ROOT, '..', 'elsewhere', 'relay', 'index.js'))).rejects.toThrow('three folders below');
});

it('starts with plain node and answers a submission with 202', async () => {
  const child = spawn(process.execPath, [file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LEADFORM_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      let printed = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        printed += chunk;
        const match = /demo at (http:\/\/\S+?)\//.exec(printed);
        if (match) done(match[1]!);
      });
      child.once('exit', (code) => fail(new Error(`the compiled relay exited with ${code}:\n${printed}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const answer = await fetch(`${url}/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: url },
      body: JSON.stringify({ fields: { name: 'Ada Lovelace', email: 'ada@example.com' }, meta: { fillMs: 5000 } }),
    });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ id: expect.any(String) });
  } finally {
    child.kill('SIGKILL');
  }
}, 30_000);
