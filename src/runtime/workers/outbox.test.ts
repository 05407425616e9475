/**
 * The outbox contract on Workers: `SqlOutbox` over a Durable Object's own SQLite, in workerd
 * through miniflare, each call an RPC to the object as the Worker's own calls are.
 */
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Outbox, OutboxOptions } from '../../relay/outbox.ts';
import { type ContractOutbox, outboxContract } from '../../relay/testing/outbox-contract.ts';

interface ContractObject {
  call(instance: number, options: OutboxOptions, method: keyof Outbox, args: unknown[]): Promise<unknown>;
}

let mf: Miniflare;
let dir: string;
let stores = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-outbox-contract-workerd-'));
  const scriptPath = join(dir, 'fixture.js');
  await build({
    entryPoints: [fileURLToPath(new URL('./outbox-contract.fixture.ts', import.meta.url))],
    outfile: scriptPath,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['cloudflare:*'],
    logLevel: 'warning',
  });
  mf = new Miniflare({
    modules: true,
    scriptPath,
    // The bundle lives in a temporary folder, outside the working directory.
    modulesRoot: dir,
    compatibilityDate: '2025-09-01',
    durableObjects: { CONTRACT: { className: 'OutboxContractObject', useSQLite: true } },
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

outboxContract('SqlOutbox over Durable Object SQLite (workerd)', async (options) => {
  const namespace = await mf.getDurableObjectNamespace('CONTRACT');
  // A fresh object per test: its storage starts empty.
  const object = namespace.get(namespace.idFromName(`store-${++stores}`)) as unknown as ContractObject;
  const outboxOn = (instance: number) =>
    new Proxy({} as ContractOutbox, {
      // Not a thenable: `await reopen()` must not send "then" to the object.
      get: (_, method) => (method === 'then' ? undefined : (...args: unknown[]) => object.call(instance, options, method as keyof Outbox, args)),
    });
  let instances = 0;
  return { outbox: outboxOn(instances), reopen: async () => outboxOn(++instances), close: async () => {} };
});
