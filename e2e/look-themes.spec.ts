/**
 * The built-in theme presets, chosen by `theme.preset` in the definition, each a chunk of its own.
 */
import { expect, type Page, test } from '@playwright/test';
import { expectNoViolations } from './look-helpers.ts';

test.describe('theme presets', () => {
  /** Serves the relay's own definition of `showcase` with `theme.preset` added: the one key under test. */
  async function withPreset(page: Page, preset: string) {
    // The loader asks with `?locale=` (the words come with the definition).
    await page.route(/\/v1\/forms\/showcase(\?|$)/, async (route) => {
      const response = await route.fetch();
      const definition = await response.json();
      await route.fulfill({ response, json: { ...definition, theme: { ...definition.theme, preset } } });
    });
  }
  const chunks = (page: Page) => {
    const loaded: string[] = [];
    page.on('request', (request) => {
      const file = new URL(request.url()).pathname.split('/').pop()!;
      if (/^(minimal|rounded)-/.test(file)) loaded.push(file.split('-')[0]!);
    });
    return loaded;
  };

  test('"rounded": pill-shaped fields and buttons, from a chunk of its own', async ({ page }) => {
    const loaded = chunks(page);
    await withPreset(page, 'rounded');
    // Hold the preset's chunk: until it arrives the form is not rendered, so the default look never shows first.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/rounded-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/demo/strict-csp.html');
    const host = page.locator('[data-leadform="showcase"]');
    const send = host.getByRole('button', { name: 'Send' });
    await expect.poll(() => loaded.length).toBe(1);
    await expect(send).not.toBeAttached();
    release();
    // Its first render already has the preset's look: read at once, not polled.
    await send.waitFor({ state: 'attached' });
    expect(await send.evaluate((element) => getComputedStyle(element).borderTopLeftRadius)).toBe('999px');
    expect(await host.getByLabel('Name').evaluate((element) => getComputedStyle(element).borderTopLeftRadius)).toBe('999px');
    // The definition's colour still wins over the preset.
    expect(await send.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(15, 118, 110)');
    expect(loaded).toEqual(['rounded']);
    await expectNoViolations(page);
  });

  test('"minimal": underlined fields, square corners; the default look downloads no preset', async ({ page }) => {
    const loaded = chunks(page);
    await withPreset(page, 'minimal');
    await page.goto('/demo/strict-csp.html');
    const name = page.locator('[data-leadform="showcase"]').getByLabel('Name');
    await expect.poll(() => name.evaluate((element) => getComputedStyle(element).borderTopWidth)).toBe('0px');
    expect(await name.evaluate((element) => [getComputedStyle(element).borderBottomWidth, getComputedStyle(element).borderTopLeftRadius])).toEqual([
      '1px',
      '0px',
    ]);
    expect(loaded).toEqual(['minimal']);
    await expectNoViolations(page);

    await page.unrouteAll();
    const none = chunks(page);
    await page.goto('/demo/strict-csp.html');
    await expect(name).toBeVisible();
    expect(await name.evaluate((element) => getComputedStyle(element).borderTopWidth)).toBe('1px');
    expect(none).toEqual([]);
  });
});
