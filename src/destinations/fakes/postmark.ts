/**
 * Postmark's email API as its documentation describes it (postmarkapp.com/developer): `POST
 * /email` with the server token in `X-Postmark-Server-Token`, JSON only, answering 200
 * `{To, SubmittedAt, MessageID, ErrorCode: 0, Message: "OK"}`, or an error body
 * `{ErrorCode, Message}`: 401 for a bad token (code 10), 415 for a body that is not JSON by its
 * type, 422 for an invalid message (300), invalid JSON (402), a From that is no sender signature
 * (400), an inactive recipient (406), 429 when sending too fast, 500 on its own failure.
 * `GET /messages/outbound` searches what was sent (by recipient, sender, tag, metadata). Postmark
 * sends what it is given: a message sent again is a second copy, which is why the adapter
 * searches before it resends.
 */
import { randomUUID } from 'node:crypto';
import { expectAlertHolds } from './smtp.ts';
import { expectFormEngineReadable, type FakeProfile } from './profile.ts';
import { type Fault, type FakeVendor, HANG, nextFault, startFakeServer } from './server.ts';

export const POSTMARK_TOKEN = 'pm-server-token-5d7c2f9e-0b1a';
/** The domain of the account's verified sender signature. */
export const POSTMARK_SENDER_DOMAIN = 'example.com';

export interface PostmarkMessage {
  From: string;
  To: string;
  ReplyTo?: string;
  Subject?: string;
  TextBody?: string;
  HtmlBody?: string;
  MessageStream?: string;
  Tag?: string;
  Metadata?: Record<string, string>;
  Headers?: { Name: string; Value: string }[];
  /** Postmark's id of the message, as it answered. */
  MessageID: string;
}

export type PostmarkFake = FakeVendor & { sent: PostmarkMessage[] };

const error = (status: number, ErrorCode: number, Message: string) => ({ status, json: { ErrorCode, Message } });
const ADDRESS = /<?([^\s<>@,]+@([^\s<>@,]+))>?\s*$/;

/** Checks a message as Postmark does before it sends it; the error answer, or undefined. */
function refusal(body: unknown) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return error(422, 402, 'Received invalid JSON input.');
  const message = body as Record<string, unknown>;
  const from = typeof message.From === 'string' ? ADDRESS.exec(message.From) : null;
  if (!from) return error(422, 300, "Invalid 'From' address: ''.");
  if (from[2]!.toLowerCase() !== POSTMARK_SENDER_DOMAIN) {
    return error(
      422,
      400,
      `The 'From' address you supplied (${message.From}) is not a Sender Signature on your account. Please add and confirm this address in order to be able to use it in the 'From' field of your messages.`,
    );
  }
  const to =
    typeof message.To === 'string'
      ? message.To.split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
      : [];
  if (to.length === 0 || !to.every((entry) => ADDRESS.test(entry))) return error(422, 300, `Invalid 'To' address: '${String(message.To ?? '')}'.`);
  if (to.length > 50) return error(422, 300, "Invalid 'To' address: too many recipients (50 at most).");
  if (typeof message.TextBody !== 'string' && typeof message.HtmlBody !== 'string')
    return error(422, 300, 'Provide either email TextBody or HtmlBody or both.');
  if (message.Subject !== undefined && (typeof message.Subject !== 'string' || message.Subject.length > 2000))
    return error(422, 300, "Invalid 'Subject': 2000 characters at most.");
  const headers = message.Headers;
  if (headers !== undefined && (!Array.isArray(headers) || !headers.every((h) => typeof h?.Name === 'string' && typeof h?.Value === 'string'))) {
    return error(422, 300, "Invalid 'Headers': a list of {Name, Value}.");
  }
  const metadata = message.Metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Object.keys(metadata).length > 10)) {
    return error(422, 300, "Invalid 'Metadata': at most 10 fields.");
  }
  const inactive = to.find((entry) => /^<?inactive/i.test(entry));
  if (inactive) {
    return error(
      422,
      406,
      `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${inactive}. Inactive recipients are ones that have generated a hard bounce or a spam complaint.`,
    );
  }
  return undefined;
}

/**
 * The outbound message search: `count` and `offset` required, filtered by `recipient`,
 * `fromemail`, `tag` and `metadata_KEY=value`, newest first, as `{TotalCount, Messages}`.
 */
function search(sent: readonly PostmarkMessage[], query: URLSearchParams) {
  const count = Number(query.get('count'));
  const offset = Number(query.get('offset'));
  if (
    !query.has('count') ||
    !query.has('offset') ||
    !Number.isInteger(count) ||
    !Number.isInteger(offset) ||
    count < 1 ||
    count > 500 ||
    offset < 0 ||
    count + offset > 10_000
  ) {
    return error(422, 300, 'count (1 to 500) and offset are required, and count + offset may not exceed 10,000.');
  }
  const matching = [...sent].reverse().filter((message) => {
    for (const [key, value] of query) {
      if (key === 'recipient' && !message.To.toLowerCase().includes(value.toLowerCase())) return false;
      if (key === 'fromemail' && !message.From.toLowerCase().includes(value.toLowerCase())) return false;
      if (key === 'tag' && message.Tag !== value) return false;
      if (key.startsWith('metadata_') && message.Metadata?.[key.slice('metadata_'.length)] !== value) return false;
    }
    return true;
  });
  const summary = (message: PostmarkMessage) => ({
    MessageID: message.MessageID,
    MessageStream: message.MessageStream ?? 'outbound',
    To: message.To.split(',').map((entry) => ({ Email: ADDRESS.exec(entry)?.[1] ?? entry.trim(), Name: null })),
    Recipients: message.To.split(',').map((entry) => ADDRESS.exec(entry)?.[1] ?? entry.trim()),
    From: message.From,
    Subject: message.Subject ?? '',
    Tag: message.Tag ?? '',
    Metadata: message.Metadata ?? {},
    Status: 'Sent',
  });
  return { status: 200, json: { TotalCount: matching.length, Messages: matching.slice(offset, offset + count).map(summary) } };
}

export async function startPostmarkFake(): Promise<PostmarkFake> {
  const faults: Fault[] = [];
  const sent: PostmarkMessage[] = [];
  const server = await startFakeServer((request) => {
    const known = (request.method === 'POST' && request.path === '/email') || (request.method === 'GET' && request.path === '/messages/outbound');
    if (!known) return error(404, 0, 'Not found.');
    if (request.headers['x-postmark-server-token'] !== POSTMARK_TOKEN) {
      return error(
        401,
        10,
        'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.',
      );
    }
    if (request.method === 'GET') return search(sent, request.query);
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return error(415, 409, 'JSON data required.');
    if (request.json === undefined) return error(422, 402, 'Received invalid JSON input.');
    const refused = refusal(request.json);
    if (refused) return refused;
    const fault = nextFault(faults);
    if (fault?.kind === 'invalid') return error(422, 300, 'Invalid email request.');
    if (fault?.kind === 'rateLimited') return error(429, 429, 'Rate limit exceeded.');
    if (fault?.kind === 'serverError') return error(500, 500, 'Internal server error.');
    const message = { ...(request.json as Omit<PostmarkMessage, 'MessageID'>), MessageID: randomUUID() };
    sent.push(message);
    if (fault?.kind === 'commitThenHang') return HANG;
    return { status: 200, json: { To: message.To, SubmittedAt: new Date().toISOString(), MessageID: message.MessageID, ErrorCode: 0, Message: 'OK' } };
  });
  return {
    url: server.url,
    options: {
      provider: 'postmark',
      apiTokenEnv: 'POSTMARK_SERVER_TOKEN',
      baseUrl: server.url,
      from: 'Leadform Alerts <alerts@example.com>',
      to: ['sales@example.com'],
    },
    env: { POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN },
    badEnv: { POSTMARK_SERVER_TOKEN: 'pm-server-token-revoked-0000' },
    requests: server.requests,
    sent,
    leadsWithEmail: (address) => sent.filter((message) => String(message.TextBody ?? '').includes(address)),
    inject(fault) {
      faults.push(fault);
      // Postmark documents no header saying when to come back after a 429.
      return undefined;
    },
    close: server.close,
  };
}

/** The Message-ID header a message was sent with. */
export function postmarkMessageId(message: PostmarkMessage): string | undefined {
  return message.Headers?.find((header) => header.Name.toLowerCase() === 'message-id')?.Value;
}

export const postmarkFake: FakeProfile<PostmarkFake> = {
  start: startPostmarkFake,
  reachedThrough: (fake, url) => ({ options: { ...fake.options, baseUrl: url }, env: fake.env }),
  chaos: {
    share: 0.06,
    // After a lost answer the adapter searches the sent messages for this one before sending again.
    looksBeforeCreate: true,
    isCreate: (method, path) => method === 'POST' && path === '/email',
    // Postmark documents no header that says when to come back after a 429.
    without: ['vendor:rateLimited:reset'],
  },
  browser: {
    expectArrived(expect, stored, lead) {
      expectAlertHolds(expect, { text: String((stored as PostmarkMessage).TextBody) }, lead);
    },
  },
  formEngine: {
    mapping: {},
    expectArrived(expect, stored) {
      expectFormEngineReadable(expect, String((stored as PostmarkMessage).TextBody));
    },
  },
};
