/**
 * The height `src/schema/layout.ts` computes from a definition is the height the form renders at,
 * in Chromium: the demo forms `contact`, `showcase` and `qualify` (its first step), on a 375px
 * phone and a 1280px screen. A change to the widget's CSS that moves a form's height fails here
 * until LAYOUT's numbers follow it.
 */
import { expect, test } from '@playwright/test';
import type { FormDefinition } from '../src/schema/form.ts';
import { formHeight } from '../src/schema/layout.ts';

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
