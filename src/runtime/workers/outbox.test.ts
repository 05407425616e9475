/**
 * The outbox contract on Workers: `SqlOutbox` over a Durable Object's own SQLite, in workerd
 * through miniflare, each call an RPC to the object as the Worker's own calls are.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Outbox, OutboxOptions } from '../../relay/outbox.ts';
import { type ContractOutbox, outboxContract } from '../../relay/testing/outbox-contract.ts';
import { startFixtureObject, type Workerd } from './workerd-testing.ts';

interface ContractObject {
  call(instance: number, options: OutboxOptions, method: keyof Outbox, args: unknown[]): Promise<unknown>;
}

let workerd: Workerd;
let stores = 0;

beforeAll(async () => {
  workerd = await startFixtureObject(fileURLToPath(new URL('./outbox-contract.fixture.ts', import.meta.url)), 'OutboxContractObject');
}, 60_000);
afterAll(() => workerd?.dispose());

outboxContract('SqlOutbox over Durable Object SQLite (workerd)', async (options) => {
  const namespace = await workerd.mf.getDurableObjectNamespace('CONTRACT');
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
