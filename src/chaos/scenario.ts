/**
 * What every chaos run shares, whatever the runtime: sending leads the way the widget does
 * (an Idempotency-Key kept until a 202 arrives, resent after a lost answer), and checking the end
 * state against what was acknowledged and what the fake vendors hold.
 */
import { entryId } from '../relay/outbox.ts';
import { type ChaosVendor, chaosForms } from './vendors.ts';

export interface SentLead {
  key: string;
  form: string;
  /** The vendors the lead goes to: one, or several for the form that fans out (each its own outbox entry). */
  vendors: string[];
  email: string;
  /** The relay's id from its 202; undefined when no 202 came before the sender gave up. */
  id?: string;
  /** POSTs made for this lead (more than one after a lost answer or a refused connection). */
  tries: number;
}

export interface SendOptions {
  /** The relay's URL now (it may change between restarts). */
  url(): string;
  vendors: ChaosVendor[];
  count: number;
  concurrency: number;
  random: () => number;
  /** Milliseconds between two sends of one sender, on average, to spread the run over time. */
  gapMs: number;
  /** Give up on one lead after this long without a 202. @default 60000 */
  patienceMs?: number;
  /** A short tag that makes this run's emails and keys unique. */
  tag: string;
  /** Whether the answer to a resend of an acknowledged lead came back with the same id. */
  onReplay?(same: boolean): void;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Sends `count` leads, shared out by each form's `share` (see `chaosForms`); resolves when each has a 202 or was given up. */
export async function sendLeads(options: SendOptions): Promise<SentLead[]> {
  const { count, random, tag } = options;
  const forms = chaosForms(options.vendors);
  const totalShare = forms.reduce((sum, f) => sum + f.share, 0);
  const leads: SentLead[] = [];
  for (let i = 0; i < count; i++) {
    let roll = random() * totalShare;
    const form = forms.find((f) => (roll -= f.share) < 0) ?? forms[0]!;
    leads.push({ key: `chaos-${tag}-${i}`, form: form.id, vendors: form.destinations, email: `chaos.${tag}.${i}@example.com`, tries: 0 });
  }
  const patienceMs = options.patienceMs ?? 60_000;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < leads.length) {
        const lead = leads[next++]!;
        await sleep(random() * 2 * options.gapMs);
        const body = JSON.stringify({
          fields: { name: `Chaos Lead ${lead.key}`, email: lead.email, company: 'Faultline Ltd', message: 'Sent while the relay and the CRMs misbehave.' },
          attribution: { last: { utm_source: 'chaos', utm_medium: 'test', utm_campaign: tag } },
          meta: { fillMs: 4000, page: 'https://www.example.com/chaos' },
        });
        const giveUpAt = Date.now() + patienceMs;
        while (lead.id === undefined && Date.now() < giveUpAt) {
          lead.tries += 1;
          const answer = await post(options.url(), lead, body);
          if (answer.status === 202) lead.id = answer.id;
          else if (answer.status !== 0 && answer.status < 500 && answer.status !== 429)
            throw new Error(`the relay refused a valid lead ${lead.key}: HTTP ${answer.status}`);
          else await sleep(100 + random() * 300);
        }
        // One lead in twenty is sent again after its 202, as a widget does when the answer is
        // lost: the relay must name the same submission, not store a second one.
        if (lead.id !== undefined && random() < 0.05) {
          const again = await post(options.url(), lead, body);
          if (again.status === 202) options.onReplay?.(again.id === lead.id);
        }
      }
    }),
  );
  return leads;
}

async function post(url: string, lead: SentLead, body: string): Promise<{ status: number; id?: string }> {
  try {
    const response = await fetch(`${url}/v1/forms/${lead.form}/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': lead.key },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status !== 202) return { status: response.status };
    return { status: 202, id: (JSON.parse(text) as { id: string }).id };
  } catch {
    return { status: 0 };
  }
}

/** The relay's record of one outbox entry (one destination of a submission) at the end of a run, by the entry's id. */
export interface FinalState {
  state: 'pending' | 'delivered' | 'dead';
  lastError: string | null;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ChaosSummary {
  runtime: string;
  sent: number;
  acknowledged: number;
  delivered: number;
  dead: Record<string, number>;
  duplicates: Record<string, number>;
  kills: number;
  wallSeconds: number;
  faults: Record<string, number>;
  checks: Check[];
}

/** Dead-letter reasons grouped by their cause, without the ids and numbers that vary. */
export function reasonOf(error: string | null): string {
  if (!error) return '(no reason recorded)';
  return error
    .replace(/\{.*$/, '')
    .replace(/after \d+ attempts/, 'after N attempts')
    .replace(/\d+ ms/g, 'N ms')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

/**
 * Every destination of every acknowledged lead (each its own outbox entry) ended delivered or dead
 * with a reason, none is missing or pending; each delivered entry's lead is at its vendor; no
 * vendor that can be looked up holds two copies. Counted per entry: a lead to two vendors counts
 * twice, once at each.
 */
export function verify(
  leads: SentLead[],
  states: Map<string, FinalState>,
  vendors: ChaosVendor[],
  replays: { same: number; different: number },
): { checks: Check[]; delivered: number; dead: Record<string, number>; duplicates: Record<string, number> } {
  const acknowledged = leads.filter((lead) => lead.id !== undefined);
  const byName = new Map(vendors.map((v) => [v.name, v]));
  const missing: string[] = [];
  const pending: string[] = [];
  const deadWithoutReason: string[] = [];
  const deliveredNotAtVendor: string[] = [];
  const dead: Record<string, number> = {};
  const duplicates: Record<string, number> = Object.fromEntries(vendors.map((v) => [v.name, 0]));
  let delivered = 0;
  let entries = 0;
  const unmarked: Record<string, number> = {};
  for (const lead of acknowledged) {
    for (const vendor of lead.vendors) {
      entries += 1;
      // Named as the relay names a destination's entry: the lead's id, or `<id>.<vendor>` for several.
      const which = lead.vendors.length > 1 ? `${lead.key} → ${vendor}` : lead.key;
      const state = states.get(entryId(lead.id!, vendor, lead.vendors.length));
      const copies = byName.get(vendor)!.copies(lead.email);
      if (copies > 1) duplicates[vendor]! += copies - 1;
      if (copies > 1) unmarked[vendor] = (unmarked[vendor] ?? 0) + (byName.get(vendor)!.unmarkedResends?.(lead.email) ?? 0);
      if (!state) missing.push(which);
      else if (state.state === 'pending') pending.push(which);
      else if (state.state === 'dead') {
        if (!state.lastError) deadWithoutReason.push(which);
        const reason = reasonOf(state.lastError);
        dead[reason] = (dead[reason] ?? 0) + 1;
      } else {
        delivered += 1;
        if (copies === 0) deliveredNotAtVendor.push(which);
      }
    }
  }
  const fannedOut = acknowledged.filter((lead) => lead.vendors.length > 1).length;
  const ids = new Set(acknowledged.map((lead) => lead.id));
  const list = (keys: string[]) => (keys.length ? `: ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}` : '');
  const checks: Check[] = [
    {
      name: "every acknowledged lead's entry for each of its destinations is in the outbox",
      ok: missing.length === 0,
      detail: `${entries} entries of ${acknowledged.length} leads (${fannedOut} to several destinations), ${missing.length} missing${list(missing)}`,
    },
    { name: 'no acknowledged entry is left pending', ok: pending.length === 0, detail: `${pending.length} pending${list(pending)}` },
    {
      name: 'every dead letter has its reason',
      ok: deadWithoutReason.length === 0,
      detail: `${deadWithoutReason.length} without reason${list(deadWithoutReason)}`,
    },
    {
      name: "every delivered entry's lead is at its vendor",
      ok: deliveredNotAtVendor.length === 0,
      detail: `${deliveredNotAtVendor.length} not found${list(deliveredNotAtVendor)}`,
    },
    { name: 'each Idempotency-Key got its own submission', ok: ids.size === acknowledged.length, detail: `${acknowledged.length} keys, ${ids.size} ids` },
    { name: 'a resent lead is answered with its first id', ok: replays.different === 0, detail: `${replays.same} same, ${replays.different} different` },
    ...vendors
      .filter((v) => v.looksBeforeCreate)
      .map((v) => ({
        name: `no duplicate at ${v.name} (it looks before it creates)`,
        ok: duplicates[v.name] === 0,
        detail: `${duplicates[v.name]} duplicate(s)`,
      })),
    // A vendor that cannot be asked may hold a lead twice after a lost answer; the second must say so.
    ...vendors
      .filter((v) => !v.looksBeforeCreate && v.unmarkedResends)
      .map((v) => ({
        name: `every second copy at ${v.name} says it is a resend (it cannot look before it creates)`,
        ok: (unmarked[v.name] ?? 0) === 0,
        detail: `${duplicates[v.name]} second copies, ${unmarked[v.name] ?? 0} not marked`,
      })),
  ];
  return { checks, delivered, dead, duplicates };
}

export function printSummary(summary: ChaosSummary): void {
  const out = (line: string) => console.log(line);
  out(`\nchaos on ${summary.runtime}:`);
  out(
    `  sent ${summary.sent}, acknowledged ${summary.acknowledged}, delivered ${summary.delivered}, dead ${Object.values(summary.dead).reduce((a, b) => a + b, 0)}, kills ${summary.kills}, wall ${summary.wallSeconds.toFixed(1)} s`,
  );
  for (const [reason, n] of Object.entries(summary.dead)) out(`  dead ×${n}: ${reason}`);
  out(
    `  duplicates at the vendors: ${Object.entries(summary.duplicates)
      .map(([v, n]) => `${v} ${n}`)
      .join(', ')}`,
  );
  out(
    `  faults met by vendor calls: ${Object.entries(summary.faults)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([f, n]) => `${f} ${n}`)
      .join(', ')}`,
  );
  for (const check of summary.checks) out(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name} (${check.detail})`);
}
