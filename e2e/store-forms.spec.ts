/**
 * A store form in real Chromium: created and published through the admin forms API (no file, no
 * restart), its declarative snippet pasted into a host page on another origin, filled and sent; the
 * lead reaches the sandbox inbox carrying its form version, and a second publish is what the next
 * page load shows.
 */
import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OwnRelay, startOwnRelay } from './own-relay.ts';

const TOKEN = 'store-forms-e2e-admin-token-0123456789';
let relay: OwnRelay;
let host: Server;
let hostOrigin: string;
const hostHtml = { body: '' };

test.beforeAll(async () => {
  host = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(hostHtml.body);
  });
  await new Promise<void>((done) => host.listen(0, '127.0.0.1', done));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  relay = await startOwnRelay(
    { forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], destination: 'inbox' } }, destinations: { inbox: { type: 'sandbox' } } },
    { env: { LEADFORM_ADMIN_TOKEN: TOKEN } },
  );
});
test.afterAll(async () => {
  await relay?.close();
  await new Promise((done) => host?.close(done));
});

const quote = (title: string) => ({
  title,
  submitLabel: 'Ask for a quote',
  fields: [
    { name: 'name', type: 'text', label: 'Your name', required: true },
    { name: 'email', type: 'email', label: 'Work email', required: true },
  ],
  destination: 'inbox',
  allowedOrigins: [hostOrigin],
  minFillMs: 0,
});

test('a form published through the API renders from its snippet on another origin, and its lead carries its version', async ({ browser, page, request }) => {
  const admin = { Authorization: `Bearer ${TOKEN}` };
  expect((await request.put(`${relay.url}/v1/admin/forms/quote/draft`, { headers: admin, data: quote('Get a quote') })).status()).toBe(200);
  expect(await (await request.post(`${relay.url}/v1/admin/forms/quote/publish`, { headers: admin })).json()).toEqual({ version: 1 });
  const snippets = (await (await request.get(`${relay.url}/v1/admin/forms/quote/snippets`, { headers: admin })).json()) as { declarative: string };
  hostHtml.body = `<!doctype html><html lang="en"><head><title>Host</title></head><body><main>${snippets.declarative}</main></body></html>`;

  await page.goto(hostOrigin);
  const form = page.locator('[data-leadform="quote"]');
  await form.getByLabel('Your name').fill('Ada Store');
  await form.getByLabel('Work email').fill('ada@example.com');
  await form.getByRole('button', { name: 'Ask for a quote' }).click();
  await expect(
    form
      .getByRole('status')
      .or(form.getByText(/thank you/i))
      .first(),
  ).toBeVisible();
  await expect
    .poll(async () => {
      const inbox = (await (await request.get(`${relay.url}/sandbox/inbox.json`)).json()) as {
        lead: { formId: string; formVersion?: number; fields: Record<string, unknown> };
      }[];
      return inbox.find((item) => item.lead.fields.name === 'Ada Store')?.lead.formVersion;
    })
    .toBe(1);

  await request.put(`${relay.url}/v1/admin/forms/quote/draft`, { headers: admin, data: { ...quote('A new quote'), submitLabel: 'Send it' } });
  expect(await (await request.post(`${relay.url}/v1/admin/forms/quote/publish`, { headers: admin })).json()).toEqual({ version: 2 });
  // A visitor arriving now gets version 2 (a browser that loaded the page before may keep its
  // cached definition for the store forms' max-age of 10 s).
  const visitor = await browser.newContext();
  const fresh = await visitor.newPage();
  await fresh.goto(hostOrigin);
  await expect(fresh.locator('[data-leadform="quote"]').getByRole('button', { name: 'Send it' })).toBeVisible();
  await visitor.close();
});

test('a page opened before a publish keeps its version: its lead is checked against it and carries it, though the new version asks for more', async ({
  page,
  request,
}) => {
  const admin = { Authorization: `Bearer ${TOKEN}` };
  const first = { ...quote('Book a call'), fields: quote('').fields.slice(1) };
  expect((await request.put(`${relay.url}/v1/admin/forms/call/draft`, { headers: admin, data: first })).status()).toBe(200);
  expect(await (await request.post(`${relay.url}/v1/admin/forms/call/publish`, { headers: admin })).json()).toEqual({ version: 1 });
  const snippets = (await (await request.get(`${relay.url}/v1/admin/forms/call/snippets`, { headers: admin })).json()) as { declarative: string };
  hostHtml.body = `<!doctype html><html lang="en"><head><title>Host</title></head><body><main>${snippets.declarative}</main></body></html>`;
  await page.goto(hostOrigin);
  const form = page.locator('[data-leadform="call"]');
  await form.getByLabel('Work email').fill('grace@example.com');

  // Version 2 makes a new field required while the visitor is still on version 1.
  const second = { ...first, fields: [...first.fields, { name: 'phone', type: 'tel', label: 'Phone', required: true }] };
  expect((await request.put(`${relay.url}/v1/admin/forms/call/draft`, { headers: admin, data: second })).status()).toBe(200);
  expect(await (await request.post(`${relay.url}/v1/admin/forms/call/publish`, { headers: admin })).json()).toEqual({ version: 2 });

  await form.getByRole('button', { name: 'Ask for a quote' }).click();
  await expect(form.getByText(/thank you/i)).toBeVisible();
  await expect
    .poll(async () => {
      const inbox = (await (await request.get(`${relay.url}/sandbox/inbox.json`)).json()) as {
        lead: { formVersion?: number; fields: Record<string, unknown> };
      }[];
      return inbox.find((item) => item.lead.fields.email === 'grace@example.com')?.lead.formVersion;
    })
    .toBe(1);
});
