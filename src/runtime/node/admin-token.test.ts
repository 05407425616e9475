import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeRelay, startNodeRelay } from './server.ts';

const config = {
  forms: { f: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'inbox' } },
  destinations: { inbox: { type: 'sandbox' } },
};
const relays: NodeRelay[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-admin-token-'));
  folders.push(dataDir);
  return startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir, log: () => {}, env });
}

describe('LEADFORM_ADMIN_TOKEN', () => {
  it('stops start-up when shorter than 32 characters, with the fix', async () => {
    const started = await start({ LEADFORM_ADMIN_TOKEN: 'too-short-0123456789' });
    expect(started).toEqual({
      ok: false,
      problems: [
        'LEADFORM_ADMIN_TOKEN: 20 characters is too short to keep the admin API safe from guessing; set it to at least 32 random characters (openssl rand -hex 32), or to off to turn the admin API off',
      ],
    });
    const long = await start({ LEADFORM_ADMIN_TOKEN: 'a'.repeat(32) });
    expect(long.ok).toBe(true);
    if (long.ok) relays.push(long.value);
  });
});
