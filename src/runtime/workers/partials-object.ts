/**
 * The Workers partials: one SQLite-backed Durable Object keeps every form's partials (the same
 * `SqlPartials` as Node, in its own storage) and promotes them from its alarm, set for the
 * earliest partial due. Its writes are durable before its answer leaves, so the 202 of a partial
 * means it is kept. The final submission ends its partial by a call after the lead is stored
 * (two objects share no transaction); should that call be lost, promotion finds the final
 * submission in the outbox before it promotes, and ends the partial instead.
 */
import { DurableObject, type DurableObjectState } from 'cloudflare:workers';
import { jsonLog } from '../../relay/log.ts';
import { promoteDuePartials } from '../../relay/partials/promote.ts';
import { type PartialSave, type PartialStore, SqlPartials } from '../../relay/partials/store.ts';
import { durableOutbox } from './durable-outbox.ts';
import { durableSqlDriver } from './durable-sql-driver.ts';
import { isolateForms } from './forms-object.ts';
import { config, type Env } from './shared.ts';

/** How long one alarm keeps promoting before it hands over to the next alarm. */
const ALARM_BUDGET_MS = 20_000;
/** How long a settled partial is kept (the configuration's `retention.deliveredPayloadDays`). */
const RETENTION_MS = config.retention.deliveredPayloadDays * 86_400_000;
/** How long after a failed promotion pass the next one runs. */
const RETRY_AFTER_FAILURE_MS = 60_000;

export class PartialsObject extends DurableObject<Env> {
  private readonly partials: SqlPartials;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.partials = new SqlPartials(durableSqlDriver(ctx.storage));
  }

  async save(input: PartialSave) {
    const saved = await this.partials.save(input);
    if (saved.kind === 'saved') await this.wakeBy(input.dueAt);
    return saved;
  }

  async complete(formId: string, key: string, now: number) {
    await this.partials.complete(formId, key, now);
    // The completed marker is retention's to erase: an alarm must come for it.
    await this.wakeBy(now + RETENTION_MS + 1);
  }

  list(formId: string | null, limit: number, cursor?: string) {
    return this.partials.list(formId, limit, cursor);
  }

  due(now: number, limit: number) {
    return this.partials.due(now, limit);
  }

  settle(formId: string, key: string, state: 'promoted' | 'completed', now: number) {
    return this.partials.settle(formId, key, state, now);
  }

  erase(before: number) {
    return this.partials.erase(before);
  }

  nextDueAt() {
    return this.partials.nextDueAt();
  }

  oldestSettledAt() {
    return this.partials.oldestSettledAt();
  }

  /** Promotes what is due, erases settled partials past retention, and sets the alarm for the next one due. */
  async alarm(): Promise<void> {
    const started = Date.now();
    // A store form's partials go where its live version says: this isolate's copy, read again when stale.
    const forms = isolateForms(this.env);
    if (forms.stale()) await forms.refresh();
    const deps = { config, forms, partials: this.partials, outbox: durableOutbox(this.env, config, forms), now: Date.now, log: jsonLog };
    let failed = false;
    try {
      while (Date.now() - started < ALARM_BUDGET_MS && (await promoteDuePartials(deps)) > 0);
    } catch (error) {
      // Whatever was not marked promoted stays pending, for the next alarm; the outbox's key
      // makes storing a lead that was stored already a replay.
      failed = true;
      jsonLog('partial.promote_error', { error: error instanceof Error ? error.message : String(error) });
    }
    await this.partials.erase(Date.now() - RETENTION_MS);
    const oldestSettled = await this.partials.oldestSettledAt();
    const wakeTimes = [await this.partials.nextDueAt(), oldestSettled === null ? null : oldestSettled + RETENTION_MS + 1];
    const next = Math.min(...wakeTimes.filter((time): time is number => time !== null));
    // After a failure, a minute's pause rather than an alarm at once, over and over.
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(Math.max(next, Date.now() + (failed ? RETRY_AFTER_FAILURE_MS : 0)));
  }

  /** Makes sure the alarm fires no later than `time`. */
  private async wakeBy(time: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > time) await this.ctx.storage.setAlarm(time);
  }
}

/** The relay's view of the partials object: every call goes to the one object. */
export function durablePartials(env: Env): PartialStore {
  const object = () => env.PARTIALS.get(env.PARTIALS.idFromName('partials'));
  return {
    save: (input) => object().save(input),
    complete: (formId, key, now) => object().complete(formId, key, now),
    list: (formId, limit, cursor) => object().list(formId, limit, cursor),
    due: (now, limit) => object().due(now, limit),
    settle: (formId, key, state, now) => object().settle(formId, key, state, now),
    erase: (before) => object().erase(before),
    nextDueAt: () => object().nextDueAt(),
    oldestSettledAt: () => object().oldestSettledAt(),
  };
}
