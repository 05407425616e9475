/**
 * The insight routes: `POST /v1/forms/{id}/events` (the widget's beacons; mounted in app.ts) and
 * `GET /v1/admin/forms/{id}/stats` (mounted in admin.ts, behind its bearer gate).
 *
 * The events route answers in this order, as a submission does: 404 unknown form, 403 origin not
 * allowed, 429 over its own rate rule (per address and form, generous), 415 neither JSON nor
 * text/plain (what `navigator.sendBeacon` sends a string as), 413 over `EVENTS_MAX_BODY_BYTES`,
 * 400 bad JSON or an event that is not one of this form's, else 204. It reads no cookie, sets
 * none, and never touches the outbox: the events are counted in memory and written in batches.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { JSON_TYPE, mediaType } from '../accept/content-type.ts';
import { findLiveForm } from '../accept/form.ts';
import { allowedOrigin, corsHeaders } from '../accept/origin.ts';
import { arrivingBody, readBody } from '../accept/body.ts';
import { tooMany } from '../accept/rate.ts';
import type { FormConfig, RateRule } from '../config.ts';
import { RelayError } from '../errors.ts';
import type { FormLookup } from '../forms/catalog.ts';
import { addressKey, type RateLimiter } from '../rate-limit.ts';
import type { RelayOutbox } from '../outbox.ts';
import { type CounterBatcher, type CounterRow, type CountersStore, counterBatcher, memoryCountersStore, utcDay } from './counters.ts';
import { type FunnelEvent, readEvents } from './events.ts';
import { type LeadTally, listedLeadTally } from './lead-tally.ts';
import { computeStats, readRange } from './stats.ts';

/** The largest events body: 50 events of full-length campaigns fit; sendBeacon itself stops at 64 KiB. */
export const EVENTS_MAX_BODY_BYTES = 16_384;

/**
 * What one address may send one form: a visitor sends a few beacons per page view, so this leaves
 * room for a whole office behind one address, and keeps one script from filling the counters.
 */
export const EVENTS_RATE: RateRule = { requests: 600, perSeconds: 60 };

/** Where a runtime counts events and reads them back. */
export interface FunnelCounts {
  /** Counts a request's events; must not wait on storage (the beacon's answer does not). */
  record(formId: string, events: readonly FunnelEvent[]): void | Promise<void>;
  /** The counters of a form over a range, every event answered before this call included. */
  read(formId: string, from: string, to: string): Promise<CounterRow[]>;
}

/** A batcher and the store it writes to, as `FunnelCounts`: a read writes what is waiting first. */
export function batchedCounts(batcher: CounterBatcher, store: CountersStore): FunnelCounts {
  return {
    record: (formId, events) => batcher.count(formId, events),
    read: async (formId, from, to) => {
      await batcher.flush();
      return store.read(formId, from, to);
    },
  };
}

export interface InsightDeps {
  counts: FunnelCounts;
  leads: LeadTally;
}

export interface EventRouteDeps {
  /** The forms, file and store alike. */
  forms: FormLookup;
  counts: FunnelCounts;
  rateLimiter: RateLimiter;
  clientIp: (request: Request, env: unknown) => string | null | undefined;
  /** @default EVENTS_RATE */
  rate?: RateRule;
}

export function eventRoutes(deps: EventRouteDeps): Hono {
  const app = new Hono();
  const rate = deps.rate ?? EVENTS_RATE;

  /** The form and the CORS origin, or the refusal; every answer to an allowed origin carries its CORS headers. */
  function gate(c: Context): { form: FormConfig; origin: string | null } {
    const formId = c.req.param('formId')!;
    const form = findLiveForm(deps.forms, formId);
    if (!form.ok) throw form.error;
    const origin = allowedOrigin(form.value.config, { formId, origin: c.req.header('Origin') ?? null, url: c.req.url });
    if (!origin.ok) throw origin.error;
    for (const [name, value] of Object.entries(corsHeaders(origin.value))) c.header(name, value);
    return { form: form.value.config, origin: origin.value };
  }

  app.options('/v1/forms/:formId/events', (c) => {
    gate(c);
    return c.body(null, 204, {
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '600',
    });
  });

  app.post('/v1/forms/:formId/events', async (c) => {
    const formId = c.req.param('formId');
    const { form } = gate(c);
    const ip = deps.clientIp(c.req.raw, c.env);
    if (ip) {
      const decision = await deps.rateLimiter.take(`events:${formId}@ip:${addressKey(ip)}`, rate);
      if (!decision.ok) throw tooMany('this address for this form', rate, decision.retryAfterMs, 'events');
    }
    const type = mediaType(c.req.header('Content-Type'));
    if (type !== JSON_TYPE && type !== 'text/plain') {
      throw new RelayError(
        'unsupported_media_type',
        415,
        `Send events as ${JSON_TYPE} or text/plain (navigator.sendBeacon with a string); got "${type || 'no Content-Type'}".`,
      );
    }
    const text = await readBody(arrivingBody(c.req.raw), EVENTS_MAX_BODY_BYTES);
    if (!text.ok) throw text.error;
    let body: unknown;
    try {
      body = JSON.parse(text.value);
    } catch {
      throw new RelayError('bad_json', 400, 'The body is not JSON; send {"events": [{"type": "view"}, ...]}.');
    }
    const events = readEvents(body, formId, form);
    if (!events.ok) throw events.error;
    await deps.counts.record(formId, events.value);
    return c.body(null, 204);
  });

  return app;
}

export interface StatsRouteDeps extends InsightDeps {
  /** The forms, file and store alike. */
  forms: FormLookup;
  now: () => number;
}

/** Mounted behind the admin gate. */
export function statsRoutes(deps: StatsRouteDeps): Hono {
  const app = new Hono();
  app.get('/v1/admin/forms/:formId/stats', async (c) => {
    const formId = c.req.param('formId');
    const found = findLiveForm(deps.forms, formId);
    if (!found.ok) throw found.error;
    const range = readRange(c.req.query('from'), c.req.query('to'), utcDay(deps.now()));
    if (!range.ok) throw range.error;
    const versionParam = c.req.query('version');
    const version = versionParam === undefined ? null : Number(versionParam);
    if (version !== null && !(Number.isSafeInteger(version) && version >= 0)) {
      throw new RelayError('bad_request', 400, `version must be a whole number from 0; got "${versionParam!.slice(0, 32)}".`);
    }
    const { from, to } = range.value;
    const [counters, leads] = await Promise.all([deps.counts.read(formId, from, to), deps.leads.read(formId, from, to)]);
    // A version narrows the beacons' counts; the outbox's leads carry no version, so they stay whole.
    const rows = version === null ? counters : counters.filter((row) => row.version === version);
    return c.json({ form: formId, ...(version === null ? {} : { version }), ...computeStats(found.value.config, range.value, rows, leads) });
  });
  return app;
}

/** Counters in this process's memory and leads read by listing the outbox: for tests and a core run without a runtime's stores. */
export function defaultInsight(outbox: Pick<RelayOutbox, 'list'>, now: () => number): InsightDeps {
  const store = memoryCountersStore();
  return { counts: batchedCounts(counterBatcher({ store, now }), store), leads: listedLeadTally(outbox) };
}
