/**
 * The fake CRMs a chaos run delivers to, each behind its own random-fault proxy: the relay's
 * configuration points every destination at a proxy, and the run counts what each fake holds.
 * Which vendors there are, and what sets each apart, comes from the fakes' registry.
 */
import { FAKES, type VendorFault } from '../destinations/fakes/index.ts';
import type { Fault } from '../destinations/fakes/server.ts';
import { type ChaosFault, type FaultProxy, type NetworkFault, startFaultProxy } from './fault-proxy.ts';

export interface ChaosVendor {
  /** The destination's name in the relay's configuration (and its form's id: `to-<name>`); its type too. */
  name: string;
  /** The destination's configuration entry, pointing at the proxy. */
  destination: Record<string, unknown>;
  /** The secrets the destination reads. */
  env: Record<string, string>;
  /** Share of the run's leads sent to this vendor. */
  share: number;
  /**
   * True when the adapter can look a lead up before creating it again, so the vendor must never
   * hold two copies. A webhook receiver dedupes on webhook-id itself; the copies are still counted.
   */
  looksBeforeCreate: boolean;
  /** How many records the vendor holds for this email (each chaos lead has its own). */
  copies(email: string): number;
  /** Of those records, how many after the first do not say they are a resend, where the vendor tells. */
  unmarkedResends?: ((email: string) => number) | undefined;
  /** Calls that reached the fake, by the fault the proxy chose. */
  proxy: FaultProxy;
  close(): Promise<void>;
}

const NETWORK: Partial<Record<NetworkFault, number>> = { resetBefore: 1, hangBefore: 1, gateway502: 1, slow: 2, resetAfter: 1, gateway504After: 1 };
/** The vendor's own refusals; `invalid` (a 400 for good) is rare, so only a few leads go dead. */
const VENDOR: Record<VendorFault, number> = {
  'vendor:serverError': 2,
  'vendor:rateLimited': 2,
  'vendor:rateLimited:reset': 1,
  'vendor:commitThenHang': 1,
  'vendor:invalid': 0.3,
};

function toFault(fault: VendorFault): Fault {
  if (fault === 'vendor:rateLimited:reset') return { kind: 'rateLimited', withReset: true };
  if (fault === 'vendor:rateLimited') return { kind: 'rateLimited', withReset: false };
  return { kind: fault.slice('vendor:'.length) } as Fault;
}

export interface VendorOptions {
  random: () => number;
  /** Share of calls that meet a fault. @default 0.3 */
  faultRate?: number;
  /** The relay's delivery timeout: slow answers stay under it. */
  timeoutMs: number;
}

export async function startChaosVendors(options: VendorOptions): Promise<ChaosVendor[]> {
  const { random, timeoutMs } = options;
  const rate = options.faultRate ?? 0.3;
  const slowMs = timeoutMs * 0.6;
  const vendors: ChaosVendor[] = [];
  for (const [type, profile] of Object.entries(FAKES)) {
    const { chaos } = profile;
    const fake = await profile.start();
    const weights: Partial<Record<ChaosFault, number>> = { ...NETWORK, ...VENDOR };
    for (const fault of chaos.without ?? []) delete weights[fault];
    for (const [fault, { weight }] of Object.entries(chaos.own ?? {})) weights[fault as ChaosFault] = weight;
    const proxy = await startFaultProxy(
      fake.url,
      {
        rate,
        weights,
        slowMs,
        isCreate: chaos.isCreate,
        inject: (fault) => {
          const own = chaos.own?.[fault as keyof typeof chaos.own];
          if (own) own.inject(fake);
          else fake.inject(toFault(fault as VendorFault));
        },
      },
      random,
    );
    const { options: destination, env } = profile.reachedThrough(fake, proxy.url);
    vendors.push({
      name: type,
      destination: { type, ...destination },
      env,
      share: chaos.share,
      looksBeforeCreate: chaos.looksBeforeCreate,
      copies: (email) => fake.leadsWithEmail(email).length,
      ...(chaos.unmarkedResends ? { unmarkedResends: (email: string) => chaos.unmarkedResends!(fake.leadsWithEmail(email)) } : {}),
      proxy,
      close: async () => {
        await proxy.close();
        await fake.close();
      },
    });
  }
  return vendors;
}

/** A form of a chaos run: where its leads go, and its share of the run's leads. */
export interface ChaosForm {
  id: string;
  /** The destinations (vendor names) of each of its leads: one, or several for a form that fans out. */
  destinations: string[];
  share: number;
}

/** Share of the run's leads sent to the form that fans out, beside the vendors' own shares. */
const FAN_OUT_SHARE = 0.25;

/**
 * The forms of a chaos run: one per vendor (`to-<name>`), and `fan-out`, whose every lead goes to
 * the two vendors with the largest shares among those that look before they create, so kills and
 * vendor faults meet leads with several entries, and a duplicate at either is caught.
 */
export function chaosForms(vendors: ChaosVendor[]): ChaosForm[] {
  const forms: ChaosForm[] = vendors.map((vendor) => ({ id: `to-${vendor.name}`, destinations: [vendor.name], share: vendor.share }));
  const fanned = vendors
    .filter((vendor) => vendor.looksBeforeCreate)
    .sort((a, b) => b.share - a.share)
    .slice(0, 2)
    .map((vendor) => vendor.name);
  if (fanned.length === 2) forms.push({ id: 'fan-out', destinations: fanned, share: FAN_OUT_SHARE });
  return forms;
}

/** The relay configuration of a chaos run: the forms of `chaosForms`, minFillMs 0, short delays. */
export function chaosConfig(vendors: ChaosVendor[], delivery: Record<string, number>): Record<string, unknown> {
  return {
    forms: Object.fromEntries(
      chaosForms(vendors).map((form) => [
        form.id,
        {
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'email', type: 'email', required: true },
            { name: 'company', type: 'text' },
            { name: 'message', type: 'textarea' },
          ],
          minFillMs: 0,
          ...(form.destinations.length === 1 ? { destination: form.destinations[0] } : { destinations: form.destinations }),
        },
      ]),
    ),
    destinations: Object.fromEntries(vendors.map((vendor) => [vendor.name, vendor.destination])),
    delivery,
    limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
  };
}
