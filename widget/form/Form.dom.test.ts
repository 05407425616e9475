// @vitest-environment happy-dom
/**
 * What the form's markup says on its own, with no stylesheet or observer helping: its language
 * and direction, the linked error summary, the sent state, and the page a lead records.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FormDefinition } from '../../src/schema/form.ts';
import { type FormOptions, mountForm } from './Form.tsx';
import ar from './locales/ar.ts';
import en from './locales/en.ts';

const definition: FormDefinition = {
  id: 'quote',
  fields: [
    { name: 'name', type: 'text', label: 'Name', required: true },
    { name: 'email', type: 'email', label: 'Email', required: true },
    { name: 'note', type: 'text', label: 'Note' },
  ],
};

function mount(options: Partial<FormOptions> = {}) {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  mountForm(root, {
    definition,
    relay: 'http://relay.test',
    locale: 'en',
    t: en,
    prefill: {},
    attribution: () => undefined,
    emit: () => undefined,
    ...options,
  });
  const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector);
  const submit = () => $('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  return { root, $, submit };
}

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

describe('the form’s markup', () => {
  it('declares the language it shows and that language’s direction on its root', () => {
    expect(mount().$('.lf')!.getAttribute('dir')).toBe('ltr');
    const arabic = mount({ locale: 'ar', t: ar }).$('.lf')!;
    expect([arabic.getAttribute('lang'), arabic.getAttribute('dir')]).toEqual(['ar', 'rtl']);
  });

  it('lists each field in error as a link in the summary, which focuses that field', () => {
    const form = mount();
    form.submit();
    const status = form.$('[role=status]')!;
    expect(status.className).toBe('status invalid');
    const links = [...status.querySelectorAll('a')];
    expect(links.map((link) => [link.getAttribute('href'), link.textContent])).toEqual([
      ['#lf-quote-name', 'Name: This field is required.'],
      ['#lf-quote-email', 'Email: This field is required.'],
    ]);
    links[1]!.click();
    expect(form.root.activeElement).toBe(form.$('#lf-quote-email'));
    // Fixing a field takes it off the list; fixing the last one ends the summary.
    const fill = (id: string, value: string) => {
      const input = form.$<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    fill('#lf-quote-email', 'grace@example.com');
    expect([...status.querySelectorAll('a')].map((link) => link.textContent)).toEqual(['Name: This field is required.']);
    fill('#lf-quote-name', 'Grace');
    expect([status.className, status.textContent]).toEqual(['status idle', '']);
  });

  it('sends the page the `page` option names, and once sent shows a heading, an icon hidden from screen readers and the message', async () => {
    const bodies: { meta: { page: string } }[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(init.body as string));
      return new Response(JSON.stringify({ id: 'lead-1' }), { status: 201, headers: { 'content-type': 'application/json' } });
    });
    const form = mount({ page: () => 'https://www.example.com/pricing' });
    for (const [id, value] of [
      ['#lf-quote-name', 'Grace'],
      ['#lf-quote-email', 'grace@example.com'],
    ]) {
      const input = form.$<HTMLInputElement>(id!)!;
      input.value = value!;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    form.submit();
    await vi.waitFor(() => expect(form.$('.done')).not.toBeNull());
    expect(bodies.map((body) => body.meta.page)).toEqual(['https://www.example.com/pricing']);
    const done = form.$('[role=status]')!;
    expect(form.root.activeElement).toBe(done);
    expect(done.querySelector('svg')!.getAttribute('aria-hidden')).toBe('true');
    expect([done.querySelector('h2')!.textContent, done.querySelector('p')!.textContent]).toEqual([en.success_title, en.success]);
  });
});
