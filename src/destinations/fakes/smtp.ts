/**
 * A real SMTP server (the `smtp-server` package) for the email destination's tests: it asks for
 * a login, answers as a mail server does (RFC 5321 reply codes with enhanced status codes), and
 * keeps every message it accepted, parsed by `mailparser`. Some mailboxes answer as a real
 * server would: `refused…@` a 550 "user unknown", `busy…@` a 450 "mailbox busy". Faults queued by
 * `inject` hit the next message. SMTP servers do not dedupe: a resent message is stored again,
 * and its Message-ID is what tells it apart.
 */
import { type ParsedMail, simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Expect, LeadValues } from './profile.ts';
import { type Fault, type FakeRequest, type FakeVendor, nextFault } from './server.ts';

export const SMTP_USER = 'leadform';
export const SMTP_PASSWORD = 'smtp-pass-0c1e9a7b';

export interface ReceivedMail {
  /** The envelope, as the client gave it. */
  from: string;
  to: string[];
  parsed: ParsedMail;
  /** Whether the session ran over TLS (implicit or after STARTTLS). */
  secure: boolean;
  /** When the server took the message (its "250" is on its way), in milliseconds. */
  at: number;
}

export type SmtpFake = FakeVendor & {
  received: ReceivedMail[];
  /** Every message (with a text part) that holds `text`. */
  messagesWith(text: string): ReceivedMail[];
};

export interface SmtpFakeOptions {
  /** How the server offers TLS: none, STARTTLS on a plain port, or implicit TLS. @default "none" */
  tls?: 'none' | 'starttls' | 'implicit';
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpFake(fakeOptions: SmtpFakeOptions = {}): Promise<SmtpFake> {
  const faults: Fault[] = [];
  const received: ReceivedMail[] = [];
  const requests: FakeRequest[] = [];
  const tls = fakeOptions.tls ?? 'none';
  const options: SMTPServerOptions = {
    secure: tls === 'implicit',
    // The package's own self-signed certificate: the client accepts it by the URL's tls.rejectUnauthorized=false.
    disabledCommands: tls === 'none' ? ['STARTTLS'] : [],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    size: 10 * 1024 * 1024,
    onConnect(session, callback) {
      requests.push({ method: 'SMTP', path: 'CONNECT', query: new URLSearchParams(), headers: {}, text: session.remoteAddress, json: undefined });
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, session, callback) {
      if (!session.user) return callback(smtpError(530, '5.7.0 Authentication required'));
      const fault = faults[0];
      if (fault?.kind === 'rateLimited') {
        faults.shift();
        return callback(smtpError(421, '4.7.0 Too many messages, slow down and try again later'));
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const mailbox = address.address.toLowerCase();
      if (mailbox.startsWith('refused'))
        return callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown in local recipient table`));
      if (mailbox.startsWith('busy')) return callback(smtpError(450, `4.2.1 <${address.address}>: Mailbox busy, try again later`));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const fault = nextFault(faults);
        if (fault?.kind === 'invalid') return callback(smtpError(554, '5.6.0 Message content rejected: malformed or not allowed'));
        if (fault?.kind === 'serverError') return callback(smtpError(451, '4.3.0 Local error in processing, please try again later'));
        const parsed = await simpleParser(Buffer.concat(chunks));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          parsed,
          secure: session.secure,
          at: Date.now(),
        });
        // Taken, and the "250 OK" never comes: the client's timeout ends the exchange.
        if (fault?.kind === 'commitThenHang') return;
        callback(null, `2.0.0 Ok: queued as ${received.length}`);
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => {});
  const serverInternals = server as unknown as { connections: Set<{ close(): void; _socket?: { destroy(): void } }> };
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.server.address() as AddressInfo;
  const scheme = tls === 'implicit' ? 'smtps' : 'smtp';
  const query = tls === 'none' ? '' : '?tls.rejectUnauthorized=false';
  const url = `${scheme}://127.0.0.1:${port}`;
  const smtpUrl = (password: string) => `${scheme}://${SMTP_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}${query}`;
  const messagesWith = (text: string) => received.filter((mail) => String(mail.parsed.text ?? '').includes(text));
  return {
    url,
    options: { smtpUrlEnv: 'SMTP_URL', from: 'Leadform Alerts <alerts@example.com>', to: ['sales@example.com'] },
    env: { SMTP_URL: smtpUrl(SMTP_PASSWORD) },
    badEnv: { SMTP_URL: smtpUrl('not-the-password') },
    requests,
    received,
    messagesWith,
    leadsWithEmail: messagesWith,
    inject(fault) {
      faults.push(fault);
      // SMTP has no way to say when to come back.
      return undefined;
    },
    async close() {
      for (const connection of serverInternals.connections ?? []) connection._socket?.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** What a team alert holds: the visitor's fields and the campaign of the last touch, in its plain-text part. */
export function expectAlertHolds(expect: Expect, mail: { text: string }, lead: LeadValues): void {
  for (const value of Object.values(lead.fields)) if (typeof value === 'string' && value) expect(mail.text).toContain(value);
  const campaign = lead.attribution?.last?.utm_campaign;
  if (campaign) expect(mail.text).toContain(campaign);
}
