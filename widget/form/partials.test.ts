// @vitest-environment happy-dom
/**
 * The partials chunk in a mounted form, the network stubbed: nothing is sent before an email
 * looks valid and the required consent is ticked; then one partial after the visitor pauses,
 * carrying the Idempotency-Key the final submission then carries; at once on pagehide; nothing
 * after the form is sent; and a network that fails throws nothing into the page.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { FormDefinition } from '../../src/schema/form.ts';
import { mountForm } from './Form.tsx';
import en from './locales/en.ts';
import { keep, looksReachable, PARTIAL_DEBOUNCE_MS } from './partials.ts';
import { createFormModel } from './state.ts';

const definition: FormDefinition = {
  id: 'quote',
  partials: true,
  fields: [
    { name: 'name', type: 'text', label: 'Name', required: true },
    { name: 'email', type: 'email', label: 'Email', required: true },
    { name: 'ok', type: 'consent', label: 'I agree', required: true },
  ],
};

type Sent = { url: string; key: string; body: { fields: Record<string, unknown>; meta?: { fillMs?: number } } };
let sent: Sent[];
let failing: boolean;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  sent = [];
  failing = false;
  // The form also loads the funnel beacons' chunk, which sends on pagehide: happy-dom's own
  // sendBeacon would go to the network, outside the stubbed fetch.
  Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: () => true });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    if (failing) throw new TypeError('Failed to fetch');
    sent.push({ url, key: new Headers(init.headers).get('Idempotency-Key')!, body: JSON.parse(init.body as string) });
    const id = url.endsWith('/submissions') ? { id: 'lead-1' } : { kept: true };
    return new Response(JSON.stringify(id), { status: 202, headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** Mounts the form and waits for its partials chunk to be listening. */
async function mount() {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  mountForm(root, { definition, relay: 'http://relay.test', locale: 'en', t: en, prefill: {}, attribution: () => undefined, emit: () => undefined });
  // The chunk is a dynamic import: let it load.
  await import('./partials.ts');
  await vi.waitFor(() => Promise.resolve());
  const input = (name: string, value: string | boolean) => {
    const element = root.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
    if (typeof value === 'boolean') element.checked = value;
    else element.value = value;
    element.dispatchEvent(new Event(typeof value === 'boolean' ? 'change' : 'input', { bubbles: true }));
  };
  const submit = () => root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  return { root, input, submit };
}
const partials = () => sent.filter((request) => request.url === 'http://relay.test/v1/forms/quote/partials');

it('sends one partial once the email looks valid and consent is ticked, after the pause, under the key the submission then carries', async () => {
  const form = await mount();
  form.input('email', 'grace@exam');
  await vi.advanceTimersByTimeAsync(PARTIAL_DEBOUNCE_MS);
  expect(partials()).toEqual([]);
  form.input('email', 'grace@example.com');
  await vi.advanceTimersByTimeAsync(PARTIAL_DEBOUNCE_MS);
  // The required consent box is not ticked yet.
  expect(partials()).toEqual([]);
  form.input('ok', true);
  await vi.advanceTimersByTimeAsync(PARTIAL_DEBOUNCE_MS - 1);
  expect(partials()).toEqual([]);
  await vi.advanceTimersByTimeAsync(1);
  expect(partials()).toHaveLength(1);
  expect(partials()[0]!.body.fields).toEqual({ email: 'grace@example.com', ok: true });
  expect(partials()[0]!.body.meta?.fillMs).toBeUndefined();
  // Nothing new filled: nothing sent again.
  window.dispatchEvent(new Event('pagehide'));
  expect(partials()).toHaveLength(1);

  form.input('name', 'Grace');
  form.submit();
  await vi.waitFor(() => expect(form.root.querySelector('.done')).not.toBeNull());
  const [submission] = sent.filter((request) => request.url.endsWith('/submissions'));
  expect(submission!.key).toBe(partials()[0]!.key);
  // Sent: the visitor leaving now sends no partial.
  window.dispatchEvent(new Event('pagehide'));
  await vi.advanceTimersByTimeAsync(PARTIAL_DEBOUNCE_MS);
  expect(partials()).toHaveLength(1);
});

it('sends at once when the page is hidden, and a failing network throws nothing into the page', async () => {
  const form = await mount();
  form.input('email', 'grace@example.com');
  form.input('ok', true);
  window.dispatchEvent(new Event('pagehide'));
  expect(partials()).toHaveLength(1);
  failing = true;
  const errors: unknown[] = [];
  window.addEventListener('unhandledrejection', (event) => errors.push(event));
  form.input('name', 'Grace');
  await vi.advanceTimersByTimeAsync(PARTIAL_DEBOUNCE_MS);
  expect(errors).toEqual([]);
});

it('keeps what the visitor typed before the chunk arrived, without waiting for another change', async () => {
  const model = createFormModel(definition, {});
  model.input(definition.fields.find((field) => field.name === 'email')!, 'grace@example.com');
  model.input(definition.fields.find((field) => field.name === 'ok')!, true);
  keep(
    { relay: 'http://relay.test', definition },
    model,
    () => 'key-1',
    () => ({ fields: model.payload() }),
  );
  await vi.advanceTimersByTimeAsync(PARTIAL_DEBOUNCE_MS);
  expect(partials()).toHaveLength(1);
  expect(partials()[0]).toMatchObject({ key: 'key-1', body: { fields: { email: 'grace@example.com', ok: true } } });
});

it('takes an email with a dot-separated domain, or a phone with six digits or more, as a way to reach the visitor', () => {
  expect([looksReachable('email', 'a@b.co'), looksReachable('email', 'a@b'), looksReachable('email', 'a@b.c')]).toEqual([true, false, false]);
  expect([looksReachable('tel', '030 12 34'), looksReachable('tel', '12-34'), looksReachable('text', 'a@b.co')]).toEqual([true, false, false]);
});
