import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startNodeRelay } from './server.ts';

const config = {
  forms: { f: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'inbox' } },
  destinations: { inbox: { type: 'sandbox' } },
  limits: { perIp: { requests: 1, perSeconds: 60 } },
};

async function statuses(trustProxy: boolean, forwardedFor: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-proxy-'));
  const started = await startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir, log: () => {}, trustProxy, env: {} });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  try {
    const answers: number[] = [];
    for (const [i, address] of forwardedFor.entries()) {
      const response = await fetch(`${started.value.url}/v1/forms/f/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
        body: JSON.stringify({ fields: { email: `p${i}@example.com` } }),
      });
      answers.push(response.status);
    }
    return answers;
  } finally {
    await started.value.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

it('limits per visitor behind a trusted proxy, by the address the proxy appended', async () => {
  expect(await statuses(true, ['203.0.113.9, 198.51.100.1', '203.0.113.9, 198.51.100.2', '198.51.100.1'])).toEqual([202, 202, 429]);
});

it('ignores X-Forwarded-For unless told a proxy is in front', async () => {
  expect(await statuses(false, ['198.51.100.1', '198.51.100.2'])).toEqual([202, 429]);
});

it('gives leads waiting for a destination the configuration no longer has their attempts, ending as dead letters that say why', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-renamed-'));
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const start = (destination: string, delivery = {}) =>
    startNodeRelay({
      config: { forms: { f: { ...config.forms.f, destination } }, destinations: { [destination]: { type: 'sandbox' } }, delivery },
      port: 0,
      hostname: '127.0.0.1',
      dataDir,
      log: (event, fields = {}) => events.push({ event, fields }),
      env: {},
      pollMs: 50,
    });
  try {
    // Leads accepted for "crm", the relay stopped before they went out.
    const first = await start('crm');
    if (!first.ok) throw new Error(first.problems.join('\n'));
    await first.value.store.accept({
      lead: { id: 'waiting', formId: 'f', receivedAt: new Date().toISOString(), fields: { email: 'w@example.com' } },
      destination: 'gone',
      idempotencyKey: null,
      bodyHash: 'h',
    });
    await first.value.close();

    const second = await start('crm', { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 });
    if (!second.ok) throw new Error(second.problems.join('\n'));
    try {
      expect(events.find((e) => e.event === 'delivery.unconfigured_destination')?.fields).toMatchObject({ destination: 'gone' });
      await expect.poll(async () => (await second.value.store.get('waiting'))?.state, { timeout: 5000 }).toBe('dead');
      expect((await second.value.store.get('waiting'))?.lastError).toContain('destination "gone" is not configured');
    } finally {
      await second.value.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('shuts down once the attempts under way end, leaving the backlog for the next start', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-stop-'));
  let calls = 0;
  const started = await startNodeRelay({
    config: { forms: { f: { ...config.forms.f, destination: 'slow' } }, destinations: { slow: { type: 'slow' } } },
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    log: () => {},
    env: {},
    pollMs: 50,
    // A CRM that takes 100 ms a lead: 30 leads would hold a shutdown for 3 s.
    extraDestinations: {
      slow: () => ({
        ok: true,
        value: {
          type: 'slow',
          deliver: async () => {
            calls++;
            await new Promise((done) => setTimeout(done, 100));
            return { kind: 'delivered' };
          },
        },
      }),
    },
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  try {
    for (let i = 0; i < 30; i++) {
      await started.value.store.accept({
        lead: { id: `l${i}`, formId: 'f', receivedAt: new Date().toISOString(), fields: { email: `l${i}@example.com` } },
        destination: 'slow',
        idempotencyKey: null,
        bodyHash: `h${i}`,
      });
    }
    await expect.poll(() => calls, { timeout: 5000 }).toBeGreaterThan(0);
  } finally {
    await started.value.close();
  }
  expect(calls).toBeLessThan(5);
  rmSync(dataDir, { recursive: true, force: true });
});

it('refuses to start on a port in use, or with a data folder it cannot write, naming the setting and the fix', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-refuse-'));
  const first = await startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir: join(dataDir, 'a'), log: () => {}, env: {} });
  if (!first.ok) throw new Error(first.problems.join('\n'));
  try {
    const port = Number(new URL(first.value.url).port);
    const second = await startNodeRelay({ config, port, hostname: '127.0.0.1', dataDir: join(dataDir, 'b'), log: () => {}, env: {} });
    expect(second).toEqual({ ok: false, problems: [`PORT: port ${port} is in use (another leadform, or another server); set PORT to a free port`] });
    // A file where the folder should be.
    writeFileSync(join(dataDir, 'file'), '');
    const third = await startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir: join(dataDir, 'file'), log: () => {}, env: {} });
    expect(third.ok).toBe(false);
    if (!third.ok) expect(third.problems[0]).toMatch(/^LEADFORM_DATA_DIR: cannot keep the outbox in .*file .*; set it to a folder this process may write$/);
  } finally {
    await first.value.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('closes while a browser holds idle connections: one it opened ahead of need and never used, and a keep-alive one between requests', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-close-'));
  const started = await startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir, log: () => {}, env: {} });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  const { port } = new URL(started.value.url);
  // A preconnected socket: open, and silent.
  const idle = createConnection({ host: '127.0.0.1', port: Number(port) });
  await new Promise((done) => idle.once('connect', done));
  // A keep-alive connection between two requests is quiet too.
  const health = await fetch(`${started.value.url}/healthz`);
  expect(health.status).toBe(200);
  const closing = started.value.close().then(() => 'closed' as const);
  const waited = await Promise.race([closing, new Promise((done) => setTimeout(() => done('still open after 3 s'), 3000))]);
  idle.destroy();
  await closing;
  rmSync(dataDir, { recursive: true, force: true });
  expect(waited).toBe('closed');
});

it('delivers a sandbox lead in the transaction that accepts it: in the inbox, and delivered, by its 202', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-at-accept-'));
  const attempts: Record<string, unknown>[] = [];
  const started = await startNodeRelay({
    config: { ...config, limits: { perIp: { requests: 1000, perSeconds: 60 } } },
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    log: (event, fields) => {
      if (event === 'delivery.attempt') attempts.push(fields ?? {});
    },
    env: {},
    // No poll, and a gathering wait longer than the checks take: no delivery pass runs before them.
    pollMs: 60_000,
    inTransactionBatchMs: 1_000,
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  try {
    const post = (i: number) =>
      fetch(`${started.value.url}/v1/forms/f/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { email: `w${i}@example.com` } }),
      });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i)));
    const ids = await Promise.all(answers.map(async (answer) => ((await answer.json()) as { id: string }).id));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(202));
    expect(await started.value.store.stats()).toMatchObject({ pending: 0, delivered: 20 });
    const inbox = (await (await fetch(`${started.value.url}/sandbox/inbox.json`)).json()) as { lead: { id: string } }[];
    expect(inbox.map((item) => item.lead.id).sort()).toEqual([...ids].sort());
    expect(attempts.map((line) => line.id).sort()).toEqual([...ids].sort());
    expect(attempts[0]).toMatchObject({ destination: 'inbox', attempt: 1, outcome: 'delivered', state: 'delivered' });
    expect(await started.value.store.get(ids[0]!)).toMatchObject({ state: 'delivered', attempts: 1, remoteId: ids[0] });
  } finally {
    await started.value.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
