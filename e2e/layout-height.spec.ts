/**
 * The height `src/schema/layout.ts` computes from a definition is the height the form renders at,
 * in Chromium: the demo forms `contact`, `showcase` and `qualify` (its first step), on a 375px
 * phone and a 1280px screen. A change to the widget's CSS that moves a form's height fails here
 * until LAYOUT's numbers follow it. And the declarative snippet the admin API gives, with text
 * below it, keeps its box as the form renders into it: no layout shift.
 */
import { expect, test } from '@playwright/test';
import type { FormDefinition } from '../src/schema/form.ts';
import { formHeight } from '../src/schema/layout.ts';
import { snippetsFor } from '../src/relay/snippets.ts';

for (const width of [375, 1280]) {
  test.describe(`at ${width}px`, () => {
    test.use({ viewport: { width, height: 900 } });

    for (const formId of ['contact', 'showcase', 'qualify']) {
      test(`${formId} renders as tall as its definition says`, async ({ page }) => {
        const definition = (await (await page.request.get(`/v1/forms/${formId}`)).json()) as FormDefinition;
        await page.goto('/');
        const rendered = await page.evaluate(async (id) => {
          document.body.innerHTML = '';
          document.body.style.cssText = 'margin: 8px; padding: 0; max-width: none';
          const host = document.createElement('div');
          host.dataset.leadform = id;
          const ready = new Promise((resolve) => host.addEventListener('leadform:ready', resolve));
          document.body.append(host);
          await ready;
          // Chunks' sheets (steps, phone) and the first layout are in once two frames have passed.
          await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
          return { height: host.getBoundingClientRect().height, width: host.getBoundingClientRect().width };
        }, formId);
        expect(rendered.width).toBe(width - 16);
        expect(rendered.height).toBeCloseTo(formHeight(definition, rendered.width, width), 0);
      });
    }
  });
}

for (const width of [375, 1280]) {
  test.describe(`the snippet the admin API gives, with text below it, at ${width}px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test('showcase shifts nothing', async ({ page, baseURL }) => {
      const definition = (await (await page.request.get('/v1/forms/showcase')).json()) as FormDefinition;
      const { declarative } = snippetsFor(definition, new URL(baseURL!).origin);
      await page.goto('/');
      const shift = await page.evaluate(async (snippet) => {
        // The page restyled for the test first, and laid out, so only the form's arrival is measured.
        document.body.style.cssText = 'margin: 8px; padding: 0; max-width: none';
        document.body.innerHTML = '';
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) total += entry.value;
        }).observe({ type: 'layout-shift' });
        document.body.innerHTML = `${snippet.split('<script')[0]}<p id="below">Text below the form.</p>`;
        const host = document.querySelector<HTMLElement>('[data-leadform]')!;
        const reserved = host.getBoundingClientRect().height;
        await new Promise((resolve) => host.addEventListener('leadform:ready', resolve));
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        return { total, reserved, rendered: host.getBoundingClientRect().height };
      }, declarative);
      expect(shift.reserved).toBeGreaterThan(400);
      expect(shift.rendered).toBeCloseTo(shift.reserved, 0);
      expect(shift.total).toBe(0);
    });
  });
}
