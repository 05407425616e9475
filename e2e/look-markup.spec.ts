/**
 * The form's markup as assistive technology and a visitor meet it: what the accessibility tree
 * says is required and invalid, the linked error summary, the sent state, the popup on a phone.
 */
import { expect, type Page, test } from '@playwright/test';
import { expectNoViolations } from './look-helpers.ts';
import { A_PERSON_PAUSES_MS, theOneLead, uniqueName } from './widget-helpers.ts';

interface AxNode {
  role?: { value: string };
  name?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
}

/** The accessibility tree's node of `role` named `name`, with its required and invalid states, as a screen reader gets them. */
async function axStates(page: Page, role: string, name: string) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
  await cdp.detach();
  const node = nodes.find((candidate) => candidate.role?.value === role && candidate.name?.value === name);
  if (!node) throw new Error(`no ${role} named "${name}" in the accessibility tree`);
  const state = (property: string) => node.properties?.find((p) => p.name === property)?.value.value;
  return { required: state('required') === true, invalid: state('invalid') ?? 'false' };
}

test.describe('markup', () => {
  test('the select, the consent box and the radio group say required; none says invalid until a failed submit', async ({ page }) => {
    await page.goto('/demo/strict-csp.html');
    const form = page.locator('[data-leadform="showcase"]');
    await expect(form.getByLabel('Name')).toBeVisible();
    const controls = [
      ['combobox', 'Plan'],
      ['checkbox', 'I agree to be contacted about my request'],
      ['radiogroup', 'Team size'],
    ] as const;
    // Chromium's inspector lists `required` only for roles its ARIA tables allow it on: the radio
    // group, not a checkbox or a select, whose native `required` the platform tree maps instead.
    expect(await axStates(page, 'radiogroup', 'Team size')).toEqual({ required: true, invalid: 'false' });
    await expect(form.getByLabel('Plan')).toHaveJSProperty('required', true);
    await expect(form.getByRole('checkbox', { name: 'I agree to be contacted' })).toHaveJSProperty('required', true);
    for (const [role, name] of controls) expect((await axStates(page, role, name)).invalid, `${role} ${name}`).toBe('false');
    for (const name of ['1–10', '11–50', '51+']) expect(await axStates(page, 'radio', name)).toEqual({ required: false, invalid: 'false' });

    await form.getByRole('button', { name: 'Send' }).click();
    await expect(form.getByLabel('Name')).toBeFocused();
    for (const [role, name] of controls) expect((await axStates(page, role, name)).invalid, `${role} ${name}`).toBe('true');
    expect((await axStates(page, 'radiogroup', 'Team size')).required).toBe(true);
  });

  test('the error summary is a tinted box listing each field in error as a link that moves focus to it', async ({ page }) => {
    await page.goto('/demo/strict-csp.html');
    const form = page.locator('[data-leadform="showcase"]');
    await form.getByRole('button', { name: 'Send' }).click();
    const summary = form.getByRole('status');
    await expect(summary.locator('p')).toHaveText('Please correct the highlighted fields.');
    await expect(summary.getByRole('link')).toHaveText([
      'Name: This field is required.',
      'Work email: This field is required.',
      'Plan: This field is required.',
      'Team size: This field is required.',
      'I agree to be contacted about my request: This field is required.',
    ]);
    expect(await summary.evaluate((element) => [getComputedStyle(element).backgroundColor, getComputedStyle(element).borderInlineStartWidth])).toEqual([
      'rgb(254, 242, 242)',
      '4px',
    ]);
    // An invalid radio group is marked by its error line, not boxed in like an invalid input.
    expect(await form.getByRole('radiogroup', { name: 'Team size' }).evaluate((group) => getComputedStyle(group).borderTopWidth)).toBe('0px');
    await summary.getByRole('link', { name: /^Plan:/ }).click();
    await expect(form.getByLabel('Plan')).toBeFocused();
    await summary.getByRole('link', { name: /^Team size:/ }).press('Enter');
    await expect(form.getByRole('radio', { name: '1–10' })).toBeFocused();
    await expectNoViolations(page);
  });

  for (const motion of ['no-preference', 'reduce'] as const) {
    test(`sent (${motion} motion): a heading, an icon and the message; the box ${motion === 'reduce' ? 'changes height at once' : 'eases from the form’s height'}`, async ({
      page,
      request,
    }) => {
      await page.emulateMedia({ reducedMotion: motion });
      // Records each animation the widget starts, so a short one is not missed by a slow poll.
      await page.addInitScript(() => {
        const animate = Element.prototype.animate;
        const seen: string[] = [];
        (window as unknown as { animations: string[] }).animations = seen;
        Element.prototype.animate = function (this: Element, keyframes, options) {
          seen.push(`${this.className} ${JSON.stringify(keyframes)}`);
          return animate.call(this, keyframes, options);
        };
      });
      await page.goto('/demo/queue.html');
      const form = page.locator('#quote');
      await expect(form.getByLabel('Name')).toHaveValue('Grace Hopper');
      const visitor = uniqueName('Sent');
      await form.getByLabel('Name').fill(visitor);
      await form.getByLabel('Work email').fill('grace@example.com');
      await form.getByRole('radio', { name: '1–10' }).check();
      await form.getByLabel('I agree to be contacted').check();
      const before = Math.round((await form.locator('.lf').boundingBox())!.height);
      await page.waitForTimeout(A_PERSON_PAUSES_MS);
      await form.getByRole('button', { name: 'Send' }).click();
      const done = form.getByRole('status');
      await expect(done.getByRole('heading', { name: 'Message sent' })).toBeVisible();
      await expect(done).toBeFocused();
      await expect(done.locator('p')).toHaveText("Thank you! We'll be in touch.");
      await expect(done.locator('svg')).toHaveAttribute('aria-hidden', 'true');
      expect((await done.locator('svg').boundingBox())!.width).toBe(56);
      // A designed block, not one 27px sentence.
      expect((await done.boundingBox())!.height).toBeGreaterThanOrEqual(200);
      const animations = await page.evaluate(() => (window as unknown as { animations: string[] }).animations);
      if (motion === 'reduce') expect(animations).toEqual([]);
      else {
        expect(animations).toHaveLength(1);
        // From the form's height (give or take the "Sending…" line) to the sent state's.
        const [, from] = /^lf \{"blockSize":\["(\d+)px"/.exec(animations[0]!) ?? [];
        expect(Number(from)).toBeGreaterThanOrEqual(before);
        expect(Number(from)).toBeLessThanOrEqual(before + 48);
      }
      await theOneLead(request, visitor);
      await expectNoViolations(page);
    });
  }

  for (const viewport of [
    { width: 375, height: 812 },
    { width: 1280, height: 800 },
  ]) {
    test(`the popup at ${viewport.width}×${viewport.height} fits the screen and scrolls within, so Send is reachable`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.goto('/demo/popup.html');
      await page.getByRole('button', { name: 'Request a quote' }).click();
      const dialog = page.getByRole('dialog', { name: 'Request a quote' });
      await expect(dialog.getByLabel('Name')).toBeFocused();
      const box = (await dialog.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      // Scrolled to its end, the dialog shows Send inside the screen.
      await dialog.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      await expect(dialog.getByRole('button', { name: 'Send' })).toBeInViewport({ ratio: 1 });
    });
  }
});
