/**
 * `node --import tsx scripts/bench-alerts.ts`: speed to lead. The Node relay, at the default
 * delivery settings (a kick on every accept, a 20 ms batch, a 1 s poll, Slack paced at its one
 * message per second), delivers to an `email` destination (a real SMTP server, smtp-server) and
 * a `slack` destination (the Slack fake); N leads are posted to each at once, and the time from
 * each 202 to the SMTP server's acceptance (its "250" after the data) and to Slack's `200 ok` is
 * printed as p50 / p95 / max. The target is a p95 under 60 s. A burst to Slack is as slow as
 * Slack's rate makes it: the n-th lead of a burst waits about n seconds.
 *
 * Options (environment): BENCH_ALERT_LEADS (default 30), BENCH_ALERT_GAP_MS between two leads
 * (default 0: all at once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlackFake } from '../src/destinations/fakes/slack.ts';
import { startSmtpFake } from '../src/destinations/fakes/smtp.ts';
import { startNodeRelay } from '../src/runtime/node/server.ts';

const leads = Number(process.env.BENCH_ALERT_LEADS ?? 30);
const gapMs = Number(process.env.BENCH_ALERT_GAP_MS ?? 0);
const TARGET_MS = 60_000;

const work = mkdtempSync(join(tmpdir(), 'leadform-bench-alerts-'));
const smtp = await startSmtpFake();
// Slack lets short bursts through; with the relay pacing itself, the fake's allowance is never reached.
const slack = await startSlackFake();
const fields = [
  { name: 'name', type: 'text', required: true },
  { name: 'email', type: 'email', required: true },
  { name: 'company', type: 'text' },
  { name: 'message', type: 'textarea' },
];
const started = await startNodeRelay({
  config: {
    forms: { alert: { fields, minFillMs: 0, destination: 'team-mail' }, ping: { fields, minFillMs: 0, destination: 'team-slack' } },
    destinations: { 'team-mail': { type: 'email', ...smtp.options }, 'team-slack': { type: 'slack', ...slack.options } },
    // Visitors' limits only, so the burst is accepted; delivery keeps its defaults.
    limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
  },
  port: 0,
  hostname: '127.0.0.1',
  dataDir: join(work, 'relay'),
  env: { ...smtp.env, ...slack.env },
  log: () => {},
});
if (!started.ok) throw new Error(started.problems.join('\n'));
const relay = started.value;

const acceptedAt = new Map<string, { form: string; at: number }>();
async function post(form: string, i: number): Promise<void> {
  const response = await fetch(`${relay.url}/v1/forms/${form}/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      fields: { name: `Bench Lead ${i}`, email: `bench.${form}.${i}@example.com`, company: 'Speed Ltd', message: 'Please call me back today.' },
      attribution: { last: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'bench' } },
    }),
  });
  const at = Date.now();
  if (response.status !== 202) throw new Error(`the relay answered ${response.status}`);
  acceptedAt.set(((await response.json()) as { id: string }).id, { form, at });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

try {
  const posting: Promise<void>[] = [];
  for (let i = 0; i < leads; i++) {
    posting.push(post('alert', i), post('ping', i));
    if (gapMs > 0) await new Promise((done) => setTimeout(done, gapMs));
  }
  await Promise.all(posting);
  const arrivals = (): { email: number[]; slack: number[] } => {
    const email: number[] = [];
    const slackTimes: number[] = [];
    for (const [id, { form, at }] of acceptedAt) {
      if (form === 'alert') {
        const mail = smtp.received.find((m) => m.parsed.headers.get('x-leadform-lead') === id);
        if (mail) email.push(mail.at - at);
      } else {
        const message = slack.posts.find((p) => JSON.stringify(p.blocks).includes(`\`${id}\``));
        if (message) slackTimes.push(message.at - at);
      }
    }
    return { email, slack: slackTimes };
  };
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    const { email, slack: s } = arrivals();
    if (email.length === leads && s.length === leads) break;
    await new Promise((done) => setTimeout(done, 200));
  }
  const { email, slack: slackTimes } = arrivals();
  console.log(`speed to lead: ${leads} leads to each destination, ${gapMs ? `one every ${gapMs} ms` : 'posted at once'}, default delivery settings`);
  for (const [name, times] of [
    ['email (SMTP)', email],
    ['slack', slackTimes],
  ] as const) {
    const sorted = [...times].sort((a, b) => a - b);
    if (!sorted.length) {
      console.log(`  ${name}: nothing arrived`);
      continue;
    }
    const p95 = percentile(sorted, 95);
    console.log(
      `  ${name}: p50 ${percentile(sorted, 50)} ms, p95 ${p95} ms, max ${sorted.at(-1)} ms (${sorted.length}/${leads} arrived; target p95 < ${TARGET_MS} ms: ${p95 < TARGET_MS ? 'met' : 'missed'})`,
    );
  }
} finally {
  await relay.close();
  await Promise.all([smtp.close(), slack.close()]);
  rmSync(work, { recursive: true, force: true });
}
