/**
 * The form store contract on Workers: `SqlFormStore` over a Durable Object's own SQLite, in
 * workerd through miniflare, each call an RPC to the object as the Worker's own calls are.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { formStoreContract } from '../../relay/forms/contract.ts';
import type { FormStore } from '../../relay/forms/store.ts';
import { startFixtureObject, type Workerd } from './workerd-testing.ts';

interface ContractObject {
  call(instance: number, method: keyof FormStore, args: unknown[]): Promise<unknown>;
}

let workerd: Workerd;
let stores = 0;

beforeAll(async () => {
  workerd = await startFixtureObject(fileURLToPath(new URL('./form-store-contract.fixture.ts', import.meta.url)), 'FormStoreContractObject');
}, 60_000);
afterAll(() => workerd?.dispose());

formStoreContract('SqlFormStore over Durable Object SQLite (workerd)', async () => {
  const namespace = await workerd.mf.getDurableObjectNamespace('CONTRACT');
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
