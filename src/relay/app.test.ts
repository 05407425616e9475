import { beforeEach, describe, expect, it } from 'vitest';
import { createRelay } from './app.ts';
import { parseConfig } from './config.ts';
import { MemoryOutbox } from './memory-outbox.ts';
import deCatalogue from '../../widget/form/locales/de.ts';

const config = (() => {
  const result = parseConfig({
    forms: {
      contact: {
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'email', type: 'email', required: true },
          { name: 'news', type: 'checkbox' },
        ],
        allowedOrigins: ['self', 'https://shop.example'],
        destination: 'inbox',
        minFillMs: 1000,
      },
    },
    destinations: { inbox: { type: 'sandbox' } },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
})();

let store: MemoryOutbox;
let app: ReturnType<typeof createRelay>;
let accepted: string[];

beforeEach(() => {
  store = new MemoryOutbox();
  accepted = [];
  let n = 0;
  app = createRelay({ config, outbox: store, newId: () => `lead-${++n}`, onAccepted: (d) => accepted.push(d) });
});

const valid = { fields: { name: 'Ada', email: 'ada@example.com' }, meta: { fillMs: 5000 } };
const post = (body: unknown, headers: Record<string, string> = {}, form = 'contact') =>
  app.request(`http://relay.test/v1/forms/${form}/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /v1/forms/:id/submissions', () => {
  it('stores the lead before answering 202 with its id', async () => {
    const response = await post(valid, { 'Idempotency-Key': 'k1' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id: 'lead-1' });
    const entry = await store.get('lead-1');
    expect(entry).toMatchObject({ state: 'pending', destination: 'inbox', lead: { formId: 'contact', fields: valid.fields } });
    expect(accepted).toEqual(['inbox']);
  });

  it('answers a retry with the same key and body with the first id, and stores once', async () => {
    await post(valid, { 'Idempotency-Key': 'k1' });
    const again = await post(valid, { 'Idempotency-Key': 'k1' });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ id: 'lead-1' });
    expect((await store.stats()).pending).toBe(1);
  });

  it('treats a retry with a fresh Turnstile token as the same submission', async () => {
    await post({ ...valid, meta: { fillMs: 5000, turnstile: 'first-token' } }, { 'Idempotency-Key': 'k1' });
    const retry = await post({ ...valid, meta: { fillMs: 5000, turnstile: 'fresh-token' } }, { 'Idempotency-Key': 'k1' });
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ id: 'lead-1' });
  });

  it('refuses the same key with another body with 409', async () => {
    await post(valid, { 'Idempotency-Key': 'k1' });
    const other = await post({ ...valid, fields: { ...valid.fields, name: 'Grace' } }, { 'Idempotency-Key': 'k1' });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: 'idempotency_conflict' });
  });

  it('answers 422 with per-field issues and stores nothing', async () => {
    const response = await post({ fields: { name: '', email: 'x' } });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; issues: { path: string[]; code: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.issues.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['fields.name', 'required'],
      ['fields.email', 'invalid_email'],
    ]);
    expect((await store.stats()).pending).toBe(0);
  });

  it.each([
    ['bad JSON', () => post('{"fields":'), 400, 'bad_json'],
    ['an unknown form', () => post(valid, {}, 'nope'), 404, 'unknown_form'],
    ['a foreign origin', () => post(valid, { Origin: 'https://evil.example' }), 403, 'origin_not_allowed'],
    ['a wrong content type', () => post('x', { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type'],
    ['a body over the limit', () => post({ ...valid, pad: 'x'.repeat(70_000) }), 413, 'too_large'],
  ])('refuses %s', async (_what, send, status, code) => {
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe(code);
    expect(body.message.length).toBeGreaterThan(10);
    expect((await store.stats()).pending).toBe(0);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'answers 404 for a form id every object inherits (%s), on every form route',
    async (id) => {
      const answers = [
        await post(valid, {}, id),
        await app.request(`http://relay.test/v1/forms/${id}/submissions`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example' } }),
        await app.request(`http://relay.test/v1/forms/${id}`),
        await app.request(`http://relay.test/v1/forms/${id}/embed`),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
      for (const answer of answers) expect(((await answer.json()) as { error: string }).error).toBe('unknown_form');
    },
  );

  it('sends CORS headers to allowed origins only', async () => {
    const allowed = await post(valid, { Origin: 'https://shop.example' });
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    const self = await post(valid, { Origin: 'http://relay.test' });
    expect(self.status).toBe(202);
    const preflight = await app.request('http://relay.test/v1/forms/contact/submissions', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers bots as if accepted but stores nothing', async () => {
    const honeypot = await post({ ...valid, meta: { fillMs: 5000, hp: 'http://spam' } });
    const tooFast = await post({ ...valid, meta: { fillMs: 200 } });
    expect([honeypot.status, tooFast.status]).toEqual([202, 202]);
    expect((await store.stats()).pending).toBe(0);
  });

  it('takes a plain HTML form post and redirects back with a marker', async () => {
    const response = await app.request('http://relay.test/v1/forms/contact/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Referer: 'http://relay.test/contact.html' },
      body: 'name=Ada&email=ada%40example.com&news=on&_hp=',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('http://relay.test/contact.html?leadform=sent');
    const [entry] = (await store.list('pending', 10)).entries;
    expect(entry?.lead?.fields).toEqual({ name: 'Ada', email: 'ada@example.com', news: true });
  });
});

describe('GET /v1/forms/:id', () => {
  it('serves the public definition with an ETag and honours If-None-Match', async () => {
    const response = await app.request('http://relay.test/v1/forms/contact');
    expect(response.status).toBe(200);
    const definition = (await response.json()) as Record<string, unknown>;
    expect(definition.id).toBe('contact');
    expect(definition).not.toHaveProperty('destination');
    const etag = response.headers.get('ETag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const cached = await app.request('http://relay.test/v1/forms/contact', { headers: { 'If-None-Match': etag } });
    expect(cached.status).toBe(304);
  });

  it('sends the catalogue of the language ?locale= asks for, with an ETag of its own; an unknown language gets English', async () => {
    const german = await app.request('http://relay.test/v1/forms/contact?locale=de_DE');
    const body = (await german.json()) as { id: string; catalogue: { language: string; messages: Record<string, string> } };
    expect(body.id).toBe('contact');
    expect(body.catalogue.language).toBe('de');
    expect(body.catalogue.messages.submit).toBe(deCatalogue.submit);
    const plain = await app.request('http://relay.test/v1/forms/contact');
    expect(await plain.json()).not.toHaveProperty('catalogue');
    expect(german.headers.get('ETag')).not.toBe(plain.headers.get('ETag'));
    const again = await app.request('http://relay.test/v1/forms/contact?locale=de', { headers: { 'If-None-Match': german.headers.get('ETag')! } });
    expect(again.status).toBe(304);
    const unknown = (await (await app.request('http://relay.test/v1/forms/contact?locale=xx-YY')).json()) as typeof body;
    expect(unknown.catalogue.language).toBe('en');
  });
});

describe('GET /healthz', () => {
  it('reports outbox depth and the age of the oldest pending lead', async () => {
    await post(valid);
    const health = (await (await app.request('http://relay.test/healthz')).json()) as { outbox: { pending: number; oldestPendingAgeMs: number } };
    expect(health.outbox.pending).toBe(1);
    expect(health.outbox.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
  });
});

describe('routing', () => {
  it("matches every route with Hono's RegExpRouter, one regular expression per method", async () => {
    // A route Hono's RegExpRouter cannot compile (a capturing group in a parameter's pattern)
    // silently moves every request, submissions included, to the slower TrieRouter.
    await app.request('http://relay.test/healthz');
    expect(app.router.name).toBe('SmartRouter + RegExpRouter');
  });

  it('still tells widget files by their extension', async () => {
    expect((await app.request('http://relay.test/v1/widget/form.txt')).status).toBe(404);
  });
});

describe('GET /v1/widget/attribution.js', () => {
  const CAPTURE_MODULE = 'export function captureVisit() {}';
  const serve = (requireConsent: boolean | undefined) => {
    const form = { ...config.forms.contact!, requireConsent };
    const relay = createRelay({
      config: { ...config, forms: { contact: form, other: { ...config.forms.contact! } } },
      outbox: store,
      readAsset: async (path) => (path === 'widget/attribution.js' ? CAPTURE_MODULE : 'other'),
    });
    return relay.request('http://relay.test/v1/widget/attribution.js');
  };

  it('carries the consent rule when one form of the configuration requires consent', async () => {
    const response = await serve(true);
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('Content-Length')).toBeNull();
    expect(await response.text()).toBe(`${CAPTURE_MODULE}\nvar LEADFORM_CONSENT_REQUIRED = true;\n`);
  });

  it('is served as built when no form requires consent', async () => {
    for (const requireConsent of [false, undefined]) expect(await (await serve(requireConsent)).text()).toBe(CAPTURE_MODULE);
  });
});
