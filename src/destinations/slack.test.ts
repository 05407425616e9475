import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacer } from '../relay/delivery.ts';
import { extremeLead, sampleLead, testContext, testDestination } from './contract.ts';
import { blocksProblem, expectSlackPostHolds, type SlackFake, type SlackPost, slackFake, startSlackFake } from './fakes/slack.ts';
import { SLACK_PACE, slack, slackMessage } from './slack.ts';
import type { Destination } from './types.ts';

testDestination({
  type: 'slack',
  adapter: slack,
  startFake: () => startSlackFake(),
  formEngine: slackFake.formEngine,
  expectStored(stored, lead) {
    expectSlackPostHolds(expect, stored, lead);
  },
  expectResent(copies, lead) {
    // A channel keeps both posts; the second says it is a resend of the same submission.
    const [, second] = copies as SlackPost[];
    expect(JSON.stringify(second!.blocks)).toContain(`Resent: an earlier attempt may have posted submission \`${lead.id}\``);
    expect(second!.text).toMatch(/^\(resent\) /);
  },
});

describe('slack', () => {
  let fake: SlackFake;
  let destination: Destination;
  beforeAll(async () => {
    fake = await startSlackFake();
    const built = slack(fake.options, { secret: (name) => fake.env[name], publicUrl: () => 'https://forms.example.com' });
    if (!built.ok) throw new Error(built.problems.join('\n'));
    destination = built.value;
  });
  afterAll(() => fake.close());

  it('posts Block Kit with who, how to reach them, what they wrote, where they came from and the admin link', async () => {
    const lead = sampleLead();
    expect(await destination.deliver(lead, testContext(fake.env))).toEqual({ kind: 'delivered' });
    const post = fake.posts.at(-1)!;
    const [header, fields, message, origin, actions] = post.blocks as Record<string, unknown>[];
    expect(header).toEqual({ type: 'header', text: { type: 'plain_text', text: 'New lead: Ada Lovelace', emoji: false } });
    expect(fields).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*name*\nAda Lovelace' },
        { type: 'mrkdwn', text: `*email*\n<mailto:${lead.fields.email}|${lead.fields.email}>` },
        { type: 'mrkdwn', text: '*company*\nAnalytical Engines Ltd' },
        { type: 'mrkdwn', text: `*phone*\n${lead.fields.phone}` },
      ],
    });
    expect(message).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '> Please call me about the pilot.' } });
    expect((origin as { elements: { text: string }[] }).elements.map((e) => e.text)).toEqual([
      '*Source / medium / campaign:* google / cpc / brand-search',
      '*Landing page:* https://www.example.com/pricing',
      '*Referrer:* https://www.google.com/',
      `form \`contact\` · \`${lead.id}\``,
    ]);
    expect(actions).toMatchObject({ type: 'actions', elements: [{ type: 'button', url: `https://forms.example.com/admin#submission=${lead.id}` }] });
    expect(post.text).toBe(`New lead from contact: Ada Lovelace &lt;${lead.fields.email}&gt;, Analytical Engines Ltd — google / cpc / brand-search`);
  });

  it('escapes what a visitor types, so it can neither ping the channel nor make a link', () => {
    const lead = sampleLead();
    lead.fields = { ...lead.fields, name: '<!channel> & <https://evil.example|click me>', message: 'line one\n> not a quote of ours\n<@U123>' };
    const { blocks, text } = slackMessage(lead, undefined, false);
    // The header is plain_text, which Slack never parses; every mrkdwn text is escaped.
    const json = JSON.stringify(blocks.slice(1));
    expect(json).not.toMatch(/<!channel>|<https:\/\/evil|<@U123>/);
    expect(json).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click me&gt;');
    expect((blocks[2] as { text: { text: string } }).text.text).toBe('> line one\n> &gt; not a quote of ours\n> &lt;@U123&gt;');
    expect(text).not.toContain('<!channel>');
    // Without the relay's public address there is no button.
    expect(blocks.some((block) => (block as { type: string }).type === 'actions')).toBe(false);
  });

  it('keeps within Block Kit limits for a lead with many long fields, which Slack takes', async () => {
    const base = extremeLead();
    const many = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`extra_${i}`, `${'ý'.repeat(4990)}😀${i}`]));
    const lead = { ...base, fields: { ...base.fields, ...many, name: 'N'.repeat(400) } };
    const message = slackMessage(lead, 'https://forms.example.com/admin#submission=x', true);
    expect(blocksProblem(message.blocks)).toBeUndefined();
    expect(await destination.deliver(lead, testContext(fake.env))).toEqual({ kind: 'delivered' });
  });

  it('waits out a 429 for the Retry-After Slack names', async () => {
    fake.throttle(3);
    const outcome = await destination.deliver(sampleLead(), testContext(fake.env));
    fake.throttle(undefined);
    expect(outcome).toEqual({ kind: 'retry', reason: 'slack: HTTP 429 rate_limited', afterMs: 3000 });
  });

  it('paces itself to one message per second, so a burst never meets a 429', async () => {
    const deliverThree = async (pace?: () => Promise<void>) => {
      // A channel that lets two through at once, then one per second.
      const strict = await startSlackFake({ burst: 2 });
      try {
        const paced = (slack(strict.options, { secret: (name) => strict.env[name] }) as { value: Destination }).value;
        expect(paced.pace).toEqual(SLACK_PACE);
        const pacer = createPacer(paced.pace!);
        const outcomes = [];
        for (let i = 0; i < 3; i++) outcomes.push(await paced.deliver(sampleLead(), testContext(strict.env, pace ? { pace: () => pacer.wait() } : {})));
        return { outcomes, times: strict.posts.map((post) => post.at) };
      } finally {
        await strict.close();
      }
    };
    // Without pacing, the third post of a burst is refused, naming the wait.
    const unpaced = await deliverThree();
    expect(unpaced.outcomes[2]).toMatchObject({ kind: 'retry', reason: 'slack: HTTP 429 rate_limited', afterMs: 1000 });
    const paced = await deliverThree(async () => {});
    expect(paced.outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(paced.times[2]! - paced.times[0]!).toBeGreaterThanOrEqual(1900);
  });

  it("fails for good on Slack's documented refusals, saying what to do, and retries its rollup_error", async () => {
    fake.inject({ kind: 'invalid' });
    expect(await destination.deliver(sampleLead(), testContext(fake.env))).toEqual({
      kind: 'failed',
      reason: 'slack: HTTP 400 invalid_payload: Slack could not read the message (a leadform bug: please report it)',
    });
    fake.archive(true);
    const archived = await destination.deliver(sampleLead(), testContext(fake.env));
    fake.archive(false);
    expect(archived).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^slack: HTTP 410 channel_is_archived: /) });
    const removed = { SLACK_WEBHOOK_URL: `${fake.url}/services/T0GONE/B0GONE/whatever` };
    expect(await destination.deliver(sampleLead(), testContext(removed))).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/^slack: HTTP 404 no_service: the webhook was removed or revoked/),
    });
    fake.inject({ kind: 'serverError' });
    expect(await destination.deliver(sampleLead(), testContext(fake.env))).toEqual({
      kind: 'retry',
      reason: 'slack: HTTP 500 rollup_error',
      afterMs: undefined,
      uncertain: true,
    });
  });

  it('the fake refuses what Slack refuses: unreadable JSON, no text, blocks over the limits', async () => {
    const post = (body: string, type = 'application/json') => fetch(fake.env.SLACK_WEBHOOK_URL!, { method: 'POST', headers: { 'Content-Type': type }, body });
    const said = async (body: string, type?: string) => {
      const response = await post(body, type);
      return `${response.status} ${await response.text()}`;
    };
    expect(await said('{"text": ')).toBe('400 invalid_payload');
    expect(await said('{}')).toBe('400 no_text');
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    expect(await said(JSON.stringify({ blocks: Array.from({ length: 51 }, () => section('x')) }))).toBe('400 invalid_payload');
    expect(await said(JSON.stringify({ blocks: [section('x'.repeat(3001))] }))).toBe('400 invalid_payload');
    expect(await said(JSON.stringify({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] }))).toBe('400 invalid_payload');
    expect(await said(`payload=${encodeURIComponent(JSON.stringify({ text: 'hello' }))}`, 'application/x-www-form-urlencoded')).toBe('200 ok');
  });
});
