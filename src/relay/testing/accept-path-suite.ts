/**
 * One accept-path suite for every runtime: each answer of `POST /v1/forms/{id}/submissions` in
 * the order the relay checks them, then delivery and the admin API, over the runtime's real
 * transport (HTTP to a started Node relay; workerd through miniflare). A runtime's test file
 * only says how to start its relay with `SUITE_CONFIG`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTurnstile, startFakeTurnstile } from './fake-turnstile.ts';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
export const TURNSTILE_SECRET = '0x4AAAAAAAtest-secret';

const fields = [
  { name: 'name', type: 'text', required: true },
  { name: 'email', type: 'email', required: true },
  { name: 'news', type: 'checkbox' },
];

/** The configuration every runtime starts with for this suite. */
export const SUITE_CONFIG = {
  forms: {
    contact: { fields, allowedOrigins: ['https://shop.example'], destination: 'inbox', minFillMs: 1000 },
    guarded: {
      fields,
      allowedOrigins: ['https://shop.example'],
      destination: 'inbox',
      turnstile: { siteKey: '1x00000000000000000000AA', secretEnv: 'TURNSTILE_SECRET_KEY' },
    },
    limited: { fields, destination: 'inbox', rateLimit: { requests: 2, perSeconds: 60 } },
    // The form engine: a branch (budget only for large companies) and phone numbers.
    qualify: {
      fields: [
        { name: 'email', type: 'email', required: true },
        { name: 'size', type: 'radio', options: [{ value: '1-10' }, { value: '51+' }], required: true },
        { name: 'budget', type: 'number', required: true, min: 0, when: { field: 'size', is: '51+' } },
        { name: 'phone', type: 'tel', phone: { defaultCountry: 'DE' } },
        { name: 'mobile', type: 'tel', phone: { strict: true } },
      ],
      steps: [
        { id: 'you', fields: ['email', 'phone', 'mobile'] },
        { id: 'company', fields: ['size', 'budget'] },
      ],
      destination: 'inbox',
    },
  },
  destinations: { inbox: { type: 'sandbox' } },
  limits: { perIp: { requests: 60, perSeconds: 60 }, maxBodyBytes: 4096 },
  delivery: { baseDelayMs: 50, maxDelayMs: 200 },
};

export interface RelayUnderTest {
  /** Sends a request to the relay; `path` starts with "/". */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface SuiteContext {
  /** Where the relay must send Turnstile checks. */
  turnstileVerifyUrl: string;
  /** Environment the relay must see: the Turnstile secret and the admin token. */
  env: Record<string, string>;
}

export function acceptPathSuite(runtime: string, start: (context: SuiteContext) => Promise<RelayUnderTest>): void {
  describe(`accept path on ${runtime}`, () => {
    let relay: RelayUnderTest;
    let turnstile: FakeTurnstile;
    let serial = 0;

    beforeAll(async () => {
      turnstile = await startFakeTurnstile(TURNSTILE_SECRET);
      relay = await start({
        turnstileVerifyUrl: turnstile.url,
        env: { TURNSTILE_SECRET_KEY: TURNSTILE_SECRET, LEADFORM_ADMIN_TOKEN: ADMIN_TOKEN },
      });
    }, 60_000);
    afterAll(async () => {
      await relay?.close();
      await turnstile?.close();
    });

    /** A valid body with a name no other test uses, to find the lead afterwards. */
    const lead = (extra: Record<string, unknown> = {}) => {
      const name = `${runtime} visitor ${++serial} ${Date.now()}`;
      return { fields: { name, email: `v${serial}@example.com` }, meta: { fillMs: 4000 }, ...extra };
    };
    const post = (form: string, body: unknown, headers: Record<string, string> = {}) =>
      relay.request(`/v1/forms/${form}/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        redirect: 'manual',
      });
    const admin = (path: string, init: RequestInit = {}) =>
      relay.request(path, { ...init, headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string>) } });
    const expectError = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe(code);
      expect(body.message.length).toBeGreaterThan(15);
      return body;
    };
    /**
     * The sandbox's inbox as JSON. It shows personal data: Node serves it to this test's loopback
     * connection as it is; workerd has no loopback client, so there it takes the admin token.
     */
    const loopback = runtime === 'node';
    const inboxJson = () => (loopback ? relay.request('/sandbox/inbox.json') : admin('/sandbox/inbox.json'));
    /** The name of every lead the admin API lists, in any state, once per submission id. */
    const allNames = async () => {
      // By id: a lead delivered between two of these lists shows in both.
      const names = new Map<string, string>();
      for (const state of ['pending', 'delivered', 'dead']) {
        const list = (await (await admin(`/v1/admin/submissions?state=${state}&limit=1000`)).json()) as {
          id: string;
          lead: { fields: { name: string } } | null;
        }[];
        for (const entry of list) if (entry.lead) names.set(entry.id, entry.lead.fields.name);
      }
      return [...names.values()];
    };
    const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
      for (let i = 0; i < 100; i++) {
        const found = await probe();
        if (found !== undefined) return found;
        await new Promise((done) => setTimeout(done, 100));
      }
      throw new Error(`timed out waiting for ${what}`);
    };

    it('answers an unknown form with 404', async () => {
      await expectError(await post('nope', lead()), 404, 'unknown_form');
    });

    it('refuses a foreign Origin with 403 and no CORS headers; allows a listed one with CORS', async () => {
      const foreign = await post('contact', lead(), { Origin: 'https://evil.example' });
      expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull();
      const body = await expectError(foreign, 403, 'origin_not_allowed');
      expect(body.message).toContain('forms.contact.allowedOrigins');

      const preflight = await relay.request('/v1/forms/contact/submissions', {
        method: 'OPTIONS',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, idempotency-key' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
      expect(preflight.headers.get('Access-Control-Allow-Headers')).toMatch(/Idempotency-Key/);

      const allowed = await post('contact', lead(), { Origin: 'https://shop.example' });
      expect(allowed.status).toBe(202);
      expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    });

    it('answers a wrong content type with 415 before reading the body', async () => {
      const body = await expectError(await post('contact', 'name=x', { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type');
      expect(body.message).toContain('application/json');
    });

    it('takes a plain HTML form post and answers with a redirect', async () => {
      const name = `${runtime} html form ${Date.now()}`;
      const response = await post('contact', new URLSearchParams({ name, email: 'html@example.com', news: 'on', _hp: '', _fill_ms: '5000' }).toString(), {
        'Content-Type': 'application/x-www-form-urlencoded',
        Referer: 'https://shop.example/contact.html',
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toBe('https://shop.example/contact.html?leadform=sent');
      await waitFor(async () => ((await allNames()).includes(name) ? true : undefined), 'the form-encoded lead');
    });

    it('answers a body over the limit with 413 and stores nothing', async () => {
      const big = lead({ attribution: { pad: 'x'.repeat(5000) } });
      const body = await expectError(await post('contact', big), 413, 'too_large');
      expect(body.message).toContain('4096');
      expect(await allNames()).not.toContain(big.fields.name);
    });

    it('counts a chunked body (no Content-Length) as it streams, and refuses it past the limit', async () => {
      const big = lead({ attribution: { pad: 'y'.repeat(6000) } });
      const bytes = new TextEncoder().encode(JSON.stringify(big));
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
          controller.close();
        },
      });
      // The relay reads the rest of a moderately oversized body before answering, so a client
      // still sending gets the 413 rather than a reset connection.
      const response = await relay.request('/v1/forms/contact/submissions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: chunked,
        duplex: 'half',
      } as RequestInit);
      await expectError(response, 413, 'too_large');
      expect(await allNames()).not.toContain(big.fields.name);
    });

    it('answers malformed JSON with 400', async () => {
      await expectError(await post('contact', '{"fields": {'), 400, 'bad_json');
    });

    it('answers a schema violation with 422 and per-field issues', async () => {
      const response = await post('contact', { fields: { name: '', email: 'not-an-email' }, meta: { fillMs: 4000 } });
      const body = (await expectError(response, 422, 'validation_failed')) as unknown as { issues: { path: string[]; code: string }[] };
      expect(body.issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([
        ['fields.name', 'required'],
        ['fields.email', 'invalid_email'],
      ]);
    });

    it('answers the honeypot and a too-fast fill as accepted, and drops both', async () => {
      const honeypot = lead({ meta: { fillMs: 4000, hp: 'https://spam.example' } });
      const tooFast = lead({ meta: { fillMs: 300 } });
      for (const body of [honeypot, tooFast]) {
        const response = await post('contact', body);
        expect(response.status).toBe(202);
        expect(((await response.json()) as { id: string }).id).toMatch(/\S{8,}/);
      }
      const control = lead();
      expect((await post('contact', control)).status).toBe(202);
      await waitFor(async () => ((await allNames()).includes(control.fields.name) ? true : undefined), 'the control lead');
      const names = await allNames();
      expect(names).not.toContain(honeypot.fields.name);
      expect(names).not.toContain(tooFast.fields.name);
    });

    it('checks Turnstile server-side: no token, a refused token, then a good one', async () => {
      await expectError(await post('guarded', lead()), 403, 'captcha_failed');
      const refused = await expectError(await post('guarded', lead({ meta: { fillMs: 4000, turnstile: 'bot-token' } })), 403, 'captcha_failed');
      expect(refused.message).toContain('invalid-input-response');
      const good = await post('guarded', lead({ meta: { fillMs: 4000, turnstile: `pass-${runtime}-1` } }));
      expect(good.status).toBe(202);
      const last = turnstile.checks.at(-1)!;
      expect(last).toMatchObject({ secret: TURNSTILE_SECRET, response: `pass-${runtime}-1` });
    });

    it('answers a retried Turnstile submission (token already spent) with its first id', async () => {
      const body = lead({ meta: { fillMs: 4000, turnstile: `pass-${runtime}-2` } });
      const key = `retry-${runtime}-${Date.now()}`;
      const first = await post('guarded', body, { 'Idempotency-Key': key });
      expect(first.status).toBe(202);
      const again = await post('guarded', body, { 'Idempotency-Key': key });
      expect(again.status).toBe(202);
      expect(await again.json()).toEqual(await first.json());
      expect(turnstile.checks.filter((c) => c.response === `pass-${runtime}-2`)).toHaveLength(2);
      // Without the key, the spent token is what it is: a replayed token.
      const replayedToken = await expectError(await post('guarded', body), 403, 'captcha_failed');
      expect(replayedToken.message).toContain('timeout-or-duplicate');
    });

    it('limits a form to its rate and says when to retry', async () => {
      expect((await post('limited', lead())).status).toBe(202);
      expect((await post('limited', lead())).status).toBe(202);
      const limited = await post('limited', lead());
      const retryAfter = Number(limited.headers.get('Retry-After'));
      const body = await expectError(limited, 429, 'rate_limited');
      expect(body.message).toContain('this form');
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(30);
    });

    it('answers the same Idempotency-Key and body with the first id, and another body with 409', async () => {
      const body = lead();
      const key = `k-${runtime}-${Date.now()}`;
      const first = await post('contact', body, { 'Idempotency-Key': key });
      expect(first.status).toBe(202);
      const { id } = (await first.json()) as { id: string };
      const again = await post('contact', body, { 'Idempotency-Key': key });
      expect(again.status).toBe(202);
      expect(await again.json()).toEqual({ id });
      await expectError(
        await post('contact', { ...body, fields: { ...body.fields, name: 'Someone else' } }, { 'Idempotency-Key': key }),
        409,
        'idempotency_conflict',
      );
      await waitFor(async () => ((await allNames()).includes(body.fields.name) ? true : undefined), 'the lead');
      expect((await allNames()).filter((name) => name === body.fields.name)).toHaveLength(1);
    });

    it('delivers an accepted lead to its destination', async () => {
      const body = lead();
      const response = await post('contact', body);
      const { id } = (await response.json()) as { id: string };
      const inboxed = await waitFor(async () => {
        const inbox = (await (await inboxJson()).json()) as { lead: { id: string; fields: { name: string } } }[];
        return inbox.find((item) => item.lead.id === id);
      }, 'delivery to the sandbox inbox');
      expect(inboxed.lead.fields.name).toBe(body.fields.name);
      const delivered = (await (await admin('/v1/admin/submissions?state=delivered&limit=1000')).json()) as { id: string; attempts: number; state: string }[];
      expect(delivered.find((s) => s.id === id)).toMatchObject({ state: 'delivered', attempts: 1 });
      const health = (await (await relay.request('/healthz')).json()) as { outbox: { delivered: number } };
      expect(health.outbox.delivered).toBeGreaterThan(0);
    });

    it('keeps the admin API behind the bearer token', async () => {
      await expectError(await relay.request('/v1/admin/submissions?state=dead'), 401, 'unauthorized');
      await expectError(await relay.request('/v1/admin/submissions?state=dead', { headers: { Authorization: 'Bearer wrong' } }), 401, 'unauthorized');
      await expectError(await admin('/v1/admin/submissions?state=lost'), 400, 'bad_request');
      await expectError(await admin('/v1/admin/submissions/nope/replay', { method: 'POST' }), 404, 'not_found');
      const forms = (await (await admin('/v1/admin/forms')).json()) as { forms: { id: string }[] };
      expect(forms.forms.map((f) => f.id)).toEqual(['contact', 'guarded', 'limited', 'qualify']);
    });

    it("keeps the sandbox's pages, which show personal data, from a client that is neither loopback nor holds the admin token", async () => {
      const plain = await relay.request('/sandbox/inbox.json');
      if (loopback) expect(plain.status).toBe(200);
      else {
        const body = await expectError(plain, 401, 'unauthorized');
        expect(body.message).toContain('Authorization: Bearer');
        expect((await relay.request(`/sandbox/inbox.json?token=${ADMIN_TOKEN}`)).status).toBe(401);
      }
      const page = await admin('/sandbox/inbox');
      expect(page.status).toBe(200);
      expect(page.headers.get('Content-Security-Policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*';/);
    });

    /** The lead the relay stored under `id`, as the admin API lists it. */
    const storedLead = (id: string) =>
      waitFor(async () => {
        for (const state of ['pending', 'delivered', 'dead']) {
          const list = (await (await admin(`/v1/admin/submissions?state=${state}&limit=1000`)).json()) as { id: string; lead: Record<string, unknown> }[];
          const found = list.find((entry) => entry.id === id);
          if (found) return found.lead;
        }
        return undefined;
      }, `the stored lead ${id}`);
    const accepted = async (response: Response) => {
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    };

    it('does not require a required field its condition hides, and drops its value before storing', async () => {
      const email = `small-${runtime}-${Date.now()}@example.com`;
      const id = await accepted(await post('qualify', { fields: { email, size: '1-10', budget: 'a hidden field is never judged' } }));
      const stored = (await storedLead(id)) as { fields: Record<string, unknown> };
      expect(stored.fields).toEqual({ email, size: '1-10' });
    });

    it('answers a shown required field left out with 422 and its path', async () => {
      const response = await post('qualify', { fields: { email: 'big@example.com', size: '51+' } });
      const body = (await expectError(response, 422, 'validation_failed')) as unknown as { issues: { path: string[]; code: string }[] };
      expect(body.issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([['fields.budget', 'required']]);
      const id = await accepted(await post('qualify', { fields: { email: 'big@example.com', size: '51+', budget: 25000 } }));
      expect(((await storedLead(id)) as { fields: Record<string, unknown> }).fields.budget).toBe(25000);
    });

    it('stores a phone in E.164 with what the visitor typed beside it, read with the country chosen, then the default', async () => {
      const id = await accepted(
        await post('qualify', {
          fields: { email: 'tel@example.com', size: '1-10', phone: '030 1234567', mobile: '(415) 555-2671' },
          meta: { phoneCountries: { mobile: 'US' }, locale: 'fr-FR' },
        }),
      );
      const stored = (await storedLead(id)) as { fields: Record<string, unknown>; phones: Record<string, unknown> };
      expect(stored.fields).toMatchObject({ phone: '+49301234567', mobile: '+14155552671' });
      expect(stored.phones).toEqual({
        phone: { raw: '030 1234567', e164: '+49301234567', country: 'DE', valid: true },
        mobile: { raw: '(415) 555-2671', e164: '+14155552671', country: 'US', valid: true },
      });
    });

    it('keeps a number it cannot read as typed, unless the field is strict (422 invalid_tel)', async () => {
      const id = await accepted(await post('qualify', { fields: { email: 'odd@example.com', size: '1-10', phone: '0000 00' } }));
      const stored = (await storedLead(id)) as { fields: Record<string, unknown>; phones: Record<string, unknown> };
      expect(stored.fields.phone).toBe('0000 00');
      expect(stored.phones).toEqual({ phone: { raw: '0000 00', country: 'DE', valid: false } });
      const strict = await post('qualify', { fields: { email: 'odd@example.com', size: '1-10', mobile: '0000 00' }, meta: { locale: 'de-DE' } });
      const body = (await expectError(strict, 422, 'validation_failed')) as unknown as { issues: { path: string[]; code: string }[] };
      expect(body.issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([['fields.mobile', 'invalid_tel']]);
    });

    // Last: it spends this address's whole allowance.
    it('limits one address across forms and says when to retry', async () => {
      let limited: Response | undefined;
      for (let i = 0; i < 80 && !limited; i++) {
        const response = await post('contact', lead());
        if (response.status === 429) limited = response;
        else expect(response.status).toBe(202);
      }
      expect(limited, 'no 429 within 80 submissions').toBeDefined();
      expect(Number(limited!.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      const body = await expectError(limited!, 429, 'rate_limited');
      expect(body.message).toContain('this address');
    });
  });
}
