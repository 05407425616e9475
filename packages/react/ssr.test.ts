/**
 * Server rendering with react-dom/server, in Node where no `window` or `document` exists: the
 * output is the declarative embed's host `<div>` with its reserved height, and nothing else.
 */
import { createElement } from 'react';
import { renderToStaticMarkup, renderToString } from 'react-dom/server';
import { afterEach, expect, test, vi } from 'vitest';
import { LeadForm } from './src/index.ts';

afterEach(() => vi.restoreAllMocks());

test('the server sends the host <div> with its reserved height, and no script, prefill or handler', () => {
  expect(typeof window).toBe('undefined');
  const warned = vi.spyOn(console, 'error');
  const html = renderToString(
    createElement(LeadForm, { form: 'contact', relay: 'https://relay.example.com', prefill: { email: 'ada@example.com' }, onSuccess: () => {} }),
  );
  expect(html).toBe('<div data-leadform="contact" data-leadform-height="28rem" style="min-height:28rem"></div>');
  expect(warned).not.toHaveBeenCalled();
});

test('height, id and className reach the host element', () => {
  const html = renderToStaticMarkup(createElement(LeadForm, { form: 'showcase', height: '40rem', id: 'quote', className: 'wide' }));
  expect(html).toBe('<div id="quote" class="wide" data-leadform="showcase" data-leadform-height="40rem" style="min-height:40rem"></div>');
});

test('a page of several forms renders each as its own host element', () => {
  const html = renderToStaticMarkup(createElement('main', null, createElement(LeadForm, { form: 'contact' }), createElement(LeadForm, { form: 'showcase' })));
  expect(html.match(/data-leadform="/g)).toHaveLength(2);
  expect(html).not.toContain('<script');
});
