import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubSecrets } from '../relay/delivery.ts';
import type { Lead } from '../schema/lead.ts';
import { sendMailOverSmtp } from '../runtime/node/smtp.ts';
import { sampleLead, testContext, testDestination } from './contract.ts';
import type { RoutedForm } from './define.ts';
import { email } from './email.ts';
import { expectFormEngineReadable } from './fakes/profile.ts';
import { expectAlertHolds, type ReceivedMail, type SmtpFake, startSmtpFake } from './fakes/smtp.ts';
import type { Destination } from './types.ts';

const deps = { sendMail: sendMailOverSmtp };

testDestination({
  type: 'email',
  adapter: email,
  startFake: () => startSmtpFake(),
  deps,
  formEngine: {
    mapping: {},
    expectArrived(expect, stored) {
      expectFormEngineReadable(expect, String((stored as ReceivedMail).parsed.text));
    },
  },
  expectStored(stored, lead) {
    const mail = stored as ReceivedMail;
    expect(mail.to).toEqual(['sales@example.com']);
    expectAlertHolds(expect, { text: String(mail.parsed.text) }, lead);
    expect(String(mail.parsed.text)).toContain(String(lead.attribution?.last?.utm_source));
    expect(mail.parsed.headers.get('x-leadform-lead')).toBe(lead.id);
  },
  expectResent(copies) {
    // A mail server keeps both; the same Message-ID makes the second recognisably a resend.
    const [first, second] = copies as ReceivedMail[];
    expect(second!.parsed.messageId).toBe(first!.parsed.messageId);
  },
});

const CONTACT: RoutedForm = {
  destination: 'mail',
  fields: [
    { name: 'name', type: 'text', label: { en: 'Name', de: 'Name' } },
    { name: 'email', type: 'email', label: 'Email' },
    { name: 'company', type: 'text' },
    { name: 'message', type: 'textarea' },
    { name: 'phone', type: 'tel' },
  ],
};
const WITH_CONSENT: RoutedForm = { ...CONTACT, fields: [...CONTACT.fields, { name: 'agree', type: 'consent' }] };

describe('email over a real SMTP server', () => {
  let fake: SmtpFake;
  beforeAll(async () => {
    fake = await startSmtpFake();
  });
  afterAll(() => fake.close());

  function build(options: Record<string, unknown>, forms: Record<string, RoutedForm> = { contact: CONTACT }, publicUrl?: string): Destination {
    const built = email({ ...fake.options, ...options }, { ...deps, secret: (name) => fake.env[name], forms, publicUrl: () => publicUrl });
    if (!built.ok) throw new Error(built.problems.join('\n'));
    return built.value;
  }
  const deliver = (destination: Destination, lead: Lead) => destination.deliver(lead, testContext(fake.env));
  const lastMail = () => fake.received.at(-1)!;

  it('sends a team alert with its headers, both parts, the attribution and the admin link', async () => {
    const lead = sampleLead();
    const outcome = await deliver(build({}, { contact: CONTACT }, 'https://forms.example.com/'), lead);
    expect(outcome).toMatchObject({ kind: 'delivered' });
    const { parsed, to } = lastMail();
    expect(to).toEqual(['sales@example.com']);
    expect(parsed.from?.value).toEqual([{ address: 'alerts@example.com', name: 'Leadform Alerts' }]);
    expect(parsed.subject).toBe(`New lead: Ada Lovelace (contact)`);
    expect(parsed.replyTo?.value[0]?.address).toBe(lead.fields.email);
    expect(parsed.messageId).toMatch(new RegExp(`^<${lead.id}\\.[0-9a-f]{8}@example\\.com>$`));
    expect((outcome as { remoteId: string }).remoteId).toBe(parsed.messageId);
    expect(parsed.headers.get('x-leadform-form')).toBe('contact');
    const link = `https://forms.example.com/admin#submission=${lead.id}`;
    for (const part of [String(parsed.text), String(parsed.html)]) {
      expect(part).toContain('Analytical Engines Ltd');
      expect(part).toContain('google / cpc / brand-search');
      expect(part).toContain('https://www.example.com/pricing');
      expect(part).toContain('https://www.google.com/');
      expect(part).toContain(link);
    }
    expect(String(parsed.html)).toContain(`<a href="${link}">`);
  });

  it('escapes hostile values in the HTML part, keeps them as typed in the text part, and never lets one add a header', async () => {
    const base = sampleLead();
    const lead = {
      ...base,
      fields: {
        ...base.fields,
        name: 'Eve\r\nBcc: victim@example.net\r\nX-Evil: 1',
        company: '<script>alert(1)</script>',
        message: '{{fields.email}} <img src=x onerror=alert(2)> & "quotes"',
      },
    };
    expect(await deliver(build({}), lead)).toMatchObject({ kind: 'delivered' });
    const { parsed, to } = lastMail();
    expect(to).toEqual(['sales@example.com']);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('x-evil')).toBe(false);
    expect(parsed.subject).toBe('New lead: Eve Bcc: victim@example.net X-Evil: 1 (contact)');
    const html = String(parsed.html);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('{{fields.email}} &lt;img src=x onerror=alert(2)&gt; &amp; &quot;quotes&quot;');
    expect(String(parsed.text)).toContain('{{fields.email}} <img src=x onerror=alert(2)> & "quotes"');
  });

  it('renders a custom template per locale, falling back to English, escaping its values in HTML', async () => {
    const destination = build({
      subject: { en: 'Lead {{fields.name}}', de: 'Lead für {{fields.company}}' },
      text: { en: 'Hi {{fields.name}}{{#if attribution.last.source}} via {{attribution.last.source}}{{/if}}', de: 'Neu: {{fields.name}}' },
      html: { en: '<p>Hi <b>{{fields.name}}</b></p>', de: '<p>Neu: {{fields.name}}</p>' },
    });
    const german = { ...sampleLead({ locale: 'de-AT' }) };
    german.fields = { ...german.fields, name: 'Zoë <i>' };
    await deliver(destination, german);
    expect(lastMail().parsed.subject).toBe('Lead für Analytical Engines Ltd');
    expect(String(lastMail().parsed.text).trim()).toBe('Neu: Zoë <i>');
    expect(String(lastMail().parsed.html)).toContain('<p>Neu: Zoë &lt;i&gt;</p>');
    await deliver(destination, sampleLead({ locale: 'ja' }));
    expect(String(lastMail().parsed.text).trim()).toBe('Hi Ada Lovelace via google');
    expect(String(lastMail().parsed.html)).toContain('<p>Hi <b>Ada Lovelace</b></p>');
  });

  it('refuses at start-up a template value no lead of the form has, naming the key and what there is', () => {
    const problems = (options: Record<string, unknown>) =>
      (email({ ...fake.options, ...options }, { ...deps, forms: { contact: CONTACT } }) as { problems?: string[] }).problems;
    expect(problems({ subject: { en: 'Lead {{fields.compnay}}' } })).toEqual([
      'subject.en: for form "contact", {{fields.compnay}} is not a field of the form; use one of fields.name, fields.email, fields.company, fields.message, fields.phone',
    ]);
    expect(problems({ text: '{{#if attribution.last.sauce}}x{{/if}}' })?.[0]).toMatch(
      /^text: for form "contact", \{\{attribution\.last\.sauce\}\} is not a value a lead has; use fields\.NAME/,
    );
    expect(problems({ text: '{{lead.id}} {{attribution.first.utm_term}} {{attribution.touches}} {{adminUrl}}' })).toBeUndefined();
  });

  it('gives a resent lead the same Message-ID, and another destination another one', async () => {
    const lead = sampleLead();
    await deliver(build({}), lead);
    const first = lastMail().parsed.messageId;
    await deliver(build({}), lead);
    expect(lastMail().parsed.messageId).toBe(first);
    await deliver(build({ to: ['support@example.com'] }), lead);
    expect(lastMail().parsed.messageId).not.toBe(first);
  });

  describe('an auto-reply', () => {
    const autoReply = { to: ['{{fields.email}}'] };

    it('goes to a visitor who ticked the consent field, marked as automatic', async () => {
      const lead = sampleLead({ fields: { ...sampleLead().fields, agree: true } });
      expect(await deliver(build(autoReply, { contact: WITH_CONSENT }), lead)).toMatchObject({ kind: 'delivered' });
      const { parsed, to } = lastMail();
      expect(to).toEqual([lead.fields.email]);
      expect(parsed.subject).toBe('Thank you for your message');
      expect(String(parsed.text)).toContain('Hello Ada Lovelace,');
      expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    });

    it('is not sent, for good and saying why, to a visitor who did not consent', async () => {
      const before = fake.received.length;
      const connections = fake.requests.length;
      const lead = sampleLead({ fields: { ...sampleLead().fields, agree: false } });
      const outcome = await deliver(build(autoReply, { contact: WITH_CONSENT }), lead);
      expect(outcome).toEqual({
        kind: 'failed',
        reason: 'email: not sent, by the consent rule: the visitor did not give consent ("agree" not ticked); an auto-reply goes only to a visitor who agreed',
      });
      expect(fake.received.length).toBe(before);
      expect(fake.requests.length).toBe(connections);
    });

    it('goes to the visitor of a form that asks no consent only when sendWithoutConsent says so', async () => {
      const lead = sampleLead();
      expect(await deliver(build({ ...autoReply, sendWithoutConsent: true }), lead)).toMatchObject({ kind: 'delivered' });
      expect(lastMail().to).toEqual([lead.fields.email]);
      const refused = email({ ...fake.options, ...autoReply }, { ...deps, forms: { contact: CONTACT } });
      expect(refused.ok).toBe(false);
      expect((refused as { problems: string[] }).problems).toEqual([
        'sendWithoutConsent: form "contact" asks no consent, so this auto-reply would never be sent; add a consent field to the form, or set "sendWithoutConsent": true if you may write to its visitors without it',
      ]);
    });

    it('is refused at start-up for a form without the email field it replies to', () => {
      const noEmail: RoutedForm = {
        destination: 'mail',
        fields: [
          { name: 'name', type: 'text' },
          { name: 'email', type: 'text' },
        ],
      };
      const built = email({ ...fake.options, ...autoReply, sendWithoutConsent: true }, { ...deps, forms: { callback: noEmail } });
      expect((built as { problems: string[] }).problems).toEqual([
        'to.0: form "callback" has no email field "email" to reply to (it is a text field); add a field {"name": "email", "type": "email"} to the form',
      ]);
    });

    it('for a form it did not know at start-up, is sent only by the named consent field', async () => {
      const lead = sampleLead({ formId: 'later', fields: { ...sampleLead().fields, ok: true } });
      const unknown = await deliver(build({ ...autoReply, sendWithoutConsent: true }), lead);
      expect(unknown).toMatchObject({ kind: 'failed', reason: expect.stringContaining('form "later" was not known when the relay started') });
      expect(await deliver(build({ ...autoReply, consentField: 'ok' }, {}), lead)).toMatchObject({ kind: 'delivered' });
    });
  });

  it('reads a form made in the builder after start-up as it is served now: its labels in the alert, its consent field for an auto-reply', async () => {
    const builderForm: RoutedForm = {
      destination: 'mail',
      fields: [
        { name: 'name', type: 'text', label: 'Full name' },
        { name: 'email', type: 'email' },
        { name: 'company', type: 'text', label: 'Organisation' },
        { name: 'agree', type: 'consent' },
      ],
    };
    const live = (options: Record<string, unknown>) => {
      const built = email(
        { ...fake.options, ...options },
        { ...deps, secret: (name) => fake.env[name], forms: {}, formOf: (id) => (id === 'spring' ? builderForm : undefined) },
      );
      if (!built.ok) throw new Error(built.problems.join('\n'));
      return built.value;
    };
    const lead = sampleLead({ formId: 'spring', fields: { ...sampleLead().fields, agree: true } });
    expect(await deliver(live({}), lead)).toMatchObject({ kind: 'delivered' });
    expect(String(lastMail().parsed.text)).toMatch(/Organisation: Analytical Engines Ltd/);
    expect(await deliver(live({ to: ['{{fields.email}}'] }), lead)).toMatchObject({ kind: 'delivered' });
    expect(lastMail().to).toEqual([lead.fields.email]);
    const refused = await deliver(live({ to: ['{{fields.email}}'] }), { ...lead, fields: { ...lead.fields, agree: false } });
    expect(refused).toMatchObject({ kind: 'failed', reason: expect.stringContaining('"agree" not ticked') });
  });

  it('turns a refused recipient into a permanent failure carrying the SMTP reply', async () => {
    const outcome = await deliver(build({ to: ['refused.nobody@example.com'] }), sampleLead());
    expect(outcome.kind).toBe('failed');
    expect((outcome as { reason: string }).reason).toBe(
      'email: the SMTP server refused refused.nobody@example.com: 550 5.1.1 <refused.nobody@example.com>: Recipient address rejected: User unknown in local recipient table',
    );
  });

  it('fails for good when one of several recipients is refused, naming who got it', async () => {
    const lead = sampleLead();
    const outcome = await deliver(build({ to: ['sales@example.com', 'refused.old@example.com'] }), lead);
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: expect.stringContaining('took it for sales@example.com but refused refused.old@example.com: 550 5.1.1'),
    });
    expect(lastMail().to).toEqual(['sales@example.com']);
  });

  it('retries a temporary refusal (4xx), certain that nothing was taken', async () => {
    const busy = await deliver(build({ to: ['busy.desk@example.com'] }), sampleLead());
    expect(busy).toMatchObject({ kind: 'retry', reason: expect.stringContaining('450 4.2.1') });
    expect((busy as { uncertain?: boolean }).uncertain).toBeFalsy();
    fake.inject({ kind: 'serverError' });
    const lead = sampleLead();
    const failed = await deliver(build({}), lead);
    expect(failed).toEqual({
      kind: 'retry',
      reason: 'email: the SMTP server refused the message for now: 451 4.3.0 Local error in processing, please try again later',
    });
    expect(fake.messagesWith(String(lead.fields.email))).toHaveLength(0);
  });

  it('retries when the server cannot be reached, and an answer lost after the data as uncertain', async () => {
    const closed = await startSmtpFake();
    const env: Record<string, string> = { SMTP_URL: closed.env.SMTP_URL! };
    await closed.close();
    const built = email(closed.options, { ...deps, secret: (name) => env[name] });
    const outcome = await (built as { value: Destination }).value.deliver(sampleLead(), testContext(env));
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^email: connection failed \(.*ECONNREFUSED/) });
    expect((outcome as { uncertain?: boolean }).uncertain).toBe(false);
    fake.inject({ kind: 'commitThenHang' });
    const hung = await build({}).deliver(sampleLead(), testContext(fake.env, { timeoutMs: 300 }));
    expect(hung).toEqual({ kind: 'retry', reason: 'email: no answer before the delivery timeout', uncertain: true });
  });

  it('fails for good on a refused login, never repeating the password', async () => {
    const built = email(fake.options, { ...deps, secret: (name) => fake.badEnv[name] });
    const outcome = await (built as { value: Destination }).value.deliver(sampleLead(), testContext(fake.badEnv));
    expect(outcome).toEqual({
      kind: 'failed',
      reason: 'email: the SMTP server refused the login: 535 5.7.8 Authentication credentials invalid; check the user and password in the SMTP URL',
    });
  });

  it('refuses a bad address, or an SMTP URL that is not one, without repeating it', async () => {
    const problems = (options: Record<string, unknown>) => (email({ ...fake.options, ...options }, deps) as { problems?: string[] }).problems;
    expect(problems({ from: 'alerts' })).toEqual(['from: "alerts" is not an email address; write "team@example.com" or "Example Team <team@example.com>"']);
    expect(problems({ to: ['ok@example.com', 'two@'] })).toEqual([
      'to.1: "two@" is not an email address; write "team@example.com" or "Example Team <team@example.com>"',
    ]);
    const env: Record<string, string> = { SMTP_URL: 'https://user:hunter2-secret@mail.example.com' };
    const built = email(fake.options, { ...deps, secret: (name) => env[name] }) as { value: Destination };
    const outcome = await built.value.deliver(sampleLead(), testContext(env));
    expect(outcome).toMatchObject({ kind: 'failed', reason: expect.stringContaining('is a https: URL, not smtp:// or smtps://') });
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
  });

  it('on Workers (no SMTP sender), refuses smtpUrlEnv at start-up, naming the key and the provider to use', () => {
    const built = email(fake.options, {});
    expect((built as { problems: string[] }).problems).toEqual([
      'smtpUrlEnv: this runtime (Cloudflare Workers) opens no SMTP connections; send through an HTTP provider instead: "provider": "postmark" with "apiTokenEnv": "POSTMARK_SERVER_TOKEN"',
    ]);
  });
});

describe('email over TLS', () => {
  for (const tls of ['starttls', 'implicit'] as const) {
    it(`sends over ${tls === 'implicit' ? 'smtps:// (implicit TLS)' : 'smtp:// upgraded with STARTTLS'}`, async () => {
      const fake = await startSmtpFake({ tls });
      try {
        const built = email(fake.options, { ...deps, secret: (name) => fake.env[name] }) as { value: Destination };
        const lead = sampleLead();
        expect(await built.value.deliver(lead, testContext(fake.env))).toMatchObject({ kind: 'delivered' });
        expect(fake.received.map((mail) => mail.secure)).toEqual([true]);
      } finally {
        await fake.close();
      }
    });
  }
});

it("scrubs an SMTP URL's password from what delivery records, even when it appears alone", () => {
  const url = 'smtps://alerts%40example.com:s3cr%2Ft-pass-9@smtp.example.com:465';
  const scrubbed = scrubSecrets(`login failed for alerts@example.com with s3cr/t-pass-9 (s3cr%2Ft-pass-9) at ${url}`, [['SMTP_URL', url]]);
  expect(scrubbed).not.toContain('s3cr');
  expect(scrubbed).toContain('[secret SMTP_URL]');
});
