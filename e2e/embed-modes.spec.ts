/**
 * Every embed mode in real Chromium against the real relay: declarative (also for elements added
 * later), the command queue, the popup and the iframe (alone, and with the script on the parent).
 */
import { expect, test } from '@playwright/test';
import { A_PERSON_PAUSES_MS, fillShowcase, otherOrigin, theOneLead, uniqueName } from './widget-helpers.ts';

test('declarative: an element added after the script loaded (a single-page app route) gets its form', async ({ page, request }) => {
  await page.goto('/demo/spa.html');
  await expect.poll(() => page.evaluate(() => typeof (window as { LeadForm?: { loaded?: boolean } }).LeadForm?.loaded)).toBe('boolean');
  await page.getByRole('button', { name: 'Go to the contact page' }).click();
  const form = page.locator('[data-leadform="contact"]');
  const name = uniqueName('Spa');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill('spa@example.com');
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  expect((await theOneLead(request, name)).formId).toBe('contact');
});

test('command queue: calls made before the script loaded are replayed in order, with prefill and events', async ({ page, request }) => {
  await page.goto('/demo/queue.html');
  const form = page.locator('#quote');
  await expect(form.getByLabel('Name')).toHaveValue('Grace Hopper');
  await expect(form.getByLabel('Plan')).toHaveValue('growth');
  await expect.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(['first:showcase', 'second']);

  const name = uniqueName('Queue');
  await fillShowcase(form, name);
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  const submitted = page.evaluate(
    () => new Promise<unknown>((done) => document.querySelector('#quote')!.addEventListener('leadform:success', (e) => done((e as CustomEvent).detail))),
  );
  await form.getByRole('button', { name: 'Send' }).click();
  const detail = (await submitted) as { formId: string; id: string };
  expect(detail.formId).toBe('showcase');
  const lead = await theOneLead(request, name);
  expect(lead.id).toBe(detail.id);
  // The hidden field carries its fixed value; the callback and GTM's dataLayer saw the same id.
  expect(lead.fields).toMatchObject({ plan: 'growth', team_size: '11-50', consent: true, source: 'showcase' });
  await expect.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen.at(-1))).toBe(`success:${lead.id}`);
  const pushed = await page.evaluate(() => (window as unknown as { dataLayer: { event: string }[] }).dataLayer.map((entry) => entry.event));
  expect(pushed).toEqual(['leadform_ready', 'leadform_submit', 'leadform_success']);
});

test('popup: a button opens it, focus is trapped inside, Escape closes it and focus returns to the button', async ({ page }) => {
  await page.goto('/demo/popup.html');
  const opener = page.getByRole('button', { name: 'Request a quote' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Request a quote' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Name')).toBeFocused();

  // Shift+Tab from the first field reaches the close button, then wraps to the last control.
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Send' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(d.getRootNode() instanceof ShadowRoot ? (d.getRootNode() as ShadowRoot).activeElement : null))).toBe(true);
  }

  await dialog.getByLabel('Name').fill('Kept');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  // It opens again by keyboard, with what was typed still there.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Name')).toHaveValue('Kept');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});

test('popup: on a page with a popup button the loader starts the popup chunk with form.js and the definition, not after them', async ({ page }) => {
  // form.js is held until the popup chunk has been asked for: were the chunk only fetched once
  // form.js had run (one round trip later), it would never be asked for and the page would hang.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const asked: string[] = [];
  page.on('request', (request) => asked.push(new URL(request.url()).pathname));
  await page.route('**/v1/widget/form.js', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/demo/popup.html');
  await expect.poll(() => asked).toEqual(expect.arrayContaining(['/v1/widget/form.js', '/v1/forms/showcase', '/v1/widget/popup.js']));
  release();
  // One module, however it was reached: the popup opens and works.
  await page.getByRole('button', { name: 'Request a quote' }).click();
  await expect(page.getByRole('dialog', { name: 'Request a quote' }).getByLabel('Name')).toBeFocused();
  expect(asked.filter((path) => path.startsWith('/v1/widget/popup')).length).toBe(1);
});

test("popup: LeadForm('open', …) opens a form with prefill and submits it", async ({ page, request }) => {
  await page.goto('/demo/popup.html');
  await page.getByRole('button', { name: 'Contact us' }).click();
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  await expect(dialog.getByLabel('Email')).toHaveValue('ada@example.com');
  const name = uniqueName('Popup');
  await dialog.getByLabel('Name').fill(name);
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByText("Thank you! We'll be in touch.")).toBeVisible();
  expect((await theOneLead(request, name)).fields.email).toBe('ada@example.com');
});

test('popup: a form the page filled in completely, sent at once, is stored (no keystroke, so no fill time to judge)', async ({ page, request }) => {
  await page.goto('/demo/popup.html');
  const name = uniqueName('Prefilled');
  await page.evaluate(
    (value) =>
      (window as unknown as { LeadForm(...args: unknown[]): void }).LeadForm('open', { form: 'contact', prefill: { name: value, email: 'known@example.com' } }),
    name,
  );
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByText("Thank you! We'll be in touch.")).toBeVisible();
  expect((await theOneLead(request, name)).fields.email).toBe('known@example.com');
});

test("popup: two LeadForm('open', …) calls with different prefills open two popups, each with its own values", async ({ page }) => {
  await page.goto('/demo/popup.html');
  const open = (email: string) =>
    page.evaluate(
      (value) => (window as unknown as { LeadForm(...args: unknown[]): void }).LeadForm('open', { form: 'contact', prefill: { email: value } }),
      email,
    );
  await open('first@example.com');
  await expect(page.getByRole('dialog', { name: 'Contact us' }).getByLabel('Email')).toHaveValue('first@example.com');
  await page.keyboard.press('Escape');
  await open('second@example.com');
  await expect(page.getByRole('dialog', { name: 'Contact us' }).getByLabel('Email')).toHaveValue('second@example.com');
});

test('iframe alone: the embed page works with no script on the parent, under its own strict CSP', async ({ page, request }) => {
  const response = await page.goto('/v1/forms/showcase/embed?email=solo@example.com&src=partner-site');
  const csp = response!.headers()['content-security-policy']!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe');
  const form = page.locator('[data-leadform="showcase"]');
  await expect(form.getByLabel('Work email')).toHaveValue('solo@example.com');
  const name = uniqueName('Frame');
  await fillShowcase(form, name);
  await form.getByLabel('Work email').fill('solo@example.com');
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  // The hidden field took its value from the URL parameter the definition names.
  expect((await theOneLead(request, name)).fields).toMatchObject({ email: 'solo@example.com', source: 'partner-site' });
});

test('iframe with the script on a parent of another origin: it resizes to its form and re-dispatches events', async ({ page, request, baseURL }) => {
  const relay = new URL(baseURL!).origin;
  // Every frame records the leadform messages it receives (the parent's attribution among them).
  await page.addInitScript(() => {
    const w = window as unknown as { received: unknown[] };
    w.received = [];
    addEventListener('message', (event) => {
      if ((event.data as { leadform?: number })?.leadform === 1) w.received.push({ origin: event.origin, data: event.data });
    });
  });
  await page.goto(`${otherOrigin(relay)}/demo/iframe.html?relay=${encodeURIComponent(relay)}&utm_source=parent-campaign`);
  const frame = page.locator('#quote');
  // The parent's script answered the frame's hello with the parent page's attribution, from the parent's origin.
  await expect
    .poll(
      async () =>
        (await page
          .frames()
          .find((f) => f.url().includes('/embed'))
          ?.evaluate(() => (window as unknown as { received: unknown[] }).received)) ?? [],
    )
    .toContainEqual({
      origin: otherOrigin(relay),
      data: { leadform: 1, attribution: expect.objectContaining({ first: expect.objectContaining({ utm_source: 'parent-campaign' }) }) },
    });
  // The frame grows from its 150px default to the form's full height.
  await expect.poll(async () => (await frame.boundingBox())?.height ?? 0).toBeGreaterThan(700);
  await expect.poll(() => page.evaluate(() => (window as unknown as { events: string[] }).events)).toEqual(['ready:showcase']);
  const inner = page.frameLocator('#quote').locator('[data-leadform="showcase"]');
  const name = uniqueName('Parent');
  await fillShowcase(inner, name);
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  const before = (await frame.boundingBox())!.height;
  await inner.getByRole('button', { name: 'Send' }).click();
  await expect(inner.getByText("Thank you! We'll be in touch.")).toBeVisible();
  const lead = await theOneLead(request, name);
  await expect.poll(() => page.evaluate(() => (window as unknown as { events: string[] }).events.at(-1))).toBe(`success:${lead.id}`);
  // The parent's LeadForm('on') callback and its Tag Manager hear the frame's events too.
  expect(await page.evaluate(() => (window as unknown as { successCallback: unknown }).successCallback)).toEqual({ formId: 'showcase', id: lead.id });
  expect(await page.evaluate(() => (window as unknown as { dataLayer: { event: string }[] }).dataLayer.map((entry) => entry.event))).toEqual([
    'leadform_ready',
    'leadform_submit',
    'leadform_success',
  ]);
  // The success message is much shorter than the form: the frame shrinks with it.
  await expect.poll(async () => (await frame.boundingBox())!.height).toBeLessThan(before / 2);
});

test("iframe: a parent script that loads after the frame's form still sizes it and gets its ready event", async ({ page, baseURL }) => {
  const relay = new URL(baseURL!).origin;
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  // Hold the parent page's own loader until the form inside the frame has rendered.
  await page.route('**/v1/leadform.js', async (route) => {
    if (route.request().frame() === page.mainFrame()) await released;
    await route.continue();
  });
  // The page's load event waits for the held script, so do not wait for it either.
  await page.goto(`${otherOrigin(relay)}/demo/iframe.html?relay=${encodeURIComponent(relay)}`, { waitUntil: 'commit' });
  await expect(page.frameLocator('#quote').getByLabel('Name')).toBeVisible();
  expect((await page.locator('#quote').boundingBox())!.height).toBeLessThan(200);
  release();
  await expect.poll(async () => (await page.locator('#quote').boundingBox())!.height).toBeGreaterThan(700);
  await expect.poll(() => page.evaluate(() => (window as unknown as { events: string[] }).events)).toEqual(['ready:showcase']);
});

test('iframe: the parent script ignores leadform-shaped messages from frames of other origins', async ({ page, baseURL }) => {
  const relay = new URL(baseURL!).origin;
  await page.goto(`${otherOrigin(relay)}/demo/iframe.html?relay=${encodeURIComponent(relay)}`);
  await expect.poll(async () => (await page.locator('#quote').boundingBox())?.height ?? 0).toBeGreaterThan(700);
  // A frame of the page's own origin (not the relay's) claims to be a leadform asking for 5000px.
  await page.evaluate(() => {
    const other = document.createElement('iframe');
    other.id = 'other';
    other.height = '150';
    other.srcdoc = `<script>parent.postMessage({ leadform: 1, form: 'showcase', height: 5000, ready: 1 }, '*')</script>`;
    document.body.append(other);
  });
  await page.waitForTimeout(500);
  expect((await page.locator('#other').boundingBox())!.height).toBeLessThan(200);
});

test('bad calls never throw into the host page: unknown commands, unknown forms, missing targets', async ({ page }) => {
  const thrown: Error[] = [];
  page.on('pageerror', (error) => thrown.push(error));
  await page.goto('/demo/spa.html');
  await page.waitForFunction(() => (window as { LeadForm?: { loaded?: boolean } }).LeadForm?.loaded);
  const detail = await page.evaluate(async () => {
    const call = (window as unknown as { LeadForm(...args: unknown[]): void }).LeadForm;
    const failed = new Promise((done) => document.addEventListener('leadform:error', (e) => done((e as CustomEvent).detail)));
    call('no-such-command');
    call('render', { form: 'contact', target: '#missing' });
    call('on', 'success', 'not a function');
    call('open');
    const slot = document.createElement('div');
    document.body.append(slot);
    call('render', { form: 'no-such-form', target: slot });
    return failed;
  });
  expect(detail).toEqual({ formId: 'no-such-form', status: 0, error: 'not_loaded' });
  expect(thrown).toEqual([]);
});

test('an element that cannot hold a shadow root gets an error event, not silence', async ({ page }) => {
  const thrown: Error[] = [];
  page.on('pageerror', (error) => thrown.push(error));
  await page.goto('/demo/spa.html');
  await page.waitForFunction(() => (window as { LeadForm?: { loaded?: boolean } }).LeadForm?.loaded);
  const detail = await page.evaluate(async () => {
    const failed = new Promise((done) => document.addEventListener('leadform:error', (e) => done((e as CustomEvent).detail)));
    // A link cannot host a shadow root: attachShadow throws NotSupportedError.
    const link = document.createElement('a');
    link.dataset.leadform = 'contact';
    document.body.append(link);
    return failed;
  });
  expect(detail).toEqual({ formId: 'contact', status: 0, error: 'not_loaded' });
  expect(thrown).toEqual([]);
});

test("LeadForm('render') called from <head> renders into a target the parser has not reached yet", async ({ page }) => {
  let releaseParser!: () => void;
  const parserHeld = new Promise<void>((done) => (releaseParser = done));
  // The page's parser waits on a slow script placed before the target, so the render command runs while the document is still loading.
  await page.route('**/demo/head-render.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>head render</title>
<script>(function (w) { w.LeadForm = w.LeadForm || function () { (w.LeadForm.q = w.LeadForm.q || []).push(arguments); }; })(window);
LeadForm('render', { form: 'contact', target: '#later' });</script>
<script async src="/v1/leadform.js"></script></head>
<body><h1>Contact</h1><script src="/demo/slow-parser.js"></script><div id="later"></div></body></html>`,
    }),
  );
  await page.route('**/demo/slow-parser.js', async (route) => {
    await parserHeld;
    await route.fulfill({ contentType: 'text/javascript', body: 'window.parserReleased = true;' });
  });
  const warnings: string[] = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  const formBundle = page.waitForResponse('**/v1/widget/form.js');
  await page.goto('/demo/head-render.html', { waitUntil: 'commit' });
  // The form bundle has loaded and run the queued command while the target did not exist yet.
  await formBundle;
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => [document.readyState, document.querySelector('#later')])).toEqual(['loading', null]);
  releaseParser();
  await expect(page.locator('#later').getByLabel('Email')).toBeVisible();
  expect(warnings.filter((text) => text.includes('render'))).toEqual([]);
});
