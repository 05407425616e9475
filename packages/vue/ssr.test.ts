/**
 * Server rendering with vue/server-renderer, in Node where no `window` or `document` exists: the
 * output is the declarative embed's host `<div>` with its reserved height, and nothing else.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { LeadForm } from './src/index.ts';

afterEach(() => vi.restoreAllMocks());

test('the server sends the host <div> with its reserved height, and no script, prefill or handler', async () => {
  expect(typeof window).toBe('undefined');
  const warned = vi.spyOn(console, 'warn');
  const app = createSSRApp({
    render: () => h(LeadForm, { form: 'contact', relay: 'https://relay.example.com', prefill: { email: 'ada@example.com' }, onSuccess: () => {} }),
  });
  app.config.warnHandler = (message) => console.warn(message);
  expect(await renderToString(app)).toBe(
    '<div data-leadform="contact" data-leadform-height="28rem" style="min-height:28rem;" data-allow-mismatch="style"></div>',
  );
  expect(warned).not.toHaveBeenCalled();
});

test('height reaches the host element', async () => {
  const app = createSSRApp({ render: () => h(LeadForm, { form: 'showcase', height: '40rem' }) });
  expect(await renderToString(app)).toBe(
    '<div data-leadform="showcase" data-leadform-height="40rem" style="min-height:40rem;" data-allow-mismatch="style"></div>',
  );
});

test('a form id is required: Vue says so when it is missing', async () => {
  const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const app = createSSRApp({ render: () => h(LeadForm as never) });
  await renderToString(app);
  expect(warned.mock.calls.flat().join(' ')).toContain('Missing required prop: "form"');
});
