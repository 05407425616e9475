/**
 * axe finds no WCAG 2.2 A or AA violation (wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) in any
 * embed mode or on any hostile page under public/, as the form first shows and once an empty
 * submit has put its errors and the linked summary on screen.
 */
import { expect, type FrameLocator, type Page, test } from '@playwright/test';
import { expectNoViolations } from './look-helpers.ts';

interface Case {
  page: string;
  /** Where the form is: the page itself, or the first iframe. */
  inFrame?: boolean;
  /** A button that opens the form as a popup. */
  opener?: string;
  /** A button that adds the form's element, as a client-side route change does. */
  route?: string;
}

const CASES: Record<string, Case> = {
  declarative: { page: '/demo/index.html' },
  queue: { page: '/demo/queue.html' },
  'popup open': { page: '/demo/popup.html', opener: 'Request a quote' },
  iframe: { page: '/demo/iframe.html', inFrame: true },
  'strict CSP': { page: '/demo/strict-csp.html' },
  'hostile CSS': { page: '/demo/hostile-css.html' },
  'hostile :empty reset': { page: '/demo/hostile-empty.html' },
  'hostile flex column': { page: '/demo/hostile-flex.html' },
  'narrow column': { page: '/demo/narrow.html' },
  'long page, popup open': { page: '/demo/popup-long.html', opener: 'Request a quote' },
  'right to left, Arabic': { page: '/demo/rtl-ar.html' },
  'right to left, Persian page': { page: '/demo/rtl-fa.html' },
  'single-page app': { page: '/demo/spa.html', route: 'Go to the contact page' },
};

for (const [name, { page: url, inFrame, opener, route }] of Object.entries(CASES)) {
  test(`axe, WCAG 2.2 AA: ${name} (${url}), as shown and with errors`, async ({ page }) => {
    await page.goto(url);
    const scope: Page | FrameLocator = inFrame ? page.frameLocator('iframe') : page;
    if (route) await page.getByRole('button', { name: route }).click();
    if (opener) {
      await page.getByRole('button', { name: opener }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
    }
    const form = (opener ? page.getByRole('dialog') : scope.locator('.lf')).first();
    await expect(form.locator('form button[type=submit]')).toBeVisible();
    await expectNoViolations(page);
    await form.locator('form button[type=submit]').click();
    await expect(form.locator('.status.invalid a').first()).toBeVisible();
    await expectNoViolations(page);
  });
}
