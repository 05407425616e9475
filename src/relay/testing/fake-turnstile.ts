/**
 * A local stand-in for Cloudflare Turnstile's siteverify endpoint, answering as Cloudflare
 * documents it (https://developers.cloudflare.com/turnstile/get-started/server-side-validation/):
 * form-encoded `secret`, `response`, optional `remoteip` and `idempotency_key`; JSON
 * `{success, "error-codes", challenge_ts, hostname}`. A token is good once, except that a check
 * repeated with the same idempotency_key gets the first answer again. That key must be a UUID
 * (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex): any other value is a malformed request
 * (`bad-request`), as siteverify treats a parameter of the wrong form.
 *
 * Tokens that start with "pass" are ones a person earned; any other token is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FakeTurnstile {
  url: string;
  /** Every check received, in order. */
  checks: { secret: string; response: string; remoteip: string | null; idempotencyKey: string | null }[];
  close(): Promise<void>;
}

export async function startFakeTurnstile(secret: string): Promise<FakeTurnstile> {
  const checks: FakeTurnstile['checks'] = [];
  const spent = new Map<string, string | null>();
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const form = new URLSearchParams(raw);
      const check = {
        secret: form.get('secret') ?? '',
        response: form.get('response') ?? '',
        remoteip: form.get('remoteip'),
        idempotencyKey: form.get('idempotency_key'),
      };
      checks.push(check);
      const send = (body: Record<string, unknown>) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const refuse = (...codes: string[]) => send({ success: false, 'error-codes': codes, messages: [] });
      if (request.method !== 'POST') return refuse('bad-request');
      if (!check.secret) return refuse('missing-input-secret');
      if (check.secret !== secret) return refuse('invalid-input-secret');
      if (!check.response) return refuse('missing-input-response');
      if (check.idempotencyKey !== null && !UUID.test(check.idempotencyKey)) return refuse('bad-request');
      if (!check.response.startsWith('pass')) return refuse('invalid-input-response');
      if (spent.has(check.response)) {
        const key = spent.get(check.response);
        if (key === null || key !== check.idempotencyKey) return refuse('timeout-or-duplicate');
      }
      spent.set(check.response, check.idempotencyKey);
      send({ success: true, 'error-codes': [], challenge_ts: new Date().toISOString(), hostname: 'shop.example', action: '', cdata: '', metadata: {} });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/turnstile/v0/siteverify`,
    checks,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
