/** The accept path's steps one by one, each called with plain values. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { acceptAnswer } from './answer.ts';
import { type ArrivingBody, DISCARD_LIMIT, readBody } from './body.ts';
import { bodyEncoding } from './content-type.ts';
import { idempotencyKey, submissionHash } from './idempotency.ts';
import { allowedOrigin, corsHeaders } from './origin.ts';
import { spamReason } from './spam.ts';

const form = (() => {
  const parsed = parseConfig({
    forms: { contact: { fields: [{ name: 'email', type: 'email' }], allowedOrigins: ['self', 'https://shop.example'], destination: 'inbox', minFillMs: 1000 } },
    destinations: { inbox: { type: 'sandbox' } },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value.forms.contact!;
})();

describe('allowedOrigin', () => {
  const check = (origin: string | null, allowedOrigins = form.allowedOrigins) =>
    allowedOrigin({ ...form, allowedOrigins }, { formId: 'contact', origin, url: 'https://relay.example/v1/forms/contact/submissions' });

  it('lets a request without an Origin through with nothing to echo', () => {
    expect(check(null)).toEqual({ ok: true, value: null });
  });

  it('echoes a listed origin, the relay\'s own for "self", and any for "*"', () => {
    expect(check('https://shop.example')).toEqual({ ok: true, value: 'https://shop.example' });
    expect(check('https://relay.example')).toEqual({ ok: true, value: 'https://relay.example' });
    expect(check('https://anyone.example', ['*'])).toEqual({ ok: true, value: 'https://anyone.example' });
  });

  it('refuses a look-alike origin with the key to add', () => {
    const result = check('https://shop.example.evil.example');
    expect(!result.ok && [result.error.status, result.error.message]).toEqual([
      403,
      'Origin https://shop.example.evil.example may not submit this form; add it to forms.contact.allowedOrigins.',
    ]);
  });

  it('sends the CORS headers only with an origin', () => {
    expect(corsHeaders(null)).toEqual({});
    expect(corsHeaders('https://shop.example')).toEqual({
      'Access-Control-Allow-Origin': 'https://shop.example',
      'Access-Control-Expose-Headers': 'Retry-After',
      Vary: 'Origin',
    });
  });
});

describe('bodyEncoding', () => {
  it('reads the media type whatever its case and parameters', () => {
    expect(bodyEncoding('Application/JSON ; charset=utf-8')).toEqual({ ok: true, value: 'json' });
    expect(bodyEncoding('application/x-www-form-urlencoded;charset=UTF-8')).toEqual({ ok: true, value: 'form' });
  });

  it('names what it got, or that there was none', () => {
    const plain = bodyEncoding('text/plain');
    expect(!plain.ok && plain.error.message).toContain('got "text/plain"');
    const none = bodyEncoding(null);
    expect(!none.ok && [none.error.status, none.error.message]).toEqual([415, expect.stringContaining('got "no Content-Type"')]);
  });
});

describe('readBody', () => {
  /** A chunked body of `chunks` chunks of `size` bytes, counting how many were pulled and whether it was cancelled. */
  function chunked(chunks: number, size: number) {
    const seen = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.pulled === chunks) return controller.close();
        seen.pulled++;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    const body: ArrivingBody = {
      declaredLength: null,
      text: () => Promise.reject(new Error('a chunked body must be counted, not read whole')),
      stream: () => stream,
    };
    return { body, seen };
  }

  it('counts text in hand in bytes, not characters', async () => {
    expect((await readBody('é'.repeat(600), 1024)).ok).toBe(false);
    expect(await readBody('e'.repeat(600), 1024)).toEqual({ ok: true, value: 'e'.repeat(600) });
  });

  it('reads a chunked body within the limit whole', async () => {
    const { body } = chunked(3, 100);
    expect(await readBody(body, 1024)).toEqual({ ok: true, value: 'a'.repeat(300) });
  });

  it('refuses a chunked body past the limit, reading the rest so the client gets the answer', async () => {
    const { body, seen } = chunked(20, 100);
    const result = await readBody(body, 1024);
    expect(!result.ok && [result.error.code, result.error.message]).toEqual(['too_large', 'The body is larger than 1024 bytes.']);
    expect([seen.pulled, seen.cancelled]).toEqual([20, false]);
  });

  it('cuts off a chunked body that goes on past what it is willing to discard', async () => {
    const { body, seen } = chunked(1000, 64 * 1024);
    expect((await readBody(body, 1024)).ok).toBe(false);
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThan(1000);
    expect(seen.pulled * 64 * 1024).toBeGreaterThan(DISCARD_LIMIT);
  });

  it('counts a body whose Content-Length is not a whole number as chunked', async () => {
    const { body } = chunked(20, 100);
    expect((await readBody({ ...body, declaredLength: '12.5' }, 1024)).ok).toBe(false);
  });

  it('reads a body without any stream as empty', async () => {
    expect(await readBody({ declaredLength: null, text: async () => 'x', stream: () => null }, 1024)).toEqual({ ok: true, value: '' });
  });
});

describe('idempotencyKey and submissionHash', () => {
  it('takes 1 to 255 visible ASCII characters', () => {
    expect(idempotencyKey(null)).toEqual({ ok: true, value: null });
    expect(idempotencyKey('k'.repeat(255)).ok).toBe(true);
    for (const bad of ['', 'k'.repeat(256), 'with space', 'ключ']) expect(idempotencyKey(bad).ok, bad).toBe(false);
  });

  it('hashes a retry with a fresh Turnstile token the same, and another page differently', async () => {
    const hash = (text: string) => text;
    const base = { fields: { email: 'a@b.co' }, meta: { fillMs: 4000, page: 'https://shop.example/a' } };
    const first = await submissionHash({ ...base, meta: { ...base.meta, turnstile: 'one' } }, hash);
    expect(await submissionHash({ ...base, meta: { ...base.meta, turnstile: 'two' } }, hash)).toBe(first);
    expect(await submissionHash({ ...base, meta: { ...base.meta, page: 'https://shop.example/b' } }, hash)).not.toBe(first);
  });

  it('hashes the same text as every earlier release did, so a retry sent across an upgrade is still a retry', async () => {
    // The stored body_hash of a lead is compared with its retry's: the hashed text is part of the format.
    const text = (submission: Parameters<typeof submissionHash>[0]) => submissionHash(submission, (t) => t);
    expect(await text({ fields: { email: 'a@b.co' }, meta: { fillMs: 4000, page: 'https://shop.example/a' } })).toBe(
      '{"fields":{"email":"a@b.co"},"meta":{"fillMs":4000,"page":"https://shop.example/a"}}',
    );
    expect(await text({ fields: { email: 'a@b.co' }, meta: { turnstile: 'token', fillMs: 4000 } })).toBe(
      '{"fields":{"email":"a@b.co"},"meta":{"fillMs":4000}}',
    );
    expect(await text({ fields: { email: 'a@b.co' }, attribution: { touches: 2 } })).toBe(
      '{"fields":{"email":"a@b.co"},"attribution":{"touches":2},"meta":{}}',
    );
  });
});

describe('spamReason', () => {
  it('tells the honeypot, a fill faster than minFillMs, and a person apart', () => {
    expect(spamReason(form, { fillMs: 5000, hp: 'https://spam.example' })).toBe('honeypot');
    expect(spamReason(form, { fillMs: 999 })).toBe('fill_time');
    expect(spamReason(form, { fillMs: 1000, hp: '' })).toBeNull();
    // A submission that says nothing of its fill time (a form post without JavaScript) counts as a person's.
    expect(spamReason(form, undefined)).toBeNull();
  });
});

describe('acceptAnswer', () => {
  const facts = { id: 'lead-1', htmlForm: true, referer: null, url: 'https://relay.example/v1/forms/contact/submissions' };

  it('answers the widget with the id as JSON', () => {
    expect(acceptAnswer(form, { ...facts, htmlForm: false, referer: 'https://shop.example/' })).toEqual({ status: 202, body: { id: 'lead-1' } });
  });

  it('sends an HTML form post back to its page, resolved against the relay and marked', () => {
    expect(acceptAnswer(form, { ...facts, referer: '/contact?utm_source=x' })).toEqual({
      status: 303,
      location: 'https://relay.example/contact?utm_source=x&leadform=sent',
    });
    expect(acceptAnswer(form, facts)).toEqual({ status: 303, location: 'https://relay.example/?leadform=sent' });
  });

  it("follows the Referer only to an http(s) page of one of the form's allowed origins", () => {
    const to = (referer: string, allowedOrigins = form.allowedOrigins) => acceptAnswer({ ...form, allowedOrigins }, { ...facts, referer });
    expect(to('https://shop.example/contact')).toEqual({ status: 303, location: 'https://shop.example/contact?leadform=sent' });
    expect(to('https://relay.example/demo/')).toEqual({ status: 303, location: 'https://relay.example/demo/?leadform=sent' });
    expect(to('https://anyone.example/page', ['*'])).toEqual({ status: 303, location: 'https://anyone.example/page?leadform=sent' });
    const home = { status: 303, location: 'https://relay.example/?leadform=sent' };
    for (const referer of [
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example/phish',
      '\\\\evil.example/phish',
      '/\\evil.example/phish',
      'https://evil.example/phish',
      'https://shop.example.evil.example/',
      'http://shop.example/contact',
      'https://user:pass@shop.example/',
      'ftp://shop.example/',
      'http://[not a url',
    ]) {
      expect(to(referer), referer).toEqual(home);
    }
    // Without "self", the relay's own pages are foreign too: the answer is still the relay's page.
    expect(to('https://relay.example/elsewhere', ['https://shop.example'])).toEqual(home);
  });

  it("goes to the form's redirectUrl, an http(s) URL by the configuration's rule", () => {
    const thanks = { ...form, redirectUrl: 'https://shop.example/thanks' };
    expect(acceptAnswer(thanks, { ...facts, referer: 'javascript:alert(1)' })).toEqual({ status: 303, location: 'https://shop.example/thanks' });
    for (const redirectUrl of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://shop.example/x', '//evil.example/']) {
      const parsed = parseConfig({
        forms: { contact: { fields: [{ name: 'email', type: 'email' }], destination: 'inbox', redirectUrl } },
        destinations: { inbox: { type: 'sandbox' } },
      });
      expect(!parsed.ok && parsed.problems, redirectUrl).toEqual([expect.stringMatching(/^forms\.contact\.redirectUrl: an http\(s\) URL/)]);
    }
  });
});
