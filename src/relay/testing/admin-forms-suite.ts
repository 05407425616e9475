/**
 * One suite for the admin forms API and sign-in, every route and answer, run on each runtime over
 * its real store: Node (`app.request` with the SQLite store on disk) and workerd (miniflare, the
 * forms Durable Object). A runtime's test file only says how to start its relay with
 * `FORMS_SUITE_CONFIG` and the admin token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export const FORMS_ADMIN_TOKEN = 'forms-admin-token-for-tests-0123456789';

export const FORMS_SUITE_CONFIG = {
  forms: {
    contact: {
      title: 'Contact',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'email', type: 'email', required: true },
      ],
      destination: 'inbox',
    },
  },
  destinations: { inbox: { type: 'sandbox' }, alerts: { type: 'sandbox' } },
  limits: { perIp: { requests: 100, perSeconds: 60 } },
};

export interface FormsRelayUnderTest {
  /** Sends a request to the relay; `path` starts with "/". The origin is `ORIGIN`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The origin the relay under test is asked at. */
export const ORIGIN = 'http://relay.test';

/** A store form as the builder sends it: one step, an email, optional company. */
export const quote = (extra: Record<string, unknown> = {}) => ({
  title: 'Quote',
  fields: [
    { name: 'email', type: 'email', required: true },
    { name: 'company', type: 'text' },
  ],
  destination: 'inbox',
  allowedOrigins: ['https://shop.example'],
  minFillMs: 0,
  ...extra,
});

export interface FormsSuiteOptions {
  /** The relay runs in this process (`app.request`), so a request body may be a stream that never ends. @default false */
  endlessBodies?: boolean;
}

export function adminFormsSuite(runtime: string, start: () => Promise<FormsRelayUnderTest>, options: FormsSuiteOptions = {}): void {
  describe(`${runtime}: admin forms API`, () => {
    let relay: FormsRelayUnderTest;
    beforeAll(async () => {
      relay = await start();
    }, 120_000);
    afterAll(() => relay?.close());

    const bearer = { Authorization: `Bearer ${FORMS_ADMIN_TOKEN}` };
    const admin = (path: string, init: RequestInit = {}) =>
      relay.request(path, { ...init, headers: { ...bearer, ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...init.headers } });
    const put = (id: string, form: unknown) => admin(`/v1/admin/forms/${id}/draft`, { method: 'PUT', body: JSON.stringify(form) });
    const post = (path: string, body?: unknown) => admin(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const submit = (id: string, body: unknown) =>
      relay.request(`/v1/forms/${id}/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify(body),
      });
    /** The lead as the admin API shows it, whatever its delivery state by now. */
    const leadOf = async (id: string) => ((await (await admin(`/v1/admin/submissions/${id}`)).json()) as { lead: Record<string, unknown> }[])[0]!.lead;

    it('refuses every forms route without the token (401) and lists both sources with it', async () => {
      expect((await relay.request('/v1/admin/forms')).status).toBe(401);
      expect((await relay.request('/v1/admin/forms/contact/draft', { method: 'PUT', body: '{}' })).status).toBe(401);
      const list = (await (await admin('/v1/admin/forms')).json()) as { forms: Record<string, unknown>[] };
      expect(list.forms.find((form) => form.id === 'contact')).toEqual({
        id: 'contact',
        title: 'Contact',
        destination: 'inbox',
        destinationType: 'sandbox',
        destinations: [{ name: 'inbox', type: 'sandbox' }],
        allowedOrigins: ['self'],
        source: 'file',
        publishedVersion: null,
        hasDraft: false,
      });
    });

    it('keeps a file form read-only: 409 managed_by_file on draft, publish and restore', async () => {
      const detail = (await (await admin('/v1/admin/forms/contact')).json()) as Record<string, unknown>;
      expect(detail).toMatchObject({ id: 'contact', source: 'file', draft: null, published: { version: null, publishedBy: 'file' } });
      for (const response of [
        await put('contact', quote()),
        await post('/v1/admin/forms/contact/publish'),
        await post('/v1/admin/forms/contact/versions/1/restore'),
      ]) {
        expect(response.status).toBe(409);
        expect(((await response.json()) as { error: string }).error).toBe('managed_by_file');
      }
      expect(await (await admin('/v1/admin/forms/contact/versions')).json()).toEqual({ versions: [] });
    });

    it('answers 413 to a body sent without a length, on a form and on sign-in, reading no more of it than the limit and a bounded discard', async () => {
      // In process, a body that never ends: read whole before its size is checked, it would never
      // be answered. Over a socket, past the discard bound the relay cuts the connection by
      // design, so the body there is 640 KB: over both limits, under the bound.
      const chunk = new TextEncoder().encode(`{"title": "${'x'.repeat(16_000)}`);
      const body = () => {
        let sent = 0;
        return new ReadableStream<Uint8Array>({
          pull: (controller) => (options.endlessBodies || ++sent <= 40 ? controller.enqueue(chunk) : controller.close()),
        });
      };
      const streamed = (path: string, method: string, headers: Record<string, string>) =>
        relay.request(path, {
          method,
          headers: { 'Content-Type': 'application/json', Origin: ORIGIN, ...headers },
          body: body(),
          duplex: 'half',
        } as RequestInit);
      const draft = await streamed('/v1/admin/forms/quote/draft', 'PUT', bearer);
      expect([draft.status, ((await draft.json()) as { error: string }).error]).toEqual([413, 'too_large']);
      const signIn = await streamed('/v1/admin/session', 'POST', {});
      expect([signIn.status, ((await signIn.json()) as { error: string }).error]).toEqual([413, 'too_large']);
    });

    it('answers 400 to a body that is not JSON, 413 to a huge one, 404 to an unknown form', async () => {
      const bad = await admin('/v1/admin/forms/quote/draft', { method: 'PUT', body: '{"fields": [' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toBe('bad_json');
      const huge = await admin('/v1/admin/forms/quote/draft', { method: 'PUT', body: JSON.stringify({ title: 'x'.repeat(300_000) }) });
      expect(huge.status).toBe(413);
      for (const path of [
        '/v1/admin/forms/nope',
        '/v1/admin/forms/nope/versions',
        '/v1/admin/forms/nope/history',
        '/v1/admin/forms/nope/export',
        '/v1/admin/forms/nope/snippets',
      ]) {
        expect((await admin(path)).status, path).toBe(404);
      }
      expect((await post('/v1/admin/forms/nope/publish')).status).toBe(404);
      expect((await post('/v1/admin/forms/nope/duplicate', { id: 'other' })).status).toBe(404);
    });

    it('answers 422 with each issue at its path: a bad pattern, a condition on a missing field, an undeclared destination, a bad id', async () => {
      const response = await put('quote', {
        ...quote({ destination: 'nowhere' }),
        fields: [
          { name: 'email', type: 'email', required: true, pattern: '([' },
          { name: 'company', type: 'text', when: { field: 'size', is: '51+' } },
        ],
      });
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: string; issues: { path: (string | number)[]; message: string }[] };
      expect(body.error).toBe('validation_failed');
      const paths = body.issues.map((issue) => issue.path.join('.'));
      expect(paths).toContain('fields.0.pattern');
      expect(paths).toContain('destination');
      expect(paths.some((path) => path.startsWith('fields.1.when'))).toBe(true);
      expect(body.issues.find((issue) => issue.path.join('.') === 'destination')!.message).toContain('"nowhere" is not declared');
      const unknownKey = (await (await put('quote', { ...quote(), requird: true })).json()) as { issues: { path: string[]; message: string }[] };
      expect(unknownKey.issues[0]!.message).toContain('requird');
      const badId = (await (await put('no%20spaces', quote())).json()) as { issues: { path: string[] }[] };
      expect(badId.issues[0]!.path).toEqual(['id']);
      expect((await admin('/v1/admin/forms/quote')).status).toBe(404);
    });

    let firstTag = '';
    it('creates a store form with a PUT draft, hidden from the public until published; publish serves version 1', async () => {
      const saved = await put('quote', quote());
      expect(saved.status).toBe(200);
      expect(await saved.json()).toMatchObject({ id: 'quote', source: 'store', publishedVersion: null, hasDraft: true, published: null, draft: quote() });
      expect((await relay.request('/v1/forms/quote')).status).toBe(404);
      expect((await relay.request('/v1/forms/quote/embed')).status).toBe(404);
      const published = await post('/v1/admin/forms/quote/publish');
      expect(published.status).toBe(200);
      expect(await published.json()).toEqual({ version: 1 });
      const served = await relay.request('/v1/forms/quote');
      expect(served.status).toBe(200);
      firstTag = served.headers.get('ETag')!;
      const definition = (await served.json()) as Record<string, unknown>;
      expect(definition).toMatchObject({ id: 'quote', title: 'Quote', version: 1 });
      expect(definition).not.toHaveProperty('destination');
      expect(definition).not.toHaveProperty('allowedOrigins');
      expect((await relay.request('/v1/forms/quote/embed')).status).toBe(200);
      const again = await post('/v1/admin/forms/quote/publish');
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: string }).error).toBe('no_draft');
      const list = (await (await admin('/v1/admin/forms')).json()) as { forms: Record<string, unknown>[] };
      expect(list.forms.find((form) => form.id === 'quote')).toMatchObject({ source: 'store', publishedVersion: 1, hasDraft: false, destination: 'inbox' });
    });

    it('records the version a lead was submitted on, and checks a page loaded before a publish against its own version', async () => {
      const onFirst = await submit('quote', { fields: { email: 'ada@example.com' } });
      expect(onFirst.status).toBe(202);
      const firstId = ((await onFirst.json()) as { id: string }).id;
      // Version 2 requires the company.
      await put(
        'quote',
        quote({
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'company', type: 'text', required: true },
          ],
        }),
      );
      expect(await (await post('/v1/admin/forms/quote/publish')).json()).toEqual({ version: 2 });
      const served = await relay.request('/v1/forms/quote');
      expect(((await served.json()) as { version: number }).version).toBe(2);
      expect(served.headers.get('ETag')).not.toBe(firstTag);
      expect((await submit('quote', { fields: { email: 'bob@example.com' } })).status).toBe(422);
      const onOld = await submit('quote', { fields: { email: 'bob@example.com' }, meta: { formVersion: 1 } });
      expect(onOld.status).toBe(202);
      const onUnknown = await submit('quote', { fields: { email: 'eve@example.com' }, meta: { formVersion: 99 } });
      expect(onUnknown.status).toBe(422);
      const onSecond = await submit('quote', { fields: { email: 'cy@example.com', company: 'Cy Ltd' } });
      const secondId = ((await onSecond.json()) as { id: string }).id;
      expect((await leadOf(firstId)).formVersion).toBe(1);
      expect((await leadOf(((await onOld.json()) as { id: string }).id)).formVersion).toBe(1);
      expect((await leadOf(secondId)).formVersion).toBe(2);
      // A file form has no versions: its leads carry none.
      const onFile = await relay.request('/v1/forms/contact/submissions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
        body: JSON.stringify({ fields: { name: 'Dee', email: 'dee@example.com' }, meta: { fillMs: 5000 } }),
      });
      expect(onFile.status).toBe(202);
      expect(await leadOf(((await onFile.json()) as { id: string }).id)).not.toHaveProperty('formVersion');
    });

    it('lists every version newest first, restores one into the draft (404 for one that does not exist), and records who did what', async () => {
      const versions = (await (await admin('/v1/admin/forms/quote/versions')).json()) as {
        versions: { version: number; publishedBy: string; form: unknown }[];
      };
      expect(versions.versions.map((each) => each.version)).toEqual([2, 1]);
      expect(versions.versions[1]!.form).toEqual(quote());
      expect(versions.versions[0]!.publishedBy).toBe('api token');
      const restored = await post('/v1/admin/forms/quote/versions/1/restore');
      expect(restored.status).toBe(200);
      expect(await restored.json()).toMatchObject({ publishedVersion: 2, hasDraft: true, draft: quote() });
      expect((await post('/v1/admin/forms/quote/versions/9/restore')).status).toBe(404);
      expect((await post('/v1/admin/forms/quote/versions/one/restore')).status).toBe(404);
      // Restoring changes the draft only: the public still gets version 2 until a publish.
      expect(((await (await relay.request('/v1/forms/quote')).json()) as { version: number }).version).toBe(2);
      const history = (await (await admin('/v1/admin/forms/quote/history')).json()) as {
        history: { action: string; version: number | null; actor: string; at: string }[];
      };
      expect(history.history.map((change) => [change.action, change.version])).toEqual([
        ['restored', 1],
        ['published', 2],
        ['draft_saved', null],
        ['published', 1],
        ['draft_saved', null],
      ]);
      expect(new Set(history.history.map((change) => change.actor))).toEqual(new Set(['api token']));
      expect(Number.isNaN(Date.parse(history.history[0]!.at))).toBe(false);
    });

    it('duplicates a file form into the store as a draft (201), refusing a taken id (409) or a bad one (422)', async () => {
      const copied = await post('/v1/admin/forms/contact/duplicate', { id: 'contact-copy' });
      expect(copied.status).toBe(201);
      const detail = (await copied.json()) as { source: string; hasDraft: boolean; draft: { fields: { name: string }[] } };
      expect(detail).toMatchObject({ source: 'store', hasDraft: true, publishedVersion: null });
      expect(detail.draft.fields.map((field) => field.name)).toEqual(['name', 'email']);
      expect(((await (await admin('/v1/admin/forms/contact-copy/history')).json()) as { history: unknown[] }).history).toEqual([
        expect.objectContaining({ action: 'duplicated', from: 'contact' }),
      ]);
      for (const taken of ['contact', 'quote', 'contact-copy']) {
        const response = await post('/v1/admin/forms/contact/duplicate', { id: taken });
        expect(response.status, taken).toBe(409);
        expect(((await response.json()) as { error: string }).error).toBe('form_exists');
      }
      const bad = await post('/v1/admin/forms/contact/duplicate', { id: 'has space' });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { issues: { path: string[] }[] }).issues[0]!.path).toEqual(['id']);
      expect((await admin('/v1/admin/forms/contact/duplicate', { method: 'POST', body: '{' })).status).toBe(400);
      // The copy is publishable as it is.
      expect(await (await post('/v1/admin/forms/contact-copy/publish')).json()).toEqual({ version: 1 });
    });

    it('exports a form as the JSON to paste into the configuration file, and gives a store form its snippets', async () => {
      const file = (await (await admin('/v1/admin/forms/contact/export')).json()) as Record<string, unknown>;
      expect(file).toMatchObject({ title: 'Contact', destination: 'inbox' });
      expect(file).not.toHaveProperty('id');
      const live = (await (await admin('/v1/admin/forms/quote/export')).json()) as { fields: { required?: boolean }[] };
      expect(live.fields[1]!.required).toBe(true);
      expect(await (await admin('/v1/admin/forms/quote/export?from=draft')).json()).toEqual(quote());
      const snippets = (await (await admin('/v1/admin/forms/quote/snippets')).json()) as { declarative: string; iframe: string };
      expect(snippets.declarative).toContain('data-leadform="quote"');
      expect(snippets.iframe).toContain('/v1/forms/quote/embed');
    });

    describe('sign-in', () => {
      const signIn = (body: string, headers: Record<string, string> = {}) =>
        relay.request('/v1/admin/session', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

      it('answers 400 to a body that is not JSON or has no token, and 401 to a wrong token', async () => {
        expect((await signIn('{')).status).toBe(400);
        expect((await signIn('{"secret": 1}')).status).toBe(400);
        const wrong = await signIn(JSON.stringify({ token: 'not-the-admin-token-0123456789abcdef' }));
        expect(wrong.status).toBe(401);
        expect(wrong.headers.get('Set-Cookie')).toBeNull();
      });

      it('trades the token for an HttpOnly SameSite=Strict cookie; a change through it needs X-CSRF-Token and its own origin', async () => {
        const signed = await signIn(JSON.stringify({ token: FORMS_ADMIN_TOKEN }), { Origin: ORIGIN });
        expect(signed.status).toBe(200);
        const setCookie = signed.headers.get('Set-Cookie')!;
        expect(setCookie).toMatch(/^leadform_admin=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
        const { csrfToken } = (await signed.json()) as { csrfToken: string };
        const cookie = setCookie.split(';')[0]!;
        const asPage = (path: string, init: RequestInit = {}) => relay.request(path, { ...init, headers: { Cookie: cookie, ...init.headers } });
        // Reading needs no CSRF token.
        expect((await asPage('/v1/admin/forms')).status).toBe(200);
        expect(await (await asPage('/v1/admin/session')).json()).toMatchObject({ csrfToken });
        const change = { method: 'PUT', body: JSON.stringify(quote({ title: 'By session' })) };
        const noToken = await asPage('/v1/admin/forms/quote/draft', change);
        expect(noToken.status).toBe(403);
        expect(((await noToken.json()) as { error: string }).error).toBe('csrf');
        expect((await asPage('/v1/admin/forms/quote/draft', { ...change, headers: { 'X-CSRF-Token': `${csrfToken}x` } })).status).toBe(403);
        const foreign = await asPage('/v1/admin/forms/quote/draft', { ...change, headers: { 'X-CSRF-Token': csrfToken, Origin: 'https://evil.example' } });
        expect(foreign.status).toBe(403);
        const ok = await asPage('/v1/admin/forms/quote/draft', { ...change, headers: { 'X-CSRF-Token': csrfToken, Origin: ORIGIN } });
        expect(ok.status).toBe(200);
        const history = (await (await admin('/v1/admin/forms/quote/history')).json()) as { history: { actor: string }[] };
        expect(history.history[0]!.actor).toMatch(/^session:[0-9a-f]{32}$/);
        // A tampered cookie is no session.
        const tampered = cookie.replace(/\.(\d+)\./, (_, expiry: string) => `.${Number(expiry) + 1}.`);
        expect((await relay.request('/v1/admin/forms', { headers: { Cookie: tampered } })).status).toBe(401);
        const out = await asPage('/v1/admin/session', { method: 'DELETE' });
        expect(out.status).toBe(204);
        expect(out.headers.get('Set-Cookie')).toMatch(/^leadform_admin=; Max-Age=0;/);
      });

      it('refuses sign-in from another origin (403)', async () => {
        const response = await signIn(JSON.stringify({ token: FORMS_ADMIN_TOKEN }), { Origin: 'https://evil.example' });
        expect(response.status).toBe(403);
        expect(((await response.json()) as { error: string }).error).toBe('csrf');
      });
    });
  });
}
