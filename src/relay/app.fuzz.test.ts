/**
 * Property-based abuse of the submission endpoint and the configuration loader: whatever arrives,
 * the relay answers with a 4xx (or 202 for a valid lead), never a 5xx, never pollutes prototypes,
 * and stores nothing it did not acknowledge.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DESTINATION_TYPES } from '../destinations/index.ts';
import { createRelay } from './app.ts';
import { parseConfig } from './config.ts';
import { MemoryOutbox } from './memory-outbox.ts';

const parsed = parseConfig({
  forms: {
    contact: {
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'email', type: 'email', required: true },
        { name: 'plan', type: 'select', options: [{ value: 'a' }, { value: 'b' }] },
        { name: 'agree', type: 'consent' },
      ],
      destination: 'inbox',
      minFillMs: 0,
    },
  },
  destinations: { inbox: { type: 'sandbox' } },
});
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));

let store: MemoryOutbox;
let app: ReturnType<typeof createRelay>;
beforeAll(() => {
  store = new MemoryOutbox();
  app = createRelay({ config: parsed.value, outbox: store });
});

const ACCEPTABLE = new Set([202, 400, 403, 409, 413, 415, 422, 429]);

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await app.request('http://relay.test/v1/forms/contact/submissions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, text };
}

/** Every error answer is JSON naming its code and saying what was wrong. */
function expectExplained({ status, text }: { status: number; text: string }) {
  expect(ACCEPTABLE.has(status), `unexpected status ${status}: ${text}`).toBe(true);
  const body = JSON.parse(text) as { error?: string; message?: string; id?: string };
  if (status === 202) expect(typeof body.id).toBe('string');
  else {
    expect(body.error).toMatch(/^[a-z_]+$/);
    expect(body.message?.length).toBeGreaterThan(0);
  }
}

const unicodeText = fc.string({ unit: 'binary', maxLength: 300 });
const nastyKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''), unicodeText);
const nastyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    unicodeText,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(nastyKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('POST /v1/forms/:id/submissions under malformed input', () => {
  it('answers any JSON value with an explained 4xx or a 202', async () => {
    await fc.assert(
      fc.asyncProperty(nastyValue, async (value) => expectExplained(await post(JSON.stringify(value)))),
      { numRuns: 300 },
    );
  });

  it('answers submissions with wrong types in every slot with 422 naming the slot', async () => {
    const slot = fc.record(
      {
        fields: fc.record({ name: nastyValue, email: nastyValue, plan: nastyValue, agree: nastyValue }, { requiredKeys: [] }),
        attribution: nastyValue,
        meta: nastyValue,
      },
      { requiredKeys: ['fields'] },
    );
    await fc.assert(
      fc.asyncProperty(slot, async (body) => {
        const answer = await post(JSON.stringify(body));
        expectExplained(answer);
        if (answer.status === 422) {
          const { issues } = JSON.parse(answer.text) as { issues: { path: unknown[]; code: string; message: string }[] };
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) {
            expect(['fields', 'attribution', 'meta']).toContain(issue.path[0]);
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers bytes that are not JSON with 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        unicodeText.filter((text) => {
          try {
            JSON.parse(text);
            return false;
          } catch {
            return true;
          }
        }),
        async (text) => {
          const answer = await post(text);
          expect(answer.status).toBe(400);
          expectExplained(answer);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers deeply nested and oversized bodies without falling over', async () => {
    for (const body of [
      '['.repeat(200_000),
      `{"fields":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
      JSON.stringify({ fields: { name: 'x'.repeat(80_000) } }),
    ]) {
      expectExplained(await post(body));
    }
    const deep = await post(`{"fields":{"name":"Ada","email":"a@b.co"},"attribution":${'['.repeat(3000)}${']'.repeat(3000)}}`);
    expect(deep.status).toBe(422);
  });

  it('does not let __proto__ or constructor keys reach any prototype', async () => {
    const bodies = [
      '{"fields":{"name":"Ada","email":"a@b.co","__proto__":{"polluted":1}},"__proto__":{"polluted":1}}',
      '{"fields":{"name":"Ada","email":"a@b.co"},"attribution":{"first":{"__proto__":{"polluted":1}},"constructor":{"prototype":{"polluted":1}}}}',
      '{"constructor":{"prototype":{"polluted":1}},"fields":{"constructor":"x","name":"Ada","email":"a@b.co"}}',
    ];
    for (const body of bodies) expectExplained(await post(body));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses abusive headers with an explained 4xx', async () => {
    const valid = JSON.stringify({ fields: { name: 'Ada', email: 'a@b.co' } });
    const abuse: Record<string, string>[] = [
      { 'Content-Type': 'application/json-patch+json' },
      { 'Content-Type': '' },
      { 'Content-Type': 'multipart/form-data; boundary=x' },
      { 'Idempotency-Key': 'k'.repeat(256) },
      { 'Idempotency-Key': 'with space' },
      { 'Content-Length': '999999999' },
      { Origin: 'null' },
      { Origin: 'https://relay.test.evil.example' },
    ];
    for (const headers of abuse) {
      const answer = await post(valid, headers);
      expect(answer.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expectExplained(answer);
    }
  });

  it('stores exactly the submissions it acknowledged', async () => {
    const before = (await store.stats()).pending;
    let acknowledged = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ name: unicodeText, email: fc.emailAddress() }), async (fields) => {
        const answer = await post(JSON.stringify({ fields }));
        if (answer.status === 202) acknowledged++;
      }),
      { numRuns: 200 },
    );
    expect(acknowledged).toBeGreaterThan(0);
    expect((await store.stats()).pending - before).toBe(acknowledged);
  });
});

describe('parseConfig under malformed input', () => {
  it('never throws and names a key in every problem', () => {
    const configish = fc.record(
      { forms: fc.oneof(nastyValue, fc.dictionary(nastyKey, nastyValue, { maxKeys: 3 })), destinations: nastyValue, delivery: nastyValue },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(nastyValue, configish), (value) => {
        const result = parseConfig(value, DESTINATION_TYPES);
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) expect(problem).toContain(': ');
        }
      }),
      { numRuns: 500 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
