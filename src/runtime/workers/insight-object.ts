/**
 * The funnel counters on Workers: a SQLite-backed Durable Object per form (`idFromName(formId)`),
 * so every Worker isolate in every location counts one form's beacons in one place. A beacon
 * increments the object's counters in memory; they are written to its SQLite at most once a
 * second (the same batching writer as on Node), so an object that is evicted or crashes loses at
 * most the last second of counts. A read writes what is waiting first.
 */
import { DurableObject, type DurableObjectState } from 'cloudflare:workers';
import { type CounterBatcher, type CounterRow, type CountersStore, counterBatcher } from '../../relay/insight/counters.ts';
import type { FunnelEvent } from '../../relay/insight/events.ts';
import { sqlCountersStore } from '../../relay/insight/sql-counters.ts';
import { jsonLog } from '../../relay/log.ts';
import { durableSqlDriver } from './durable-sql-driver.ts';
import type { Env } from './shared.ts';

export class InsightObject extends DurableObject<Env> {
  private readonly store: CountersStore;
  private readonly batcher: CounterBatcher;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = sqlCountersStore(durableSqlDriver(ctx.storage));
    this.batcher = counterBatcher({
      store: this.store,
      onError: (error) => jsonLog('insight.flush_error', { error: error instanceof Error ? error.message : String(error) }),
    });
  }

  count(formId: string, events: FunnelEvent[]): void {
    this.batcher.count(formId, events);
  }

  async read(formId: string, from: string, to: string): Promise<CounterRow[]> {
    await this.batcher.flush();
    return this.store.read(formId, from, to);
  }
}
