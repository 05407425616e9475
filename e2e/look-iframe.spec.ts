/**
 * The iframe mode on a parent page of another origin: the lead records the page the visitor was on.
 */
import { expect, test } from '@playwright/test';
import { A_PERSON_PAUSES_MS, fillShowcase, type InboxLead, otherOrigin, theOneLead, uniqueName } from './widget-helpers.ts';

test('iframe: the lead’s page is the host page the visitor was on, not the embed URL', async ({ page, request, baseURL }) => {
  const relay = new URL(baseURL!).origin;
  const hostPage = `${otherOrigin(relay)}/demo/iframe.html?relay=${encodeURIComponent(relay)}&from=look`;
  await page.goto(hostPage);
  const inner = page.frameLocator('#quote').locator('[data-leadform="showcase"]');
  const visitor = uniqueName('Framed');
  await fillShowcase(inner, visitor);
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await inner.getByRole('button', { name: 'Send' }).click();
  await expect(inner.getByText("Thank you! We'll be in touch.")).toBeVisible();
  const lead = (await theOneLead(request, visitor)) as InboxLead & { page?: string };
  expect(lead.page).toBe(hostPage);
});
