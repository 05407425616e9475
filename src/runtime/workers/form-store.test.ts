/**
 * The form store contract on Workers: `SqlFormStore` over a Durable Object's own SQLite, in
 * workerd through miniflare, each call an RPC to the object as the Worker's own calls are.
 */
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { formStoreContract } from '../../relay/forms/contract.ts';
import type { FormStore } from '../../relay/forms/store.ts';

interface ContractObject {
  call(instance: number, method: keyof FormStore, args: unknown[]): Promise<unknown>;
}

let mf: Miniflare;
let dir: string;
let stores = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-form-store-workerd-'));
  const scriptPath = join(dir, 'fixture.js');
  await build({
    entryPoints: [fileURLToPath(new URL('./form-store-contract.fixture.ts', import.meta.url))],
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
    modulesRoot: dir,
    compatibilityDate: '2025-09-01',
    durableObjects: { CONTRACT: { className: 'FormStoreContractObject', useSQLite: true } },
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

formStoreContract('SqlFormStore over Durable Object SQLite (workerd)', async () => {
  const namespace = await mf.getDurableObjectNamespace('CONTRACT');
  // A fresh object per test: its storage starts empty.
  const object = namespace.get(namespace.idFromName(`store-${++stores}`)) as unknown as ContractObject;
  const storeOn = (instance: number) =>
    new Proxy({} as FormStore, {
      // Not a thenable: `await reopen()` must not send "then" to the object.
      get: (_, method) => (method === 'then' ? undefined : (...args: unknown[]) => object.call(instance, method as keyof FormStore, args)),
    });
  let instances = 0;
  return { store: storeOn(instances), reopen: async () => storeOn(++instances), close: async () => {} };
});
