/**
 * A Worker for the outbox contract suite (`outbox.test.ts`): one Durable Object per store under
 * test, holding `SqlOutbox` over its own SQLite exactly as `OutboxObject` does. `instance` picks
 * which of its outboxes answers: a second one on the same storage is a second process, with
 * claims of its own, as after a restart.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Outbox, OutboxOptions } from '../../relay/outbox.ts';
import { SqlOutbox } from '../../relay/sql-outbox.ts';
import { durableSqlDriver } from './durable-sql-driver.ts';

export class OutboxContractObject extends DurableObject {
  private readonly instances: SqlOutbox[] = [];

  call(instance: number, options: OutboxOptions, method: keyof Outbox, args: unknown[]): unknown {
    let outbox = this.instances[instance];
    if (!outbox) this.instances[instance] = outbox = new SqlOutbox(durableSqlDriver(this.ctx.storage), options);
    return (outbox[method] as (...a: unknown[]) => unknown)(...args);
  }
}

export default { fetch: () => new Response('outbox contract fixture', { status: 404 }) };
