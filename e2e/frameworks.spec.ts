/**
 * The React and Vue components in real Chromium against the real relay: a page rendered on the
 * server from each component (react-dom/server, vue/server-renderer) and hydrated by a bundle of
 * the same app (esbuild, development builds, so hydration mismatches are reported). It reserves
 * the form's box before the loader runs, hydrates without a warning, adds the loader once, renders
 * the real form with its prefill (also a form added later, and a new form id), and a submission
 * reaches the sandbox inbox with the events heard. A page whose own snippet renders the form
 * before hydration hydrates without a warning too.
 */
import { expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';
import { createElement } from 'react';
import { renderToString as renderReact } from 'react-dom/server';
import { createSSRApp } from 'vue';
import { renderToString as renderVue } from 'vue/server-renderer';
import { App as ReactApp } from '../packages/react/example/app.ts';
import { App as VueApp } from '../packages/vue/example/app.ts';
import { A_PERSON_PAUSES_MS, theOneLead, uniqueName } from './widget-helpers.ts';

const FRAMEWORKS = {
  react: { client: 'packages/react/example/client.ts', render: (relay: string) => Promise.resolve(renderReact(createElement(ReactApp, { relay }))) },
  vue: { client: 'packages/vue/example/client.ts', render: (relay: string) => renderVue(createSSRApp(VueApp, { relay })) },
};
type Framework = keyof typeof FRAMEWORKS;

const bundles = new Map<Framework, string>();

test.beforeAll(async () => {
  for (const name of Object.keys(FRAMEWORKS) as Framework[]) {
    const result = await build({
      entryPoints: [FRAMEWORKS[name].client],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2020',
      logLevel: 'silent',
      // Development builds: they are the ones that report a hydration mismatch.
      define: {
        'process.env.NODE_ENV': '"development"',
        __VUE_OPTIONS_API__: 'true',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'true',
      },
    });
    bundles.set(name, result.outputFiles[0]!.text);
  }
});

/** Serves the server-rendered page and its bundle on the relay's origin (the form allows "self"). */
async function servePage(page: Page, name: Framework, relay: string, head = ''): Promise<void> {
  const html = await FRAMEWORKS[name].render(relay);
  await page.route(`${relay}/demo/${name}-ssr.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name} SSR</title>${head}</head><body>
<div id="app">${html}</div>
<script>window.appProps = ${JSON.stringify({ relay })};</script>
<script type="module" src="/demo/${name}-ssr.js"></script></body></html>`,
    }),
  );
  await page.route(`${relay}/demo/${name}-ssr.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundles.get(name)! }));
}

for (const name of Object.keys(FRAMEWORKS) as Framework[]) {
  test(`${name}: the server-rendered form reserves its box, hydrates without a warning, and a lead reaches the inbox`, async ({ page, request, baseURL }) => {
    const relay = new URL(baseURL!).origin;
    const complaints: string[] = [];
    page.on('console', (message) => ['error', 'warning'].includes(message.type()) && complaints.push(message.text()));
    page.on('pageerror', (error) => complaints.push(error.message));
    await servePage(page, name, relay);
    // Hold the loader until the server's markup has been measured.
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    const loaderAsked = new Promise<void>((asked) =>
      page.route('**/v1/leadform.js', async (route) => {
        asked();
        await released;
        await route.continue();
      }),
    );

    // The page's load event may wait for the held loader (Vue mounts while the module runs).
    await page.goto(`${relay}/demo/${name}-ssr.html`, { waitUntil: 'commit' });
    // Hydrated: the component asked for the loader, and the box the server reserved is there (28rem).
    await loaderAsked;
    const first = page.locator('#first');
    expect((await first.boundingBox())!.height).toBe(448);
    release();

    await expect(first.getByLabel('Email')).toHaveValue(`${name}@example.com`);
    await expect(page.locator('#events')).toHaveText('ready:contact');
    await page.locator('body[data-hydrated]').waitFor();

    // A form added after the loader has loaded still gets its prefill, and the loader stays single.
    await page.getByRole('button', { name: 'Show a second form' }).click();
    await expect(page.locator('#second').getByLabel('Name')).toHaveValue('Second form');
    expect(await page.locator('script[src$="/v1/leadform.js"]').count()).toBe(1);
    // A new form id renders that form in a new element.
    await page.getByRole('button', { name: 'Switch it to the showcase form' }).click();
    await expect(page.locator('#second').getByLabel('Work email')).toBeVisible();
    await expect(page.locator('#second').getByLabel('Name')).toHaveValue('Second form');

    const visitor = uniqueName(name);
    await first.getByLabel('Name').fill(visitor);
    await page.waitForTimeout(A_PERSON_PAUSES_MS);
    await first.getByRole('button', { name: 'Send' }).click();
    await expect(first.getByText("Thank you! We'll be in touch.")).toBeVisible();
    const lead = await theOneLead(request, visitor);
    expect(lead.fields.email).toBe(`${name}@example.com`);
    await expect(page.locator('#events')).toHaveText(`ready:contact submit:contact success:${lead.id}`);
    expect(complaints).toEqual([]);
  });
}

for (const name of Object.keys(FRAMEWORKS) as Framework[]) {
  test(`${name}: a page whose own snippet renders the form before hydration hydrates without a warning`, async ({ page, baseURL }) => {
    const relay = new URL(baseURL!).origin;
    const complaints: string[] = [];
    page.on('console', (message) => ['error', 'warning'].includes(message.type()) && complaints.push(message.text()));
    page.on('pageerror', (error) => complaints.push(error.message));
    await servePage(page, name, relay, '<script async src="/v1/leadform.js"></script>');
    // The app's bundle arrives only once the snippet has rendered the server's <div> on its own.
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    await page.route(`${relay}/demo/${name}-ssr.js`, async (route) => {
      await released;
      await route.fulfill({ contentType: 'text/javascript', body: bundles.get(name)! });
    });
    await page.goto(`${relay}/demo/${name}-ssr.html`, { waitUntil: 'commit' });
    const first = page.locator('#first');
    await expect(first.getByLabel('Email')).toBeVisible();
    release();
    await page.locator('body[data-hydrated]').waitFor();
    await page.getByRole('button', { name: 'Show a second form' }).click();
    await expect(page.locator('#second').getByLabel('Name')).toHaveValue('Second form');
    expect(await page.locator('script[src$="/v1/leadform.js"]').count()).toBe(1);
    expect(complaints).toEqual([]);
  });
}
