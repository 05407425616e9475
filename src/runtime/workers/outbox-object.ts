/**
 * The Workers outbox: a SQLite-backed Durable Object per destination. It stores each lead before
 * the relay answers 202 (a Durable Object's write is durable before its answer leaves), and
 * delivers from its alarm. Being one object per destination, it is also the one place that paces
 * that CRM's calls, whichever Worker accepted the lead.
 */
import { DurableObject, type DurableObjectState } from 'cloudflare:workers';
import { createDestinations } from '../../destinations/index.ts';
import { type DeliveryDeps, deliverDue, deleteExpiredLeads, deliverLocalDestinationsAtAccept, type Pacer } from '../../relay/delivery.ts';
import { jsonLog } from '../../relay/log.ts';
import { type LeadTally, sqlLeadTally } from '../../relay/insight/lead-tally.ts';
import type { AcceptInput, DeliveryState } from '../../relay/outbox.ts';
import { SqlOutbox } from '../../relay/sql-outbox.ts';
import { durableSqlDriver } from './durable-sql-driver.ts';
import { isolateForms } from './forms-object.ts';
import { config, type Env, secretFrom } from './shared.ts';

/** How long one alarm keeps delivering before it hands over to the next alarm. */
const ALARM_BUDGET_MS = 20_000;

export class OutboxObject extends DurableObject<Env> {
  private readonly outbox: SqlOutbox;
  private readonly deliveryDeps: DeliveryDeps;
  /** Submissions, deliveries and dead letters per form, day and campaign, kept by this outbox's own SQLite. */
  private readonly tally: LeadTally;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.outbox = new SqlOutbox(durableSqlDriver(ctx.storage), { takeOverAfterMs: config.delivery.timeoutMs });
    this.tally = sqlLeadTally(this.outbox);
    // Destinations that keep state of their own (the sandbox inbox) keep it beside this outbox.
    const built = createDestinations(config.destinations, {
      sql: this.outbox.sql,
      secret: secretFrom(env),
      forms: config.forms,
      formOf: (id: string) => isolateForms(env).get(id)?.config,
      publicUrl: () => config.publicUrl,
    });
    if (!built.ok) throw new Error(`leadform: destinations are misconfigured:\n${built.problems.join('\n')}`);
    this.deliveryDeps = {
      config,
      forms: isolateForms(env),
      outbox: this.outbox,
      destinations: built.value,
      secret: secretFrom(env),
      log: jsonLog,
      pacers: new Map<string, Pacer>(),
    };
    // A destination that writes to this object's own SQLite (the sandbox inbox) is delivered in
    // the transaction that accepts each of its leads, as on Node.
    deliverLocalDestinationsAtAccept(this.outbox, this.deliveryDeps);
    // After workerd dies, the alarm time it stored survives but is never fired, and setting that
    // same time again changes nothing stored, so it is not re-armed either: a retry due after the
    // restart would wait forever. Each start clears the alarm, commits that, then sets it afresh
    // from the outbox itself.
    void ctx.blockConcurrencyWhile(async () => {
      await ctx.storage.deleteAlarm();
      await ctx.storage.sync();
      await this.scheduleNextAlarm();
    });
  }

  async accept(input: AcceptInput) {
    const result = await this.outbox.accept(input);
    if (result.kind === 'stored') await this.wakeBy(Date.now());
    return result;
  }

  findByIdempotencyKey(formId: string, key: string) {
    return this.outbox.findByIdempotencyKey(formId, key);
  }

  list(state: DeliveryState, limit: number, cursor?: string) {
    return this.outbox.list(state, limit, cursor);
  }

  get(id: string) {
    return this.outbox.get(id);
  }

  async replay(id: string, now: number) {
    const replayed = await this.outbox.replay(id, now);
    if (replayed) await this.wakeBy(now);
    return replayed;
  }

  leadTally(formId: string, from: string, to: string) {
    return this.tally.read(formId, from, to);
  }

  stats() {
    return this.outbox.stats();
  }

  destinationStats() {
    return this.outbox.destinationStats();
  }

  /** A page of destination `name`'s own (see `Destination.pages`), served where its state is: here. */
  async page(name: string, request: Request): Promise<Response> {
    const pages = this.deliveryDeps.destinations.get(name)?.pages;
    return pages ? pages(request) : Response.json({ error: 'not_found', message: `Destination "${name}" serves no pages.` }, { status: 404 });
  }

  /** Delivers what is due, deletes the leads past retention, and sets the alarm for what is left. */
  async alarm(): Promise<void> {
    const started = Date.now();
    try {
      // A store form's mapping as last published (read again when this isolate's copy is a few seconds old).
      const forms = isolateForms(this.env);
      if (forms.stale()) await forms.refresh();
      while (Date.now() - started < ALARM_BUDGET_MS && (await deliverDue(this.deliveryDeps, 25)) > 0);
    } catch (error) {
      // An attempt could not be counted or recorded (logged here; a failed record is logged by delivery too): its lead stays
      // claimed, so its next attempt looks before it creates, and the alarm set below comes back
      // for it when the claim's lease ends (see `nextDueAt`).
      jsonLog('delivery.loop_error', { error: error instanceof Error ? error.message : String(error) });
    }
    await deleteExpiredLeads(this.deliveryDeps);
    await this.scheduleNextAlarm();
  }

  /** Sets the alarm for the next lead due or the next delivered lead to delete; none when there is neither. */
  private async scheduleNextAlarm(): Promise<void> {
    const retentionMs = config.retention.deliveredPayloadDays * 86_400_000;
    const oldestPayload = this.outbox.oldestDeliveredPayloadAt();
    const wakeTimes = [this.outbox.nextDueAt(), oldestPayload === null ? null : oldestPayload + retentionMs + 1];
    const next = Math.min(...wakeTimes.filter((time): time is number => time !== null));
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }

  /** Makes sure the alarm fires no later than `time`. */
  private async wakeBy(time: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > time) await this.ctx.storage.setAlarm(time);
  }
}
