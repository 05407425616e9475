/**
 * Email through Postmark's HTTP API, the way on Workers: the shared contract against a Postmark
 * fake, Postmark's own refusals, and the built Worker in real workerd delivering an alert to
 * Postmark and to Slack, with no SMTP client in its bundle and an SMTP configuration refused
 * when the Worker is built.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorker } from '../../scripts/build-worker.ts';
import { miniflareOptions } from '../runtime/workers/miniflare-options.ts';
import { sampleLead, testContext, testDestination } from './contract.ts';
import { email } from './email.ts';
import { type PostmarkFake, type PostmarkMessage, postmarkFake, postmarkMessageId, startPostmarkFake } from './fakes/postmark.ts';
import { startSlackFake } from './fakes/slack.ts';
import { expectAlertHolds } from './fakes/smtp.ts';
import type { Destination } from './types.ts';

testDestination({
  type: 'email',
  adapter: email,
  startFake: startPostmarkFake,
  formEngine: postmarkFake.formEngine,
  expectStored(stored, lead) {
    const message = stored as PostmarkMessage;
    expect(message.To).toBe('sales@example.com');
    expectAlertHolds(expect, { text: String(message.TextBody) }, lead);
    expect(postmarkMessageId(message)).toMatch(new RegExp(`^<${lead.id}\\.[0-9a-f]{8}@example\\.com>$`));
    expect(message.Metadata).toEqual({ lead: lead.id, leadform_message: postmarkMessageId(message) });
  },
});

describe('email through Postmark', () => {
  let fake: PostmarkFake;
  const build = (options: Record<string, unknown> = {}): Destination => {
    const built = email({ ...fake.options, ...options }, { secret: (name) => fake.env[name] });
    if (!built.ok) throw new Error(built.problems.join('\n'));
    return built.value;
  };
  afterAll(() => fake?.close());

  it('fails for good on an inactive recipient or a sender without signature, saying what to do', async () => {
    fake = await startPostmarkFake();
    const inactive = await build({ to: ['inactive.bounced@example.com'] }).deliver(sampleLead(), testContext(fake.env));
    expect(inactive).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/^email \(postmark\): HTTP 422 ErrorCode 406 .*; the recipient is inactive at Postmark/),
    });
    const unsigned = await build({ from: 'alerts@elsewhere.example' }).deliver(sampleLead(), testContext(fake.env));
    expect(unsigned).toMatchObject({ kind: 'failed', reason: expect.stringContaining("ErrorCode 400 The 'From' address you supplied") });
    expect(fake.sent).toHaveLength(0);
  });

  it('refuses a provider without its token variable, and SMTP beside a provider', () => {
    const problems = (options: Record<string, unknown>) => (email(options, {}) as { problems: string[] }).problems;
    expect(problems({ provider: 'postmark', from: 'a@example.com', to: ['b@example.com'] })).toEqual([
      'apiTokenEnv: missing; name the environment variable holding the postmark server token, e.g. "POSTMARK_SERVER_TOKEN"',
    ]);
    expect(problems({ provider: 'postmark', smtpUrlEnv: 'SMTP_URL', apiTokenEnv: 'T', from: 'a@example.com', to: ['b@example.com'] })[0]).toMatch(
      /^smtpUrlEnv: given together with provider/,
    );
  });
});

describe('email and slack on Workers, in workerd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-alerts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const form = (destination: string) => ({
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'email', type: 'email', required: true },
    ],
    minFillMs: 0,
    destination,
  });

  it('refuses an SMTP email destination when the Worker is built, naming the key and the fix', async () => {
    const configFile = join(dir, 'smtp.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        forms: { contact: form('mail') },
        destinations: { mail: { type: 'email', smtpUrlEnv: 'SMTP_URL', from: 'a@example.com', to: ['b@example.com'] } },
      }),
    );
    const built = await buildWorker({ configFile, outFile: join(dir, 'smtp.js') });
    expect(built).toEqual({
      ok: false,
      problems: [
        'destinations.mail.smtpUrlEnv: this runtime (Cloudflare Workers) opens no SMTP connections; send through an HTTP provider instead: "provider": "postmark" with "apiTokenEnv": "POSTMARK_SERVER_TOKEN"',
      ],
    });
  });

  it('delivers a lead to Postmark and to Slack from the Durable Objects, with no SMTP client in the bundle', { timeout: 60_000 }, async () => {
    const postmark = await startPostmarkFake();
    const slackFake = await startSlackFake();
    const configFile = join(dir, 'alerts.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        forms: { contact: form('mail'), ping: form('chat') },
        destinations: { mail: { type: 'email', ...postmark.options }, chat: { type: 'slack', ...slackFake.options } },
        publicUrl: 'https://forms.example.com',
      }),
    );
    const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
    if (!built.ok) throw new Error(built.problems.join('\n'));
    const bundle = readFileSync(built.value, 'utf8');
    expect(bundle).not.toMatch(/nodemailer|SMTPConnection|smtp-connection/);
    expect(bundle).toContain('X-Postmark-Server-Token');
    const mf = new Miniflare({
      ...miniflareOptions(built.value, { ...postmark.env, ...slackFake.env }),
      handleRuntimeStdio: (out: NodeJS.ReadableStream, err: NodeJS.ReadableStream) => {
        out.resume();
        err.resume();
      },
    });
    try {
      await mf.ready;
      const submit = async (formId: string, address: string) => {
        const response = (await mf.dispatchFetch(`http://relay.test/v1/forms/${formId}/submissions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '198.51.100.7' },
          body: JSON.stringify({ fields: { name: 'Grace Hopper', email: address } }),
        } as never)) as unknown as Response;
        expect(response.status).toBe(202);
        return ((await response.json()) as { id: string }).id;
      };
      const mailId = await submit('contact', 'grace.mail@example.com');
      const chatId = await submit('ping', 'grace.chat@example.com');
      for (let i = 0; i < 100 && (postmark.sent.length === 0 || slackFake.posts.length === 0); i++) await new Promise((done) => setTimeout(done, 100));
      expect(postmark.leadsWithEmail('grace.mail@example.com')).toHaveLength(1);
      expect(String(postmark.sent[0]!.TextBody)).toContain(`https://forms.example.com/admin#submission=${mailId}`);
      expect(slackFake.leadsWithEmail('grace.chat@example.com')).toHaveLength(1);
      expect(JSON.stringify(slackFake.posts[0]!.blocks)).toContain(`https://forms.example.com/admin#submission=${chatId}`);
    } finally {
      await mf.dispose();
      await Promise.all([postmark.close(), slackFake.close()]);
    }
  });
});
