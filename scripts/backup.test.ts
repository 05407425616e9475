/**
 * `npm run backup -- FILE` while the relay runs and takes leads: the copy opens, passes
 * quick_check and holds every lead acknowledged before the backup began.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { ROOT, startNodeRelay } from '../src/runtime/node/server.ts';

const run = promisify(execFile);
let folder: string;
afterEach(() => rmSync(folder, { recursive: true, force: true }));

it('copies the running relay’s outbox consistently, every acknowledged lead in it, and never overwrites a file', async () => {
  folder = mkdtempSync(join(tmpdir(), 'leadform-backup-'));
  const dataDir = join(folder, 'data');
  const started = await startNodeRelay({
    config: {
      forms: { f: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'inbox' } },
      destinations: { inbox: { type: 'sandbox' } },
      limits: { perIp: { requests: 100_000, perSeconds: 1 } },
    },
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    log: () => {},
    env: {},
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  const relay = started.value;
  const acknowledged: string[] = [];
  let writing = true;
  let n = 0;
  const send = async () => {
    while (writing) {
      const response = await fetch(`${relay.url}/v1/forms/f/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { email: `lead${n++}@example.com` } }),
      });
      if (response.status === 202) acknowledged.push(((await response.json()) as { id: string }).id);
    }
  };
  const senders = Array.from({ length: 4 }, send);
  try {
    while (acknowledged.length < 200) await new Promise((done) => setTimeout(done, 10));
    const before = [...acknowledged];
    const copy = join(folder, 'copy.sqlite');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', copy], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, LEADFORM_DATA_DIR: dataDir },
    });
    // The relay goes on unharmed: its files are the ones it opened.
    expect(relay.store.health()).toEqual({ status: 'ok' });
    // Leads kept coming while it copied.
    expect(acknowledged.length).toBeGreaterThan(before.length);
    expect(stdout).toMatch(/^leadform: backed up .*leadform\.sqlite to .*copy\.sqlite \(\d+ leads, quick_check ok\)/);
    expect(existsSync(`${copy}-wal`)).toBe(false);
    await expect(
      run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', copy], { cwd: ROOT, env: { PATH: process.env.PATH, LEADFORM_DATA_DIR: dataDir } }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(`FILE: ${copy} exists; name a new file`),
    });

    const db = new Database(copy, { readonly: true });
    try {
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      const stored = new Set(db.prepare('SELECT id FROM outbox').pluck().all() as string[]);
      expect(before.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      db.close();
    }
  } finally {
    writing = false;
    await Promise.all(senders);
    await relay.close();
  }
}, 60_000);

it('refuses to copy an outbox that is not there, and says how it is called', async () => {
  folder = mkdtempSync(join(tmpdir(), 'leadform-backup-'));
  const env = { PATH: process.env.PATH, LEADFORM_DATA_DIR: join(folder, 'none') };
  await expect(run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', join(folder, 'copy.sqlite')], { cwd: ROOT, env })).rejects.toMatchObject({
    stderr: expect.stringContaining('LEADFORM_DATA_DIR: no outbox at'),
  });
  await expect(run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts'], { cwd: ROOT, env })).rejects.toMatchObject({
    stderr: expect.stringContaining('usage: npm run backup -- FILE'),
  });
});
