/**
 * The embed modes and isolation tests that matter most, in Firefox against the real relay on
 * Node (the demo configuration, its own data folder): declarative, popup, iframe with auto-resize,
 * a strict CSP and hostile CSS. They mirror e2e/embed-modes.spec.ts and e2e/embed-hostile.spec.ts,
 * which run in Chromium. One Firefox for the file, a fresh browser context per test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type ElementHandle, type Frame, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type OwnRelay, startOwnRelay } from '../own-relay.ts';
import { A_PERSON_PAUSES_MS, type InboxLead, otherOrigin, uniqueName } from '../widget-helpers.ts';
import { findFirefox, HOW_TO_GET_FIREFOX } from './firefox.ts';

const firefox = findFirefox();
if ('missing' in firefox) console.warn(`\nFirefox browser tests skipped: ${firefox.missing}.\n${HOW_TO_GET_FIREFOX}\n`);

const THANKS = "Thank you! We'll be in touch.";

describe.skipIf('missing' in firefox)('in Firefox', () => {
  let relay: OwnRelay;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const config = JSON.parse(readFileSync(join(import.meta.dirname, '../../leadform.config.json'), 'utf8')) as unknown;
    [relay, browser] = await Promise.all([
      startOwnRelay(config),
      puppeteer.launch({ browser: 'firefox', executablePath: (firefox as { path: string }).path, headless: true }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });
  afterEach(async () => {
    await context?.close();
  });

  async function openPage(path: string, prepare?: (page: Page) => Promise<unknown>): Promise<Page> {
    context = await browser.createBrowserContext();
    page = await context.newPage();
    await prepare?.(page);
    await page.goto(path.startsWith('http') ? path : `${relay.url}${path}`);
    return page;
  }

  /** An element inside the form's shadow root (puppeteer's `>>>` pierces shadow roots). */
  const inForm = (scope: Page | Frame, form: string, selector: string) => scope.waitForSelector(`[data-leadform="${form}"] >>> ${selector}`, { visible: true });

  async function fillShowcase(scope: Page | Frame, name: string): Promise<void> {
    await (await inForm(scope, 'showcase', 'input[name="name"]'))!.type(name);
    await (await inForm(scope, 'showcase', 'input[name="email"]'))!.type('firefox@example.com');
    await (await inForm(scope, 'showcase', 'select[name="plan"]'))!.select('growth');
    await (await inForm(scope, 'showcase', 'input[name="team_size"][value="11-50"]'))!.click();
    await (await inForm(scope, 'showcase', 'input[name="consent"]'))!.click();
  }

  async function send(scope: Page | Frame, form: string): Promise<void> {
    await new Promise((done) => setTimeout(done, A_PERSON_PAUSES_MS));
    await (await inForm(scope, form, 'button[type="submit"]'))!.click();
    await until(
      scope,
      (selector, thanks) => document.querySelector(selector)?.shadowRoot?.textContent?.includes(thanks) === true,
      `[data-leadform="${form}"]`,
      THANKS,
    );
  }

  /**
   * Polls `check` in the page from here until it holds (15 s at most). Not `waitForFunction`: in
   * Firefox its poller builds the function in the page with `Function()`, which a strict CSP blocks
   * (Firefox 140.12 applies the page's policy to it); `evaluate` runs as the browser's own script.
   */
  async function until(scope: Page | Frame, check: (...args: string[]) => boolean, ...args: string[]): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await scope.evaluate(check, ...args))) {
      if (Date.now() > deadline) throw new Error(`still not so after 15 s: ${check.toString().slice(0, 200)}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  async function theOneLead(name: string): Promise<InboxLead> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const items = (await (await fetch(`${relay.url}/sandbox/inbox.json`)).json()) as { lead: InboxLead }[];
      const leads = items.map((item) => item.lead).filter((lead) => lead.fields.name === name);
      if (leads.length === 1) return leads[0]!;
      if (Date.now() > deadline) throw new Error(`the inbox holds ${leads.length} leads named ${name}, not one`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  const height = async (element: ElementHandle) => (await element.boundingBox())?.height ?? 0;

  test('declarative: an element added after the script loaded gets its form, and a lead reaches the inbox', async () => {
    await openPage('/demo/spa.html');
    await page.waitForFunction(() => (window as { LeadForm?: { loaded?: boolean } }).LeadForm?.loaded === true);
    await page.click('#route');
    const name = uniqueName('Firefox spa');
    await (await inForm(page, 'contact', 'input[name="name"]'))!.type(name);
    await (await inForm(page, 'contact', 'input[name="email"]'))!.type('spa@example.com');
    await send(page, 'contact');
    expect((await theOneLead(name)).formId).toBe('contact');
  });

  test('popup: a button opens the modal with focus on its first field, Tab and Shift+Tab stay inside, Escape closes it and focus returns to the button', async () => {
    await openPage('/demo/popup.html');
    await page.waitForFunction(() => (window as { LeadForm?: { loaded?: boolean } }).LeadForm?.loaded === true);
    await page.click('[data-leadform-open="showcase"]');
    const dialog = (await page.waitForSelector('[data-leadform-popup="showcase"] >>> dialog[open]', { visible: true }))!;
    await page.waitForFunction(() => document.querySelector('[data-leadform-popup="showcase"]')?.shadowRoot?.activeElement?.getAttribute('name') === 'name');
    // Modal: it sits in the top layer, over the page.
    expect(await dialog.evaluate((element) => element.matches(':modal'))).toBe(true);
    // Shift+Tab from the first field reaches the close button, then wraps to the last control.
    const focused = () => page.evaluate(() => document.querySelector('[data-leadform-popup="showcase"]')!.shadowRoot!.activeElement?.outerHTML.slice(0, 40));
    await page.keyboard.down('Shift');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatch(/^<button type="button" class="close"/);
    await page.keyboard.press('Tab');
    await page.keyboard.up('Shift');
    expect(await focused()).toMatch(/^<button type="submit"/);
    await page.keyboard.press('Tab');
    expect(await focused()).toMatch(/^<button type="button" class="close"/);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-leadform-popup="showcase"]')?.shadowRoot?.querySelector('dialog[open]'));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-leadform-open'))).toBe('showcase');
  });

  test('iframe with the script on a parent of another origin: it resizes to its form, re-dispatches events, and submits', async () => {
    await openPage(`${otherOrigin(relay.url)}/demo/iframe.html?relay=${encodeURIComponent(relay.url)}`);
    const iframe = (await page.waitForSelector('#quote'))!;
    // From the 150px the page gives it to the form's full height.
    await page.waitForFunction(() => document.querySelector('#quote')!.getBoundingClientRect().height > 700, { timeout: 15_000 });
    await page.waitForFunction(() => (window as unknown as { events: string[] }).events.join() === 'ready:showcase');
    // The page's one frame, found among its frames, and told its element: `contentFrame()` and
    // `frameElement()` (which a click in a frame asks, to place the pointer) send Firefox ESR 140 a
    // BiDi locator ("context") it does not know yet. A fresh handle each time: the caller disposes it.
    const frame = page.frames().find((candidate) => candidate.parentFrame() === page.mainFrame())!;
    Object.assign(frame, { frameElement: () => page.$('#quote') });
    const name = uniqueName('Firefox frame');
    await fillShowcase(frame, name);
    const before = await height(iframe);
    await send(frame, 'showcase');
    const lead = await theOneLead(name);
    await page.waitForFunction((id) => (window as unknown as { events: string[] }).events.at(-1) === `success:${id}`, {}, lead.id);
    // The success message is shorter than the form: the frame shrinks with it.
    await page.waitForFunction((tall) => document.querySelector('#quote')!.getBoundingClientRect().height < tall / 2, {}, before);
  });

  test('strict CSP: the form is styled through constructable stylesheets, works, and breaks no policy', async () => {
    await openPage('/demo/strict-csp.html', (page) =>
      page.evaluateOnNewDocument(() => {
        const w = window as unknown as { violations: string[] };
        w.violations = [];
        document.addEventListener('securitypolicyviolation', (event) => w.violations.push(`${event.violatedDirective} ${event.blockedURI}`));
      }),
    );
    const sendButton = (await inForm(page, 'showcase', 'button[type="submit"]'))!;
    // The definition's theme colour reached the button: the stylesheet applied under the CSP.
    expect(await sendButton.evaluate((button) => getComputedStyle(button).backgroundColor)).toBe('rgb(15, 118, 110)');
    // The form's styles stay inside: the page's heading keeps the browser's default size.
    expect(await page.$eval('h1', (h1) => getComputedStyle(h1).fontSize)).toBe('32px');
    const name = uniqueName('Firefox csp');
    await fillShowcase(page, name);
    await send(page, 'showcase');
    await theOneLead(name);
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  });

  test('hostile CSS (`* { all: unset }`, hidden inputs and forms): the form stays visible, sized and usable', async () => {
    await openPage('/demo/hostile-css.html');
    const input = (await inForm(page, 'showcase', 'input[name="name"]'))!;
    const box = (await input.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(40);
    expect(box.width).toBeGreaterThan(200);
    expect(await input.evaluate((element) => getComputedStyle(element).fontSize)).toBe('16px');
    const name = uniqueName('Firefox hostile');
    await fillShowcase(page, name);
    await send(page, 'showcase');
    await theOneLead(name);
  });
});
