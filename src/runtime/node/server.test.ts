import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
      const response = await fetch(`${started.relay.url}/v1/forms/f/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
        body: JSON.stringify({ fields: { email: `p${i}@example.com` } }),
      });
      answers.push(response.status);
    }
    return answers;
  } finally {
    await started.relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

it('limits per visitor behind a trusted proxy, by the address the proxy appended', async () => {
  expect(await statuses(true, ['203.0.113.9, 198.51.100.1', '203.0.113.9, 198.51.100.2', '198.51.100.1'])).toEqual([202, 202, 429]);
});

it('ignores X-Forwarded-For unless told a proxy is in front', async () => {
  expect(await statuses(false, ['198.51.100.1', '198.51.100.2'])).toEqual([202, 429]);
});
