import { expect, it } from 'vitest';
import { classify, retryAfterMs } from './http.ts';

const now = Date.parse('2026-11-24T12:00:00Z');
const headers = (init: Record<string, string>) => new Headers(init);

it('reads the wait from each vendor header style', () => {
  expect(retryAfterMs(headers({ 'Retry-After': '7' }), now)).toBe(7000);
  expect(retryAfterMs(headers({ 'Retry-After': 'Tue, 24 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
  expect(retryAfterMs(headers({ RateLimit: 'limit=160, remaining=0, reset=3' }), now)).toBe(3000);
  expect(retryAfterMs(headers({ 'RateLimit-Reset': '2.5' }), now)).toBe(2500);
  expect(retryAfterMs(headers({ 'x-ratelimit-reset': '2' }), now)).toBe(2000);
  expect(retryAfterMs(headers({ 'x-ratelimit-reset': String(now / 1000 + 9) }), now)).toBe(9000);
  expect(retryAfterMs(headers({ 'Retry-After': 'soon' }), now)).toBeUndefined();
  expect(retryAfterMs(headers({}), now)).toBeUndefined();
});

it('classifies answers: 4xx permanent, 429 and 5xx retried, a lost create uncertain but a 503 not', () => {
  const answer = (status: number, init: Record<string, string> = {}) => ({ status, headers: headers(init), body: undefined });
  expect(classify(answer(400), 'x', true).kind).toBe('failed');
  expect(classify(answer(401), 'x', true).kind).toBe('failed');
  expect(classify(answer(429, { 'Retry-After': '4' }), 'x', true)).toMatchObject({ kind: 'retry', afterMs: 4000 });
  expect(classify(answer(502), 'x', true)).toMatchObject({ kind: 'retry', uncertain: true });
  expect(classify(answer(503), 'x', true)).toMatchObject({ kind: 'retry', uncertain: false });
  expect(classify(answer(500), 'x', false)).toMatchObject({ kind: 'retry', uncertain: false });
  expect(classify({ status: 0, headers: headers({}), body: undefined, reason: 'no answer' }, 'x', true)).toMatchObject({ kind: 'retry', uncertain: true });
});
