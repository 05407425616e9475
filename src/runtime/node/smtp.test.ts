/**
 * Alerts through the Node relay as `npm start` runs it: a lead posted over HTTP is stored, then
 * mailed over real SMTP by the sender this runtime injects; a refused recipient and an auto-reply
 * without consent become dead letters whose reason the admin API shows; the SMTP password
 * appears in no log line and no stored record.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SmtpFake, SMTP_PASSWORD, startSmtpFake } from '../../destinations/fakes/smtp.ts';
import { type NodeRelay, startNodeRelay } from './server.ts';
import { addressOf, parseSmtpUrl } from './smtp.ts';

const TOKEN = 'node-alerts-admin-token-0123456789abcdef';
let fake: SmtpFake;
let relay: NodeRelay;
let dataDir: string;
const logged: string[] = [];

beforeAll(async () => {
  fake = await startSmtpFake();
  dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-alerts-'));
  const fields = [
    { name: 'name', type: 'text', required: true },
    { name: 'email', type: 'email', required: true },
    { name: 'news', type: 'consent', label: { en: 'Send me the reply' } },
  ];
  const started = await startNodeRelay({
    config: {
      forms: {
        contact: { fields, minFillMs: 0, destination: 'team' },
        lost: { fields, minFillMs: 0, destination: 'nobody' },
        reply: { fields, minFillMs: 0, destination: 'visitor' },
      },
      destinations: {
        team: { type: 'email', ...fake.options },
        nobody: { type: 'email', ...fake.options, to: ['refused.old-desk@example.com'] },
        visitor: { type: 'email', ...fake.options, to: ['{{fields.email}}'] },
      },
    },
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    env: { ...fake.env, LEADFORM_ADMIN_TOKEN: TOKEN },
    log: (event, fieldsLogged) => logged.push(JSON.stringify({ event, ...fieldsLogged })),
    pollMs: 100,
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  relay = started.value;
});
afterAll(async () => {
  await relay?.close();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function submit(form: string, fields: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${relay.url}/v1/forms/${form}/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fields, attribution: { last: { utm_source: 'linkedin', utm_medium: 'social', utm_campaign: 'q4-launch' } } }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function settled(id: string): Promise<{ state: string; lastError: string | null; attempts: number }> {
  for (let i = 0; i < 200; i++) {
    for (const state of ['delivered', 'dead']) {
      const list = (await (await fetch(`${relay.url}/v1/admin/submissions?state=${state}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as {
        id: string;
        lastError: string | null;
        attempts: number;
      }[];
      const found = list.find((entry) => entry.id === id);
      if (found) return { state, lastError: found.lastError, attempts: found.attempts };
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`submission ${id} never settled`);
}

it('mails the team a lead posted to the relay, linking to it at the address the relay listens on', async () => {
  const id = await submit('contact', { name: 'Katherine Johnson', email: 'katherine@example.com' });
  expect(await settled(id)).toMatchObject({ state: 'delivered' });
  const [mail] = fake.messagesWith('katherine@example.com');
  expect(mail!.parsed.subject).toBe('New lead: Katherine Johnson (contact)');
  expect(String(mail!.parsed.text)).toContain('linkedin / social / q4-launch');
  expect(String(mail!.parsed.text)).toContain(`${relay.url}/admin#submission=${id}`);
});

it('dead-letters a lead whose recipient the SMTP server refuses, with its reply, after one attempt', async () => {
  const id = await submit('lost', { name: 'Dorothy Vaughan', email: 'dorothy@example.com' });
  const entry = await settled(id);
  expect(entry).toMatchObject({ state: 'dead', attempts: 1 });
  expect(entry.lastError).toContain('550 5.1.1 <refused.old-desk@example.com>: Recipient address rejected');
});

it('sends the auto-reply only to a visitor who consented, and says why it did not for one who did not', async () => {
  const yes = await submit('reply', { name: 'Mary Jackson', email: 'mary@example.com', news: true });
  const no = await submit('reply', { name: 'Annie Easley', email: 'annie@example.com', news: false });
  expect(await settled(yes)).toMatchObject({ state: 'delivered' });
  expect(fake.received.filter((mail) => mail.to.includes('mary@example.com'))).toHaveLength(1);
  expect(await settled(no)).toEqual({
    state: 'dead',
    attempts: 1,
    lastError: 'email: not sent, by the consent rule: the visitor did not give consent ("news" not ticked); an auto-reply goes only to a visitor who agreed',
  });
  expect(fake.received.filter((mail) => mail.to.includes('annie@example.com'))).toHaveLength(0);
});

it('keeps the SMTP password out of every log line and the stored outbox', () => {
  expect(logged.some((line) => line.includes('delivery.attempt'))).toBe(true);
  for (const line of logged) expect(line).not.toContain(SMTP_PASSWORD);
  for (const file of readdirSync(dataDir)) expect(readFileSync(join(dataDir, file)).includes(SMTP_PASSWORD)).toBe(false);
});

it('reads an SMTP URL as nodemailer would: TLS by scheme, default ports, an encoded login', () => {
  expect(parseSmtpUrl('smtps://a%40b.example:p%2Fw@mail.example.com')).toEqual({
    ok: true,
    value: { host: 'mail.example.com', port: 465, secure: true, user: 'a@b.example', pass: 'p/w', requireTLS: false, rejectUnauthorized: true },
  });
  expect(parseSmtpUrl('smtp://mail.example.com?requireTLS=true')).toMatchObject({ ok: true, value: { port: 587, secure: false, requireTLS: true } });
  expect(parseSmtpUrl('mail.example.com')).toMatchObject({ ok: false });
  expect(addressOf('Team <team@example.com>')).toBe('team@example.com');
});
