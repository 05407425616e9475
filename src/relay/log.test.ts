import { describe, expect, it } from 'vitest';
import { createRelay } from './app.ts';
import { parseConfig } from './config.ts';
import { deliverDue } from './delivery.ts';
import { bufferedJsonLog, type LogFields, logLine } from './log.ts';
import { MemoryOutbox } from './memory-outbox.ts';

describe('bufferedJsonLog', () => {
  it('writes the lines of one turn in one call, as JSON objects with time and event', () => {
    const writes: string[] = [];
    let scheduled: (() => void) | undefined;
    const log = bufferedJsonLog(
      (text) => writes.push(text),
      (flush) => (scheduled = flush),
    );
    log('a', { n: 1 });
    log('b');
    expect(writes).toEqual([]);
    scheduled!();
    expect(writes).toHaveLength(1);
    const lines = writes[0]!
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.event, line.n])).toEqual([
      ['a', 1],
      ['b', undefined],
    ]);
    expect(lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('logLine', () => {
  it('is one JSON object: time and event first, then the fields, which may overwrite neither by accident', () => {
    const line = (fields?: LogFields) => JSON.parse(logLine('lead.sent', fields)) as Record<string, unknown>;
    expect(Object.keys(line())).toEqual(['time', 'event']);
    expect(line({})).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), event: 'lead.sent' });
    const odd = { text: 'quote " and\nnewline', n: 1.5, none: null, gone: undefined, yes: true };
    expect(line(odd)).toEqual({
      time: expect.any(String),
      event: 'lead.sent',
      text: 'quote " and\nnewline',
      n: 1.5,
      none: null,
      yes: true,
    });
    expect(Object.keys(line(odd))).toEqual(['time', 'event', 'text', 'n', 'none', 'yes']);
    // A field of the same name wins, once, as a spread would have it.
    expect(logLine('lead.sent', { event: 'other', time: 'then' })).toBe('{"time":"then","event":"other"}');
    expect(logLine('quote"d')).toMatch(/"event":"quote\\"d"}$/);
  });
});

describe('what the relay logs', () => {
  it('never carries a lead’s fields, attribution or page, whatever happens to it', async () => {
    const parsed = parseConfig({
      forms: {
        f: {
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'email', type: 'email', required: true },
          ],
          minFillMs: 1000,
          destination: 'crm',
        },
      },
      destinations: { crm: { type: 'test' } },
      delivery: { maxAttempts: 2 },
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const store = new MemoryOutbox();
    const lines: string[] = [];
    const log = (event: string, fields?: LogFields) => lines.push(JSON.stringify({ event, ...fields }));
    const app = createRelay({ config: parsed.value, outbox: store, log });
    const secret = { name: 'Zelda Quixote', email: 'zelda.quixote@private.example' };
    const body = (extra: object) =>
      JSON.stringify({
        fields: secret,
        attribution: { first: { utm_campaign: 'secret-campaign' } },
        meta: { fillMs: 5000, page: 'https://shop.example/private-page' },
        ...extra,
      });
    const post = (payload: string, key?: string) =>
      app.request('http://relay.test/v1/forms/f/submissions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
        body: payload,
      });
    expect((await post(body({}), 'k')).status).toBe(202);
    expect((await post(body({}), 'k')).status).toBe(202);
    expect((await post(body({ meta: { fillMs: 10, hp: 'x' } }))).status).toBe(202);
    expect((await post(JSON.stringify({ fields: { ...secret, email: 'zelda.quixote@' } }))).status).toBe(422);
    const failing = { type: 'test', deliver: async () => ({ kind: 'retry' as const, reason: `HTTP 500: duplicate ${secret.email}` }) };
    for (let i = 0; i < 2; i++)
      await deliverDue({ config: parsed.value, outbox: store, destinations: new Map([['crm', failing]]), now: () => Date.now() + i * 3_600_000, log });
    expect(lines.map((line) => JSON.parse(line).event)).toEqual([
      'submission.accepted',
      'submission.accepted',
      'submission.dropped',
      'delivery.attempt',
      'delivery.attempt',
    ]);
    for (const needle of ['Zelda', 'zelda', 'secret-campaign', 'private-page']) expect(lines.join('\n')).not.toContain(needle);
  });
});
