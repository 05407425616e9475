import { describe, expect, it } from 'vitest';
import type { Outbox } from './outbox.ts';
import { createRelay } from './app.ts';
import { parseConfig } from './config.ts';
import { frameAncestors } from './embed-page.ts';

const parsed = parseConfig({
  forms: {
    contact: {
      title: { en: 'Contact us', de: 'Kontakt' },
      fields: [{ name: 'email', type: 'email', required: true }],
      allowedOrigins: ['self', 'https://shop.example'],
      destination: 'inbox',
    },
    quote: { title: 'Q&A <now>', fields: [{ name: 'email', type: 'email' }], locale: 'fr', destination: 'inbox' },
    guarded: {
      fields: [{ name: 'email', type: 'email' }],
      destination: 'inbox',
      turnstile: { siteKey: '1x00000000000000000000AA', secretEnv: 'TURNSTILE_SECRET_KEY' },
    },
  },
  destinations: { inbox: { type: 'sandbox' } },
});
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
// The embed page never touches the outbox.
const app = createRelay({ config: parsed.value, outbox: {} as Outbox });
const get = (path: string, headers: Record<string, string> = {}) => app.request(`http://relay.test${path}`, { headers });

describe('GET /v1/forms/{id}/embed', () => {
  it('serves a page that mounts the form with the loader, under a CSP that forbids inline code', async () => {
    const response = await get('/v1/forms/contact/embed');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<div data-leadform="contact" data-leadform-embed');
    expect(html).toContain('<script async src="/v1/leadform.js"></script>');
    expect(html).toContain('<title>Contact us</title>');
    expect(html).not.toMatch(/<script>|<style|style=/);
    const csp = response.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'self' https://shop.example");
  });

  it("lets Cloudflare's challenge script and frame in for a form with Turnstile, and only then", async () => {
    const guarded = (await get('/v1/forms/guarded/embed')).headers.get('Content-Security-Policy')!;
    expect(guarded).toContain("script-src 'self' https://challenges.cloudflare.com;");
    expect(guarded).toContain('frame-src https://challenges.cloudflare.com;');
    const plain = (await get('/v1/forms/contact/embed')).headers.get('Content-Security-Policy')!;
    expect(plain).not.toContain('challenges.cloudflare.com');
    expect(plain).not.toContain('frame-src');
  });

  it('speaks the form locale, else the browser language, and escapes what it echoes', async () => {
    const german = await (await get('/v1/forms/contact/embed', { 'Accept-Language': 'de-DE,de;q=0.9' })).text();
    expect(german).toContain('<html lang="de-DE">');
    expect(german).toContain('<title>Kontakt</title>');
    const odd = await (await get('/v1/forms/contact/embed', { 'Accept-Language': '"><script>' })).text();
    expect(odd).toContain('<html lang="en">');
    const quote = await (await get('/v1/forms/quote/embed', { 'Accept-Language': 'de' })).text();
    expect(quote).toContain('<html lang="fr">');
    expect(quote).toContain('<title>Q&#38;A &#60;now&#62;</title>');
  });

  it('answers 404 with the error shape for an unknown form, including inherited property names', async () => {
    for (const id of ['nope', 'constructor']) {
      const response = await get(`/v1/forms/${id}/embed`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'unknown_form' });
    }
  });

  it('maps allowedOrigins to frame-ancestors sources', () => {
    expect(frameAncestors(['self'])).toBe("'self'");
    expect(frameAncestors(['*'])).toBe('*');
    expect(frameAncestors([])).toBe("'none'");
  });
});
