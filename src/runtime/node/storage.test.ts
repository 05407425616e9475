/**
 * The Node relay never loses an acknowledged lead silently: it refuses to start on a damaged or
 * vanished outbox, and while running it stops answering 202 (503 `storage_unavailable`, /healthz
 * 503) when its file is deleted or replaced or its disk is full, resuming once space returns.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NodeRelay, startNodeRelay } from './server.ts';

const config = {
  forms: {
    f: {
      fields: [
        { name: 'email', type: 'email', required: true },
        { name: 'message', type: 'textarea', maxLength: 10_000 },
      ],
      minFillMs: 0,
      destination: 'inbox',
    },
  },
  destinations: { inbox: { type: 'sandbox' } },
  limits: { perIp: { requests: 10_000, perSeconds: 1 } },
};

let dataDir: string;
let events: { event: string; fields: Record<string, unknown> }[];
const relays: NodeRelay[] = [];
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-storage-'));
  events = [];
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

const start = (env: Record<string, string> = {}) =>
  startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir, log: (event, fields = {}) => events.push({ event, fields }), env, pollMs: 50 });

async function running(): Promise<NodeRelay> {
  const started = await start();
  if (!started.ok) throw new Error(started.problems.join('\n'));
  relays.push(started.value);
  return started.value;
}

async function stopped(relay: NodeRelay) {
  relays.splice(relays.indexOf(relay), 1);
  await relay.close();
}

const file = () => join(dataDir, 'leadform.sqlite');

let sent = 0;
function submit(relay: NodeRelay, message = 'hello') {
  sent++;
  return fetch(`${relay.url}/v1/forms/f/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fields: { email: `p${sent}@example.com`, message } }),
  });
}

describe('start-up', () => {
  it('refuses a damaged database file, naming it and how to restore a backup', async () => {
    const relay = await running();
    expect((await submit(relay)).status).toBe(202);
    await stopped(relay);
    // Scribble over every page after the header.
    const fd = openSync(file(), 'r+');
    const size = statSync(file()).size;
    for (let at = 100; at < size; at += 512) writeSync(fd, Buffer.alloc(256, 0xa5), 0, 256, at);
    closeSync(fd);

    const again = await start();
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.problems).toHaveLength(1);
    expect(again.problems[0]).toContain(`LEADFORM_DATA_DIR: the outbox ${file()} is damaged`);
    expect(again.problems[0]).toMatch(/; stop the relay, move .* aside, copy your latest backup \(npm run backup\) to .*leadform\.sqlite, and start again$/);
  });

  it('refuses to start empty where its database was deleted or emptied', async () => {
    const relay = await running();
    expect((await submit(relay)).status).toBe(202);
    await stopped(relay);

    writeFileSync(file(), '');
    const emptied = await start();
    expect(emptied.ok).toBe(false);
    if (!emptied.ok)
      expect(emptied.problems[0]).toMatch(/^LEADFORM_DATA_DIR: the outbox .*leadform\.sqlite is empty, but .*leadform\.sqlite\.created shows it held leads/);

    unlinkSync(file());
    const deleted = await start();
    expect(deleted.ok).toBe(false);
    if (!deleted.ok) {
      expect(deleted.problems[0]).toMatch(/^LEADFORM_DATA_DIR: the outbox .*leadform\.sqlite is missing, but .*leadform\.sqlite\.created shows it held leads/);
      expect(deleted.problems[0]).toMatch(/restore your latest backup .*; to start with an empty outbox on purpose, delete .*leadform\.sqlite\.created$/);
    }
    // Nothing was created in its place.
    expect(() => statSync(file())).toThrow();
  });

  it('refuses a missing database whose write-ahead log is still there', async () => {
    writeFileSync(`${file()}-wal`, Buffer.alloc(4096, 1));
    const started = await start();
    expect(started.ok).toBe(false);
    if (!started.ok)
      expect(started.problems[0]).toMatch(/^LEADFORM_DATA_DIR: the outbox .*leadform\.sqlite is missing, but .*leadform\.sqlite-wal shows it held leads/);
  });

  it('starts on a new folder, and again on the file it created', async () => {
    const relay = await running();
    expect((await submit(relay)).status).toBe(202);
    await stopped(relay);
    expect(JSON.parse(readFileSync(`${file()}.created`, 'utf8'))).toMatchObject({ file: 'leadform.sqlite' });
    const again = await running();
    expect((await again.store.stats()).pending + (await again.store.stats()).delivered).toBe(1);
  });
});

describe('while running', () => {
  const health = async (relay: NodeRelay) => {
    const response = await fetch(`${relay.url}/healthz`);
    return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
  };

  it.each([
    ['deleted', () => unlinkSync(file()), /was deleted/],
    [
      'replaced',
      () => {
        writeFileSync(join(dataDir, 'copy'), readFileSync(file()));
        renameSync(join(dataDir, 'copy'), file());
      },
      /was replaced by another file/,
    ],
    ['deleted with its folder', () => rmSync(dataDir, { recursive: true, force: true }), /was deleted or moved/],
  ])('stops acknowledging once its database file is %s', async (_, change, reason) => {
    const relay = await running();
    expect((await submit(relay)).status).toBe(202);
    change();
    const refused = await submit(relay);
    const refusedEmail = `p${sent}@example.com`;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: 'storage_unavailable' });
    // Told nothing was stored, the visitor sends it again later: this process must not deliver it meanwhile.
    await new Promise((done) => setTimeout(done, 300));
    expect(JSON.stringify(await (await fetch(`${relay.url}/sandbox/inbox.json`)).json())).not.toContain(refusedEmail);
    const healthz = await health(relay);
    expect(healthz.status).toBe(503);
    expect(healthz.body.status).toBe('unavailable');
    expect(healthz.body.reason).toMatch(reason);
    const logged = events.find((e) => e.event === 'storage.unavailable');
    expect(logged?.fields.reason).toMatch(reason);
    expect(JSON.stringify(logged)).not.toContain('@example.com');
  });

  it('notices a deleted file on its own timer, before any submission', async () => {
    await running();
    unlinkSync(file());
    await expect.poll(() => events.some((e) => e.event === 'storage.unavailable'), { timeout: 3000 }).toBe(true);
  });

  it('answers 503 while the disk is full and resumes without a restart once space returns', async () => {
    const relay = await running();
    expect((await submit(relay)).status).toBe(202);
    expect(await health(relay)).toMatchObject({ status: 200, body: { status: 'ok' } });
    // A real SQLITE_FULL: the database may not grow by one page more.
    const pages = relay.store.db.pragma('page_count', { simple: true }) as number;
    relay.store.db.pragma(`max_page_count = ${pages}`);
    const full = await submit(relay, 'x'.repeat(10_000));
    expect(full.status).toBe(503);
    expect(full.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(await full.json()).toMatchObject({ error: 'storage_unavailable' });
    const degraded = await health(relay);
    expect(degraded).toMatchObject({ status: 503, body: { status: 'degraded', reason: expect.stringMatching(/full/) } });
    expect(events.find((e) => e.event === 'storage.unavailable')?.fields.reason).toMatch(/full/);

    relay.store.db.pragma('max_page_count = 1073741823');
    await expect.poll(async () => (await health(relay)).status, { timeout: 3000 }).toBe(200);
    expect((await submit(relay, 'x'.repeat(10_000))).status).toBe(202);
    expect(events.some((e) => e.event === 'storage.recovered')).toBe(true);
  });

  // A real full disk where this process may mount one (root with the right to mount): a tiny tmpfs.
  const mountable = (() => {
    const probe = mkdtempSync(join(tmpdir(), 'leadform-mount-probe-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
    if (mounted) spawnSync('umount', [probe]);
    rmSync(probe, { recursive: true, force: true });
    return mounted;
  })();

  it.skipIf(!mountable)('answers 503 on a disk that is really full (tmpfs) and resumes once a file is deleted', async () => {
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dataDir]).status).toBe(0);
    let relay: NodeRelay | undefined;
    try {
      relay = await running();
      expect((await submit(relay)).status).toBe(202);
      // Fill every byte left.
      const filler = join(dataDir, 'filler');
      for (const chunk of [65_536, 4096, 512]) {
        try {
          for (;;) appendFileSync(filler, Buffer.alloc(chunk));
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }
      }
      const full = await submit(relay, 'x'.repeat(10_000));
      expect(full.status).toBe(503);
      expect(full.headers.get('Retry-After')).toMatch(/^\d+$/);
      expect(await full.json()).toMatchObject({ error: 'storage_unavailable' });
      expect(await health(relay)).toMatchObject({ status: 503, body: { status: 'degraded' } });

      unlinkSync(filler);
      await expect.poll(async () => (await health(relay!)).status, { timeout: 3000 }).toBe(200);
      expect((await submit(relay, 'x'.repeat(10_000))).status).toBe(202);
      expect((await relay.store.stats()).pending + (await relay.store.stats()).delivered).toBe(2);
    } finally {
      if (relay) await stopped(relay);
      spawnSync('umount', [dataDir]);
    }
  });
});
