/** The insight suite against the Node entry, over real HTTP to a started relay with its SQLite files on disk. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { insightSuite } from '../../relay/insight/insight-suite.ts';
import { ADMIN_TOKEN, SUITE_CONFIG, TURNSTILE_SECRET } from '../../relay/testing/accept-path-suite.ts';
import { startNodeRelay } from './server.ts';

async function start(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-insight-'));
  const started = await startNodeRelay({ config: SUITE_CONFIG, port: 0, hostname: '127.0.0.1', dataDir, env, pollMs: 100, log: () => {} });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  const { value: relay } = started;
  return {
    dataDir,
    request: (path: string, init?: RequestInit) => fetch(`${relay.url}${path}`, init),
    /** Stops the relay and keeps its files. */
    stop: () => relay.close(),
    async close() {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

insightSuite('node', ({ env }) => start(env));

it('writes the counts to insight.sqlite within a second, with no stats read to prompt it, and the rest on a clean stop', async () => {
  const relay = await start({ LEADFORM_ADMIN_TOKEN: ADMIN_TOKEN, TURNSTILE_SECRET_KEY: TURNSTILE_SECRET });
  const file = join(relay.dataDir, 'insight.sqlite');
  const counted = () => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare("SELECT COALESCE(SUM(n), 0) AS n FROM insight_counters WHERE type = 'view'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  try {
    const sent = Date.now();
    const answer = await relay.request('/v1/forms/qualify/events', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '[{"type":"view"},{"type":"view"}]',
    });
    expect(answer.status).toBe(204);
    // In memory at first: a beacon's answer never waits on the disk.
    expect(counted()).toBe(0);
    await expect.poll(counted, { interval: 50, timeout: 3000 }).toBe(2);
    // Within the batching interval (and the poll's step), on a machine shared with other work.
    expect(Date.now() - sent).toBeLessThan(1500);
    // One more, then a clean stop at once: it is written on the way out, not lost with the timer.
    expect(
      (await relay.request('/v1/forms/qualify/events', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"type":"view"}' })).status,
    ).toBe(204);
    await relay.stop();
    expect(counted()).toBe(3);
  } finally {
    rmSync(relay.dataDir, { recursive: true, force: true });
  }
});
