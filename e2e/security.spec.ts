/**
 * Security in Chromium, against a relay started here with its own hostile configuration:
 * - labels, hints, options and messages from the configuration render as text, never as HTML;
 * - the embed page (`GET /v1/forms/{id}/embed`, the iframe mode) sends a strict CSP, may be framed
 *   only by the form's allowedOrigins, and its frame takes messages from its parent page only.
 * The embed tests are written against the iframe embed as the README's "Iframe" section gives it.
 */
import { expect, test } from '@playwright/test';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Each payload bumps `window.__xss` if it ever runs. */
const XSS = {
  img: '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  script: '<script>window.__xss=(window.__xss||0)+1</script>',
  svg: '"><svg onload="window.__xss=(window.__xss||0)+1">',
  entity: '&lt;b&gt;bold&lt;/b&gt; & <b>bold</b>',
};
const label = (name: string) => `${name} ${XSS.img}`;

test.describe.configure({ mode: 'serial' });

let relay: ChildProcess;
let relayUrl: string;
let dir: string;
const pages: Server[] = [];
/** Two pages on two other origins: the allowed host page, and a stranger. */
let hostOrigin: string;
let strangerOrigin: string;
const hostHtml: { body: string } = { body: '' };
const strangerHtml: { body: string } = { body: '' };

async function servePage(html: { body: string }): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  pages.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test.beforeAll(async () => {
  hostOrigin = await servePage(hostHtml);
  strangerOrigin = await servePage(strangerHtml);
  dir = mkdtempSync(join(tmpdir(), 'leadform-e2e-security-'));
  const config = {
    forms: {
      contact: {
        title: `Contact ${XSS.script}`,
        fields: [
          {
            name: 'name',
            type: 'text',
            required: true,
            label: label('Name'),
            hint: `Hint ${XSS.svg}`,
            placeholder: `"><img src=x onerror=alert(1)>`,
            messages: { required: `Required ${XSS.img}` },
          },
          { name: 'email', type: 'email', required: true, label: { en: label('Email') } },
          {
            name: 'plan',
            type: 'select',
            label: label('Plan'),
            options: [
              { value: 'a', label: `Option ${XSS.img}` },
              { value: 'b', label: XSS.entity },
            ],
          },
        ],
        submitLabel: `Send ${XSS.svg}`,
        successMessage: `Thanks ${XSS.img}`,
        minFillMs: 0,
        allowedOrigins: ['self', hostOrigin],
        destination: 'inbox',
      },
    },
    destinations: { inbox: { type: 'sandbox' } },
    limits: { perIp: { requests: 1000, perSeconds: 60 } },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  relay = spawn(process.execPath, ['--import', 'tsx', 'src/runtime/node/index.ts'], {
    env: { ...process.env, PORT: '0', LEADFORM_CONFIG: join(dir, 'config.json'), LEADFORM_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  relayUrl = await new Promise<string>((done, fail) => {
    let err = '';
    relay.stderr!.on('data', (chunk: Buffer) => {
      err += chunk;
      const match = /demo at http:\/\/localhost:(\d+)\//.exec(err);
      if (match) done(`http://127.0.0.1:${match[1]}`);
    });
    relay.once('exit', (code) => fail(new Error(`the relay exited with ${code}: ${err}`)));
  });
});

test.afterAll(async () => {
  relay?.kill('SIGTERM');
  for (const server of pages) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a payload left in the page: runs, dialogs, and elements it smuggled in. */
async function expectInert(page: import('@playwright/test').Page, dialogs: string[]) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
  const smuggled = await page.evaluate(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const element of document.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
    return roots.flatMap((root) => [...root.querySelectorAll('[onerror], [onload], img[src="x"], main script, form script, b')].map((e) => e.outerHTML));
  });
  expect(smuggled).toEqual([]);
}

test('labels, hints, options and messages from the configuration render as text, never as HTML', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${relayUrl}/`);
  const form = page.locator('[data-leadform="contact"]');
  // The markup shows up as the literal characters a person would read.
  await expect(form.getByText(label('Name'), { exact: false })).toBeVisible();
  // The hint is not asserted visible (the form may not show hints); were it HTML, expectInert would catch it.
  await expect(form.getByRole('heading', { name: `Contact ${XSS.script}` })).toBeVisible();
  await expect(form.getByRole('button', { name: `Send ${XSS.svg}` })).toBeVisible();
  await expect(form.getByRole('combobox')).toContainText(`Option ${XSS.img}`);
  await expect(form.getByRole('combobox')).toContainText(XSS.entity);

  // Messages too: the required message appears as text after an empty submit.
  await form.getByRole('button', { name: `Send ${XSS.svg}` }).click();
  await expect(form.getByText(`Required ${XSS.img}`).first()).toBeVisible();
  await expectInert(page, dialogs);

  await form.getByLabel(label('Name'), { exact: false }).fill('Ada');
  await form.getByLabel(label('Email'), { exact: false }).fill('ada.xss@example.com');
  await form.getByRole('button', { name: `Send ${XSS.svg}` }).click();
  await expect(form.getByText(`Thanks ${XSS.img}`)).toBeVisible();
  await expectInert(page, dialogs);
});

/** The embed page (the iframe mode); each test asserts it is served. */
const embedPage = (): Promise<Response> => fetch(`${relayUrl}/v1/forms/contact/embed`);

test('the embed page sends a strict Content-Security-Policy that names the allowed framers', async () => {
  const response = await embedPage();
  expect(response.status).toBe(200);
  const csp = response.headers.get('Content-Security-Policy') ?? '';
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
  expect(directives.get('default-src')).toBeDefined();
  for (const name of ['script-src', 'style-src', 'default-src']) {
    const values = directives.get(name) ?? [];
    expect(values, name).not.toContain("'unsafe-inline'");
    expect(values, name).not.toContain("'unsafe-eval'");
    expect(values, name).not.toContain('*');
  }
  expect(directives.get('frame-ancestors')).toContain(hostOrigin);
  expect(directives.get('frame-ancestors')).not.toContain(strangerOrigin);
  expect(directives.get('frame-ancestors')).not.toContain('*');
  // The page itself carries the form's title as text, not markup.
  expect(await response.text()).not.toContain(XSS.script);
});

test('the embed page renders its hostile configuration as text', async ({ page }) => {
  await embedPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${relayUrl}/v1/forms/contact/embed`);
  await expect(page.getByText(label('Name'), { exact: false })).toBeVisible();
  await expectInert(page, dialogs);
});

test('a page outside allowedOrigins cannot frame the form', async ({ page }) => {
  await embedPage();
  strangerHtml.body = `<!doctype html><iframe id="f" src="${relayUrl}/v1/forms/contact/embed" style="height:600px;width:500px"></iframe>`;
  const blocked = page.waitForEvent('console', { predicate: (m) => /frame-ancestors|refused to frame/i.test(m.text()), timeout: 10_000 }).catch(() => null);
  await page.goto(strangerOrigin);
  await blocked;
  const frame = page.frameLocator('#f');
  await expect(frame.getByText(label('Name'), { exact: false })).toHaveCount(0);
});

test('the framed form takes attribution from its parent page only, never from another frame', async ({ page }) => {
  await embedPage();
  // The allowed host page frames the form and, beside it, a stranger's frame that keeps sending
  // forged leadform messages to the form's frame. The parent sends its own once the form is up.
  strangerHtml.body = `<!doctype html><script>
    setInterval(() => { try { parent.frames[0].postMessage({ leadform: 1, attribution: { first: { utm_source: 'forged-by-stranger' }, last: { utm_source: 'forged-by-stranger' } } }, '*'); } catch {} }, 50);
  </script>`;
  hostHtml.body = `<!doctype html>
    <iframe id="form" src="${relayUrl}/v1/forms/contact/embed" style="height:700px;width:500px"></iframe>
    <iframe id="stranger" src="${strangerOrigin}/" style="height:10px;width:10px"></iframe>
    <script>
      window.addEventListener('message', (event) => {
        if (event.origin === '${relayUrl}' && event.data && event.data.ready) {
          event.source.postMessage({ leadform: 1, attribution: { first: { utm_source: 'from-parent' }, last: { utm_source: 'from-parent' } } }, '${relayUrl}');
        }
      });
    </script>`;
  await page.goto(hostOrigin);
  const form = page.frameLocator('#form');
  const email = `framed.${Date.now()}@example.com`;
  await form.getByLabel(label('Name'), { exact: false }).fill('Framed Visitor');
  await form.getByLabel(label('Email'), { exact: false }).fill(email);
  await page.waitForTimeout(500);
  await form.getByRole('button', { name: `Send ${XSS.svg}` }).click();
  await expect(form.getByText(`Thanks ${XSS.img}`)).toBeVisible();
  let stored: unknown;
  await expect
    .poll(async () => {
      const items = (await (await fetch(`${relayUrl}/sandbox/inbox.json`)).json()) as { lead: { fields: { email?: string } } }[];
      stored = items.find((item) => item.lead.fields.email === email)?.lead;
      return stored !== undefined;
    })
    .toBe(true);
  const text = JSON.stringify(stored);
  expect(text).not.toContain('forged-by-stranger');
  // The parent's message was taken: the check above is the origin check, not a deaf frame.
  expect(text).toContain('from-parent');
});
