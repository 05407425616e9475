/**
 * One insight suite for every runtime: the events route's answers (204, 400, 403, 404, 413, 415,
 * 429) and the stats they and the outbox add up to, over the runtime's real transport. A
 * runtime's test file only says how to start its relay with `SUITE_CONFIG` (the accept-path
 * suite's), as `acceptPathSuite` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type RelayUnderTest, type SuiteContext, TURNSTILE_SECRET } from '../testing/accept-path-suite.ts';
import { EVENTS_MAX_BODY_BYTES, EVENTS_RATE } from './routes.ts';

const ORIGIN = 'https://shop.example';

export function insightSuite(runtime: string, start: (context: SuiteContext) => Promise<RelayUnderTest>): void {
  describe(`insight on ${runtime}`, () => {
    let relay: RelayUnderTest;
    beforeAll(async () => {
      relay = await start({
        turnstileVerifyUrl: 'http://127.0.0.1:9/never',
        env: { LEADFORM_ADMIN_TOKEN: ADMIN_TOKEN, TURNSTILE_SECRET_KEY: TURNSTILE_SECRET },
      });
    }, 60_000);
    afterAll(async () => {
      await relay?.close();
    });

    /** A beacon from a page of ORIGIN; `qualify` allows only the relay's own pages, so it is sent without an Origin, as from no browser. */
    const send = (form: string, body: string, headers: Record<string, string> = {}) =>
      relay.request(`/v1/forms/${form}/events`, {
        method: 'POST',
        headers: { ...(form === 'qualify' ? {} : { Origin: ORIGIN }), 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
        body,
      });
    const stats = async (form: string) => {
      const today = new Date().toISOString().slice(0, 10);
      const response = await relay.request(`/v1/admin/forms/${form}/stats?from=${today}&to=${today}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };

    it('answers 204 to beacons, and the stats count them with the leads the outbox holds', async () => {
      const events = [
        { type: 'view', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
        { type: 'view', device: 'desktop' },
        { type: 'start', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
        { type: 'step', step: 'company', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
        { type: 'field_error', step: 'you', field: 'email', device: 'desktop' },
        { type: 'abandon', step: 'you', field: 'phone', device: 'desktop' },
      ];
      const answer = await send('qualify', JSON.stringify({ events }));
      expect(answer.status).toBe(204);
      expect(answer.headers.get('Set-Cookie')).toBeNull();
      const submitted = await relay.request('/v1/forms/qualify/submissions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `insight-${runtime}` },
        body: JSON.stringify({
          fields: { email: 'ada@example.com', size: '1-10' },
          attribution: { last: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'winter' } },
        }),
      });
      expect(submitted.status).toBe(202);
      expect(await stats('qualify')).toMatchObject({
        views: 2,
        starts: 1,
        submissions: 1,
        conversion: 0.5,
        steps: [
          { id: 'you', reached: 1, abandoned: 1, errored: 1 },
          { id: 'company', reached: 1, abandoned: 0, errored: 0 },
        ],
        fields: expect.arrayContaining([
          { name: 'email', step: 'you', reached: 1, errored: 1, abandoned: 0 },
          { name: 'phone', step: 'you', reached: 1, errored: 0, abandoned: 1 },
        ]),
        bySource: [
          { source: 'google', medium: 'cpc', campaign: 'winter', views: 1, starts: 1, submissions: 1 },
          { source: '', medium: '', campaign: '', views: 1, starts: 0, submissions: 0 },
        ],
        byDevice: expect.arrayContaining([{ device: 'mobile', views: 1, starts: 1 }]),
      });
    });

    it('answers 400, 403, 404, 413 and 415, each naming what was wrong, and counts nothing of them', async () => {
      const refusals: [Promise<Response>, number, RegExp][] = [
        [send('contact', '{"type":"view","email":"a@b.co"}'), 400, /the key "email"/],
        [send('contact', '{"type":"step","step":"you"}'), 400, /not a step of form contact; it must be absent/],
        [send('contact', 'view'), 400, /not JSON/],
        [send('contact', '{"type":"view"}', { Origin: 'https://evil.example' }), 403, /forms\.contact\.allowedOrigins/],
        [send('nope', '{"type":"view"}'), 404, /no form "nope"/],
        [send('contact', JSON.stringify({ type: 'view', campaign: 'x'.repeat(EVENTS_MAX_BODY_BYTES) })), 413, /larger than/],
        [send('contact', '{"type":"view"}', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, /application\/json or text\/plain/],
      ];
      for (const [answer, status, message] of refusals) {
        const response = await answer;
        expect(response.status).toBe(status);
        expect(((await response.json()) as { message: string }).message).toMatch(message);
      }
      expect(await stats('contact')).toMatchObject({ views: 0, starts: 0 });
      const allowed = await send('contact', '{"type":"start"}');
      expect([allowed.status, allowed.headers.get('Access-Control-Allow-Origin')]).toEqual([204, ORIGIN]);
    });

    it('answers 429 with Retry-After once an address has sent a form its share of beacons', async () => {
      const one = () => send('contact', '{"type":"view"}');
      let accepted = 0;
      let limited: Response | undefined;
      // The bucket refills as the test runs (the rule is per minute), so send until refused.
      while (!limited && accepted < EVENTS_RATE.requests * 2) {
        for (const answer of await Promise.all(Array.from({ length: 50 }, one))) {
          if (answer.status === 204) accepted += 1;
          else if (answer.status === 429) limited ??= answer;
          else expect(answer.status).toBe(204);
        }
      }
      // One request of the rule went to the start above.
      expect(accepted).toBeGreaterThanOrEqual(EVENTS_RATE.requests - 1);
      expect(limited?.status).toBe(429);
      expect(Number(limited?.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(((await limited!.json()) as { message: string }).message).toMatch(/Too many events from this address for this form/);
      expect(await stats('contact')).toMatchObject({ views: accepted, starts: 1 });
    }, 60_000);
  });
}
