/**
 * Partials across a crash on Node: keep 30 partials (each acknowledged with 202), SIGKILL the
 * relay while it promotes and delivers them (the fake CRM answers slowly), start it again on the
 * same data, and every partial reaches the CRM as one partial lead, none lost, none twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./partials-crash.fixture.ts', import.meta.url));
const PARTIALS = 30;

/** A CRM with no idempotency key: it keeps every create call it receives, duplicates included. */
async function startFakeCrm() {
  const creates: { id: string; email: string; partial: boolean }[] = [];
  const known = new Set<string>();
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk));
    request.on('end', () => {
      const lookup = /^\/leads\/([^/]+)$/.exec(request.url ?? '');
      if (request.method === 'GET' && lookup) {
        response.writeHead(known.has(lookup[1]!) ? 200 : 404).end();
        return;
      }
      const created = JSON.parse(raw) as { id: string; email: string; partial: boolean };
      // Committed before the answer: a crash during the delay leaves the outcome uncertain.
      creates.push(created);
      known.add(created.id);
      setTimeout(() => response.writeHead(201).end(), 80);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, creates, close: () => new Promise((d) => server.close(d)) };
}

function startRelay(dataDir: string, crmUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, LEADFORM_DATA_DIR: dataDir, FAKE_CRM_URL: crmUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const ready = /READY (\S+)/.exec(out);
      if (ready) done({ child, url: ready[1]! });
    });
    child.once('exit', (code) => fail(new Error(`the relay exited with ${code} before it was ready`)));
  });
}

const until = async (condition: () => boolean, what: string, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
};

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('promotes and delivers every acknowledged partial exactly once across a SIGKILL', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-partials-crash-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const crm = await startFakeCrm();
  cleanups.push(crm.close);

  const first = await startRelay(dataDir, crm.url);
  cleanups.push(() => first.child.kill('SIGKILL'));
  const emails = Array.from({ length: PARTIALS }, (_, i) => `left${i}@example.com`);
  await Promise.all(
    emails.map(async (email, i) => {
      const response = await fetch(`${first.url}/v1/forms/contact/partials`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `visit-${i}` },
        body: JSON.stringify({ fields: { email } }),
      });
      expect(response.status).toBe(202);
    }),
  );
  await until(() => crm.creates.length >= 3, 'the first partial leads');
  first.child.kill('SIGKILL');
  await new Promise((done) => first.child.once('exit', done));
  expect(crm.creates.length).toBeLessThan(PARTIALS);

  const second = await startRelay(dataDir, crm.url);
  cleanups.push(() => second.child.kill('SIGKILL'));
  const arrived = () => new Set(crm.creates.map((created) => created.email));
  await until(() => arrived().size === PARTIALS, 'every acknowledged partial at the CRM');
  // Let any stray duplicate arrive before counting.
  await new Promise((done) => setTimeout(done, 300));
  expect(crm.creates).toHaveLength(PARTIALS);
  expect([...arrived()].sort()).toEqual([...emails].sort());
  expect(crm.creates.every((created) => created.partial)).toBe(true);
}, 60_000);
