/**
 * The form in a 320px column that clips its overflow on a 375px phone, and in the iframe: choice layout and targets,
 * control heights, label weights, focus rings, the Send button and the error summary.
 */
import { expect, type Locator, test } from '@playwright/test';
import { expectNoViolations } from './look-helpers.ts';

test.describe('a 320px column that clips its overflow, on a phone', () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test('the consent box beside its label, 44px targets, even controls, unclipped focus, a full-width Send, a styled error summary', async ({ page }) => {
    await page.goto('/demo/narrow.html');
    const host = page.locator('[data-leadform="showcase"]');
    const name = host.getByLabel('Name');
    await expect(name).toBeVisible();

    // The consent box and the first line of its label share a line; the label wraps beside it.
    const consent = host.getByRole('checkbox', { name: 'I agree to be contacted' });
    const consentLabel = host.locator('label', { hasText: 'I agree to be contacted' });
    const box = (await consent.boundingBox())!;
    const label = (await consentLabel.boundingBox())!;
    expect(label.x).toBeGreaterThanOrEqual(box.x + box.width);
    expect(label.y).toBeLessThan(box.y + box.height);
    expect(label.height).toBeGreaterThan(48); // it does wrap, in 320px
    // The policy link sits under the label, not under the box.
    expect((await host.getByRole('link', { name: 'Privacy policy' }).boundingBox())!.x).toBeGreaterThanOrEqual(label.x - 1);

    // Choice targets: the whole label row, at least 44px tall.
    expect((await host.locator('label', { hasText: '11–50' }).boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(label.height).toBeGreaterThanOrEqual(44);
    await host.locator('label', { hasText: '11–50' }).click({ position: { x: 200, y: 40 } });
    await expect(host.getByRole('radio', { name: '11–50' })).toBeChecked();
    // The select is as tall as the inputs; radio and checkbox labels weigh the same.
    expect((await host.getByLabel('Plan').boundingBox())!.height).toBe((await name.boundingBox())!.height);
    const weight = (locator: Locator) => locator.evaluate((element) => getComputedStyle(element).fontWeight);
    expect(await weight(consentLabel)).toBe(await weight(host.locator('label', { hasText: '11–50' })));

    // The focus ring (3px outline, 2px offset) fits inside the clipping column.
    await name.focus();
    expect(await name.evaluate((input) => `${getComputedStyle(input).outlineWidth} ${getComputedStyle(input).outlineOffset}`)).toBe('3px 2px');
    const column = (await page.locator('#sidebar').boundingBox())!;
    const field = (await name.boundingBox())!;
    expect(field.x - 5).toBeGreaterThanOrEqual(column.x);
    expect(field.x + field.width + 5).toBeLessThanOrEqual(column.x + column.width);

    // Leaving the field shows its error, which moves Send down: leave it before clicking Send.
    await name.blur();
    // Send spans the column.
    const send = host.getByRole('button', { name: 'Send' });
    expect((await send.boundingBox())!.width).toBe(field.width);

    // The error summary looks like one: a tinted box with a bar at its start.
    await send.click();
    const summary = host.getByRole('status');
    await expect(summary.locator('p')).toHaveText('Please correct the highlighted fields.');
    const looks = await summary.evaluate((element) => {
      const style = getComputedStyle(element);
      return { background: style.backgroundColor, bar: style.borderInlineStartWidth, weight: style.fontWeight };
    });
    expect(looks).toEqual({ background: 'rgb(254, 242, 242)', bar: '4px', weight: '600' });
    await expectNoViolations(page);
  });

  test('in the iframe, the focus ring is not clipped by the frame’s edge', async ({ page }) => {
    await page.goto('/v1/forms/showcase/embed');
    const name = page.getByLabel('Name');
    await expect(name).toBeVisible();
    const field = (await name.boundingBox())!;
    expect(field.x).toBeGreaterThanOrEqual(5);
    expect(field.x + field.width + 5).toBeLessThanOrEqual(page.viewportSize()!.width);
  });
});
