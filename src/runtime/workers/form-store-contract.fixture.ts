/**
 * A Worker for the form store contract (`form-store.test.ts`): one Durable Object per store under
 * test, holding `SqlFormStore` over its own SQLite exactly as `FormsObject` does. `instance` picks
 * which of its stores answers: a second one on the same storage is the store opened again, as
 * after a restart.
 */
import { DurableObject } from 'cloudflare:workers';
import { SqlFormStore } from '../../relay/forms/sql-form-store.ts';
import type { FormStore } from '../../relay/forms/store.ts';
import { durableSqlDriver } from './durable-sql-driver.ts';

export class FormStoreContractObject extends DurableObject {
  private readonly instances: SqlFormStore[] = [];

  call(instance: number, method: keyof FormStore, args: unknown[]): unknown {
    let store = this.instances[instance];
    if (!store) this.instances[instance] = store = new SqlFormStore(durableSqlDriver(this.ctx.storage));
    return (store[method] as (...a: unknown[]) => unknown).apply(store, args);
  }
}

export default { fetch: () => new Response('form store contract fixture', { status: 404 }) };
