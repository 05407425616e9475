/**
 * The Node runtime's SMTP sender (the `sendMail` an `email` destination is given): one
 * connection per message with nodemailer's SMTP client, TLS as the URL says (`smtps://` implicit
 * TLS, port 465 by default; `smtp://` upgraded with STARTTLS whenever the server offers it, port
 * 587 by default), the login from the URL's user and password. It reports where the transaction
 * ended and what the server replied, never the URL or its password, and never throws.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { MailMessage, MailResult, RefusedRecipient, SendMail } from '../../destinations/types.ts';

export interface SmtpTarget {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (`smtps://`). */
  secure: boolean;
  user?: string | undefined;
  pass?: string | undefined;
  /** `?requireTLS=true`: refuse to send over `smtp://` unless the server offers STARTTLS. */
  requireTLS: boolean;
  /** `?tls.rejectUnauthorized=false`: accept a certificate no authority signed (a test server only). */
  rejectUnauthorized: boolean;
}

/** Reads an SMTP URL, or says what is wrong with it without repeating it (it holds a password). */
export function parseSmtpUrl(value: string): { ok: true; value: SmtpTarget } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'is not a URL; set it to e.g. smtps://user:password@smtp.example.com (or smtp://…:587 for STARTTLS)' };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    return { ok: false, reason: `is a ${url.protocol.slice(0, 10)} URL, not smtp:// or smtps://; set it to e.g. smtps://user:password@smtp.example.com` };
  }
  if (!url.hostname) return { ok: false, reason: 'names no host; set it to e.g. smtps://user:password@smtp.example.com' };
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  return {
    ok: true,
    value: {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port,
      secure,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      pass: url.password ? decodeURIComponent(url.password) : undefined,
      requireTLS: url.searchParams.get('requireTLS') === 'true',
      rejectUnauthorized: url.searchParams.get('tls.rejectUnauthorized') !== 'false',
    },
  };
}

/** The message as RFC 5322 bytes: both parts, the headers on one line each, non-ASCII encoded. */
export function composeMessage(message: MailMessage): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from,
    to: [...message.to],
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    headers: { ...message.headers },
  });
  return new Promise((done, fail) => composer.compile().build((error, bytes) => (error ? fail(error) : done(bytes))));
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

function refusedOf(errors: readonly SmtpError[] | undefined): RefusedRecipient[] {
  return (errors ?? []).map((error) => ({ address: error.recipient ?? '', code: error.responseCode ?? 0, response: error.response ?? error.message }));
}

export const sendMailOverSmtp: SendMail = async (smtpUrl, message, signal) => {
  const parsed = parseSmtpUrl(smtpUrl);
  if (!parsed.ok) return { kind: 'invalid', reason: `the SMTP URL ${parsed.reason}` };
  const target = parsed.value;
  let bytes: Buffer;
  try {
    bytes = await composeMessage(message);
  } catch (error) {
    return { kind: 'invalid', reason: `the message cannot be composed (${(error as Error).message})` };
  }
  return new Promise<MailResult>((resolve) => {
    let phase: 'connect' | 'auth' | 'envelope' = 'connect';
    let dataSent = false;
    let finished = false;
    const connection = new SMTPConnection({
      host: target.host,
      port: target.port,
      secure: target.secure,
      requireTLS: target.requireTLS,
      // SNI names a host, never an address (RFC 6066).
      tls: { rejectUnauthorized: target.rejectUnauthorized, ...(isIP(target.host) ? {} : { servername: target.host }) },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    const finish = (result: MailResult) => {
      if (finished) return;
      finished = true;
      signal.removeEventListener('abort', abort);
      connection.close();
      resolve(result);
    };
    const fromError = (error: SmtpError): MailResult => {
      if (error.responseCode) {
        const command = error.command ?? '';
        const at = command === 'DATA' && dataSent ? 'data' : /^(MAIL|RCPT|DATA)/.test(command) ? 'envelope' : phase;
        const refused = refusedOf(error.rejectedErrors);
        return { kind: 'refused', phase: at, code: error.responseCode, response: (error.response ?? error.message).trim(), refused };
      }
      return { kind: 'lost', reason: `connection failed (${error.code ? `${error.code}: ` : ''}${error.message})`, dataSent };
    };
    const abort = () => finish({ kind: 'lost', reason: 'no answer before the delivery timeout', dataSent });
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort);
    connection.on('error', (error: SmtpError) => finish(fromError(error)));
    connection.once('end', () => finish({ kind: 'lost', reason: 'the SMTP server closed the connection', dataSent }));
    // Read only once the server has said yes to DATA: from then on it may take the message.
    const body = new Readable({
      read() {
        dataSent = true;
        this.push(bytes);
        this.push(null);
      },
    });
    const send = () => {
      phase = 'envelope';
      connection.send({ from: addressOf(message.from), to: message.to.map(addressOf) }, body, (error, info) => {
        if (error) return finish(fromError(error as SmtpError));
        finish({
          kind: 'accepted',
          response: String(info?.response ?? '').trim(),
          accepted: (info?.accepted ?? []).map(String),
          refused: refusedOf((info as { rejectedErrors?: SmtpError[] } | undefined)?.rejectedErrors),
        });
      });
    };
    connection.connect((error) => {
      if (error) return finish(fromError(error as SmtpError));
      if (!target.user) return send();
      phase = 'auth';
      connection.login({ user: target.user, pass: target.pass ?? '' }, (loginError) => (loginError ? finish(fromError(loginError as SmtpError)) : send()));
    });
  });
};

/** The bare address of `Name <address>`, as the envelope needs it. */
export function addressOf(mailbox: string): string {
  return /<([^<>]+)>\s*$/.exec(mailbox)?.[1]?.trim() ?? mailbox.trim();
}
