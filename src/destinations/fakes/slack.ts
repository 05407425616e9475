/**
 * Slack's incoming webhooks as Slack documents them (api.slack.com/messaging/webhooks): a POST
 * of JSON (or a form with a `payload` field) to `/services/T…/B…/SECRET`, answered `200 ok` in
 * plain text, or a status with a plain-text reason: 400 `invalid_payload` for a body it cannot
 * read or blocks that break Block Kit's limits (50 blocks, 3000 characters of section text, 10
 * section fields of 2000, a 150-character header, 10 context elements, 75-character button
 * labels, 3000-character URLs), 400 `no_text` with neither text nor blocks, 403 `invalid_token`,
 * 404 `no_service` for a removed webhook, 410 `channel_is_archived`, 500 `rollup_error`. About one
 * message per second per webhook, with short bursts allowed (Slack says no more; this fake lets
 * `burst` through, then one per second), and 429 with `Retry-After` beyond that. A channel keeps
 * every post: a resend is a second message.
 */
import { type Expect, expectFormEngineReadable, type FakeProfile, type LeadValues } from './profile.ts';
import { type Fault, type FakeResponse, type FakeVendor, HANG, nextFault, startFakeServer } from './server.ts';

export const SLACK_TEAM = 'T0LEADFORM';
export const SLACK_HOOK = 'B0ALERTS01';
export const SLACK_SECRET = 'xA9sLkq2ZtV7wQe4RmN3bYc1';

export interface SlackPost {
  text?: string;
  blocks?: unknown[];
  /** When the post arrived, in milliseconds. */
  at: number;
}

export type SlackFake = FakeVendor & {
  posts: SlackPost[];
  /** Archives the channel (410 `channel_is_archived` from then on), or unarchives it. */
  archive(archived: boolean): void;
  /** Answers every later post 429 with this `Retry-After`, in seconds, until reset with undefined. */
  throttle(seconds: number | undefined): void;
};

export interface SlackFakeOptions {
  /** Posts let through at once before the one-per-second rate applies. @default 20 */
  burst?: number;
}

type TextObject = { type?: unknown; text?: unknown };

function textProblem(object: unknown, max: number, plainOnly = false): string | undefined {
  const text = object as TextObject | undefined;
  if (!text || typeof text !== 'object') return 'a text object is missing';
  if (text.type !== 'plain_text' && (plainOnly || text.type !== 'mrkdwn')) return `text type ${String(text.type)} is not allowed here`;
  if (typeof text.text !== 'string' || text.text.length === 0) return 'text must be a non-empty string';
  if (text.text.length > max) return `text is ${text.text.length} characters, more than ${max}`;
  return undefined;
}

/** Why Slack would refuse these blocks, or undefined. */
export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return `${blocks.length} blocks, more than 50`;
  const ids = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    const at = `blocks[${index}]`;
    if (!block || typeof block !== 'object') return `${at} is not an object`;
    const b = block as Record<string, unknown>;
    if (b.block_id !== undefined) {
      if (typeof b.block_id !== 'string' || b.block_id.length > 255 || ids.has(b.block_id)) return `${at}.block_id is invalid or repeated`;
      ids.add(b.block_id);
    }
    switch (b.type) {
      case 'header': {
        const problem = textProblem(b.text, 150, true);
        if (problem) return `${at}.text: ${problem}`;
        break;
      }
      case 'section': {
        if (b.text === undefined && b.fields === undefined) return `${at} needs text or fields`;
        if (b.text !== undefined) {
          const problem = textProblem(b.text, 3000);
          if (problem) return `${at}.text: ${problem}`;
        }
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) return `${at}.fields must hold 1 to 10 text objects`;
          for (const [i, f] of b.fields.entries()) {
            const problem = textProblem(f, 2000);
            if (problem) return `${at}.fields[${i}]: ${problem}`;
          }
        }
        break;
      }
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return `${at}.elements must hold 1 to 10 elements`;
        for (const [i, e] of b.elements.entries()) {
          const problem = textProblem(e, 3000);
          if (problem) return `${at}.elements[${i}]: ${problem}`;
        }
        break;
      }
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) return `${at}.elements must hold 1 to 25 elements`;
        for (const [i, e] of b.elements.entries()) {
          const element = e as Record<string, unknown>;
          if (element?.type !== 'button') return `${at}.elements[${i}]: only buttons are checked by this fake`;
          const problem = textProblem(element.text, 75, true);
          if (problem) return `${at}.elements[${i}].text: ${problem}`;
          if (element.url !== undefined && (typeof element.url !== 'string' || element.url.length > 3000 || !/^https?:\/\//.test(element.url))) {
            return `${at}.elements[${i}].url must be an http(s) URL of 3000 characters at most`;
          }
          if (element.action_id !== undefined && (typeof element.action_id !== 'string' || element.action_id.length > 255))
            return `${at}.elements[${i}].action_id is invalid`;
        }
        break;
      }
      case 'divider':
        break;
      default:
        return `${at}.type ${String(b.type)} is not a block type`;
    }
  }
  return undefined;
}

export async function startSlackFake(fakeOptions: SlackFakeOptions = {}): Promise<SlackFake> {
  const faults: Fault[] = [];
  const posts: SlackPost[] = [];
  const burst = fakeOptions.burst ?? 20;
  let tokens = burst;
  let refilledAt = Date.now();
  let archived = false;
  let throttled: number | undefined;
  const path = `/services/${SLACK_TEAM}/${SLACK_HOOK}`;
  const server = await startFakeServer((request): FakeResponse | typeof HANG => {
    const reply = (status: number, text: string, headers: Record<string, string> = {}): FakeResponse => ({ status, headers, text });
    if (request.method !== 'POST') return reply(405, 'invalid_method');
    if (!request.path.startsWith(`${path}/`)) return reply(404, 'no_service');
    if (request.path !== `${path}/${SLACK_SECRET}`) return reply(403, 'invalid_token');
    if (archived) return reply(410, 'channel_is_archived');
    const now = Date.now();
    tokens = Math.min(burst, tokens + (now - refilledAt) / 1000);
    refilledAt = now;
    if (throttled !== undefined) return reply(429, 'rate_limited', { 'Retry-After': String(throttled) });
    if (tokens < 1) return reply(429, 'rate_limited', { 'Retry-After': String(Math.ceil(1 - tokens)) });
    tokens -= 1;
    let body: unknown = request.json;
    const type = String(request.headers['content-type'] ?? '');
    if (type.startsWith('application/x-www-form-urlencoded')) {
      try {
        body = JSON.parse(new URLSearchParams(request.text).get('payload') ?? '');
      } catch {
        body = undefined;
      }
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return reply(400, 'invalid_payload');
    const message = body as { text?: unknown; blocks?: unknown };
    if (message.text !== undefined && typeof message.text !== 'string') return reply(400, 'invalid_payload');
    if (message.blocks !== undefined && blocksProblem(message.blocks)) return reply(400, 'invalid_payload');
    if (!message.text && !(Array.isArray(message.blocks) && message.blocks.length)) return reply(400, 'no_text');
    const fault = nextFault(faults);
    if (fault?.kind === 'invalid') return reply(400, 'invalid_payload');
    // Slack always names the wait; without it, the answer is as a proxy that drops the header would pass it on.
    if (fault?.kind === 'rateLimited') return reply(429, 'rate_limited', fault.withReset ? { 'Retry-After': '30' } : {});
    if (fault?.kind === 'serverError') return reply(500, 'rollup_error');
    posts.push({ text: message.text as string | undefined, blocks: message.blocks as unknown[] | undefined, at: now });
    if (fault?.kind === 'commitThenHang') return HANG;
    return reply(200, 'ok');
  });
  const url = `${server.url}${path}/${SLACK_SECRET}`;
  const holding = (email: string) => posts.filter((post) => JSON.stringify(post).includes(email));
  return {
    url: server.url,
    options: { webhookUrlEnv: 'SLACK_WEBHOOK_URL' },
    env: { SLACK_WEBHOOK_URL: url },
    badEnv: { SLACK_WEBHOOK_URL: `${server.url}${path}/revokedRevokedRevoked000` },
    requests: server.requests,
    posts,
    leadsWithEmail: holding,
    inject(fault) {
      faults.push(fault);
      return fault.kind === 'rateLimited' && fault.withReset ? 30_000 : undefined;
    },
    archive(value) {
      archived = value;
    },
    throttle(seconds) {
      throttled = seconds;
    },
    close: server.close,
  };
}

/** What a lead's Slack post shows: the visitor's fields (Slack-escaped) and the campaign of the last touch. */
export function expectSlackPostHolds(expect: Expect, stored: unknown, lead: LeadValues): void {
  const post = stored as SlackPost;
  const texts = JSON.stringify(post.blocks);
  const escaped = (text: string) => JSON.stringify(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')).slice(1, -1);
  for (const [name, value] of Object.entries(lead.fields)) {
    if (typeof value !== 'string' || !value) continue;
    // The message shows as an excerpt.
    expect(texts).toContain(escaped(name === 'message' ? value.slice(0, 200) : value));
  }
  const campaign = lead.attribution?.last?.utm_campaign;
  if (campaign) expect(texts).toContain(escaped(campaign.slice(0, 200)));
}

export const slackFake: FakeProfile<SlackFake> = {
  start: () => startSlackFake(),
  reachedThrough: (fake, url) => ({ options: fake.options, env: { SLACK_WEBHOOK_URL: fake.env.SLACK_WEBHOOK_URL!.replace(fake.url, url) } }),
  chaos: {
    // Small: Slack takes one message a second, and a chaos run should not wait on it.
    share: 0.04,
    // A webhook cannot read its channel: a resend after a lost answer is a second post, marked as one.
    looksBeforeCreate: false,
    isCreate: (method) => method === 'POST',
    unmarkedResends: (stored) => stored.slice(1).filter((post) => !(post as SlackPost).text?.startsWith('(resent) ')).length,
  },
  browser: { expectArrived: expectSlackPostHolds },
  formEngine: {
    mapping: {},
    expectArrived(expect, stored) {
      expectFormEngineReadable(expect, JSON.stringify((stored as SlackPost).blocks));
    },
  },
};
