/**
 * Slack: each lead posted to a channel through an incoming webhook, as Block Kit (who, how to
 * reach them, what they wrote, where they came from, a button to the lead in the admin page)
 * with a plain `text` for notifications. Slack takes about one message per second per webhook,
 * so delivery paces itself to that, and waits out a 429 for the `Retry-After` it names.
 *
 * Slack's answers (api.slack.com/messaging/webhooks, "Handling errors"): 200 `ok`, or a status
 * with a plain-text reason: 400 `invalid_payload`, `no_text`, `too_many_attachments`,
 * `user_not_found`; 403 `invalid_token`, `action_prohibited`, `posting_to_general_channel_denied`;
 * 404 `channel_not_found`, `no_service`, `no_team`; 410 `channel_is_archived`, `team_disabled`;
 * 500 `rollup_error`. Everything but the 429 and the 5xx is for good.
 *
 * An incoming webhook cannot read the channel, so a retry after a lost answer may post the lead
 * twice: the second post says it is a resend and carries the same submission id.
 */
import * as z from 'zod/mini';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';
import { defineDestination } from './define.ts';
import { classify, send, truncate, type VendorAnswer } from './http.ts';
import { leadFieldText } from './mapping.ts';
import { adminLink, fieldText, templateData } from './template.ts';
import type { DeliveryOutcome } from './types.ts';

/** Slack's documented rate of incoming webhooks: one message per second, per webhook. */
export const SLACK_PACE = { calls: 1, perMs: 1000 };

/** Block Kit's documented limits, which the fake enforces too. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  url: 3000,
  /** The top-level `text`: Slack truncates longer messages. */
  text: 40_000,
};

/** How much of a visitor's message the alert shows. */
const EXCERPT = 600;

export const SlackOptions = z.strictObject({
  /**
   * The environment variable holding the incoming webhook's URL
   * (`https://hooks.slack.com/services/T…/B…/…`): the URL is the credential. Required.
   */
  webhookUrlEnv: envName('SLACK_WEBHOOK_URL'),
});
export type SlackOptions = z.infer<typeof SlackOptions>;

/** What Slack's plain-text answer means, and what to do about it, for the answers that are for good. */
const SLACK_FIXES: Record<string, string> = {
  invalid_payload: 'Slack could not read the message (a leadform bug: please report it)',
  no_text: 'the message had no text (a leadform bug: please report it)',
  too_many_attachments: 'the message had too many attachments',
  user_not_found: 'the webhook posts to a user that no longer exists; create a new incoming webhook',
  invalid_token: 'the webhook URL is no longer valid; create a new incoming webhook and set the variable to its URL',
  action_prohibited: "the workspace's admins restrict posting through this webhook here",
  posting_to_general_channel_denied: 'only admins may post to this channel; pick another channel for the webhook',
  channel_not_found: "the webhook's channel no longer exists; create a new incoming webhook",
  no_service: 'the webhook was removed or revoked; create a new incoming webhook and set the variable to its URL',
  no_team: "the webhook's workspace no longer exists",
  channel_is_archived: "the webhook's channel is archived; unarchive it or create a new incoming webhook",
  team_disabled: "the webhook's workspace is disabled",
};

/** Slack's mrkdwn escapes: only `&`, `<` and `>` have meaning (`<!channel>`, `<url|label>`). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text at most `max` characters long, counted as Slack counts (UTF-16 code units), never cutting a pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** How a post writes a box the visitor ticked, or left unticked. */
const TICKS = ['✓', '✗'] as const;
/** A value as text: a tick box as ✓/✗, a number written out, ticked options joined, a string as it is. */
const shown = (value: unknown): string => fieldText(value, TICKS);

/** Escapes, then fits: an escaped entity is never cut in half because the escape came first and the cut counts it. */
function mrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  return clip(escaped, max).replace(/&[a-z]{0,3}…$/, '…');
}

const TITLE: readonly string[] = ['name', 'email', 'company', 'phone'];

/** The Block Kit message for a lead; `resend` when an earlier attempt may have posted it already. */
export function slackMessage(lead: Lead, link: string | undefined, resend: boolean): { text: string; blocks: unknown[] } {
  const data = templateData(lead, link);
  const name = shown(lead.fields.name) || shown(lead.fields.email) || lead.id;
  const email = shown(lead.fields.email);
  const last = data.attribution.last;
  const fields = Object.entries(lead.fields).filter(([key, value]) => TITLE.includes(key) && shown(value) !== '');
  const others = Object.entries(lead.fields).filter(([key, value]) => !TITLE.includes(key) && key !== 'message' && shown(value) !== '');
  const section = (label: string, value: string) => ({
    type: 'mrkdwn',
    text: `*${escapeMrkdwn(label)}*\n${mrkdwn(value, SLACK_LIMITS.fieldText - label.length - 8)}`,
  });

  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: clip(`New lead: ${name}`, SLACK_LIMITS.headerText), emoji: false } }];
  if (resend) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `:repeat: Resent: an earlier attempt may have posted submission \`${escapeMrkdwn(lead.id)}\` already.` }],
    });
  }
  const contact = fields.map(([key]) =>
    key === 'email' && /^[^\s<>|@]+@[^\s<>|@]+$/.test(email)
      ? { type: 'mrkdwn', text: `*email*\n<mailto:${email}|${escapeMrkdwn(email)}>` }
      : section(key, leadFieldText(lead, key, TICKS)),
  );
  const extra = others.map(([key]) => section(key, leadFieldText(lead, key, TICKS)));
  // A section holds ten fields at most: the rest go to further sections.
  const allFields = [...contact, ...extra];
  for (let i = 0; i < allFields.length && blocks.length < SLACK_LIMITS.blocks - 4; i += SLACK_LIMITS.sectionFields) {
    blocks.push({ type: 'section', fields: allFields.slice(i, i + SLACK_LIMITS.sectionFields) });
  }
  const message = shown(lead.fields.message).trim();
  if (message) {
    const excerpt = message.length > EXCERPT ? `${clip(message, EXCERPT)}` : message;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: mrkdwn(`> ${excerpt.replace(/\n/g, '\n> ')}`, SLACK_LIMITS.sectionText).replace(/^&gt; /gm, '> ') },
    });
  }
  const campaign = [last.source, last.medium, last.campaign].map((part) => part || '—').join(' / ');
  const origin = [`*Source / medium / campaign:* ${mrkdwn(campaign, 600)}`];
  const landing = data.attribution.first.landing_page ?? last.landing_page;
  if (landing) origin.push(`*Landing page:* ${mrkdwn(landing, 600)}`);
  const referrer = last.referrer ?? data.attribution.first.referrer;
  if (referrer) origin.push(`*Referrer:* ${mrkdwn(referrer, 600)}`);
  origin.push(`form \`${escapeMrkdwn(lead.formId)}\` · \`${escapeMrkdwn(lead.id)}\``);
  blocks.push({ type: 'context', elements: origin.map((text) => ({ type: 'mrkdwn', text })) });
  if (link && link.length <= SLACK_LIMITS.url) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in leadform admin' }, url: link, action_id: 'leadform_open_admin' }],
    });
  }
  const text = clip(
    `${resend ? '(resent) ' : ''}New lead from ${lead.formId}: ${name}${email && email !== name ? ` <${email}>` : ''}${lead.fields.company ? `, ${shown(lead.fields.company)}` : ''} — ${campaign}`,
    SLACK_LIMITS.text,
  );
  return { text: escapeMrkdwn(text), blocks };
}

export function classifySlack(answer: VendorAnswer): DeliveryOutcome {
  if (answer.status === 200) return { kind: 'delivered' };
  const said = truncate((answer.text ?? '').trim().replace(/\s+/g, ' '), 100);
  const fix = SLACK_FIXES[said];
  if (fix && answer.status >= 400 && answer.status < 500 && answer.status !== 429)
    return { kind: 'failed', reason: `slack: HTTP ${answer.status} ${said}: ${fix}` };
  return classify(answer, 'slack', true, said || undefined);
}

export const slack = defineDestination({
  type: 'slack',
  options: SlackOptions,
  secrets: ['webhookUrlEnv'],
  pace: SLACK_PACE,
  prepare(options, deps) {
    return { ok: true, value: { options, publicUrl: deps.publicUrl } };
  },
  async deliver(lead, context, { publicUrl }) {
    const message = slackMessage(lead, adminLink(publicUrl, lead), context.uncertain);
    return classifySlack(await send(context, { method: 'POST', url: context.secrets.webhookUrl, json: message }));
  },
});
