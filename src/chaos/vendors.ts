/**
 * The fake CRMs a chaos run delivers to, each behind its own random-fault proxy: the relay's
 * configuration points every destination at a proxy, and the run counts what each fake holds.
 */
import { startBitrix24Fake } from '../destinations/fakes/bitrix24.ts';
import { startCapillaryFake } from '../destinations/fakes/capillary.ts';
import { startCloseFake } from '../destinations/fakes/close.ts';
import { startLeadSquaredFake } from '../destinations/fakes/leadsquared.ts';
import { startPipedriveFake } from '../destinations/fakes/pipedrive.ts';
import type { Fault } from '../destinations/fakes/server.ts';
import { startWebhookFake } from '../destinations/fakes/webhook.ts';
import { type ChaosFault, type FaultProxy, startFaultProxy } from './fault-proxy.ts';

export interface ChaosVendor {
  /** The destination's name in the relay's configuration (and its form's id: `to-<name>`). */
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
  /** Calls that reached the fake, by the fault the proxy chose. */
  proxy: FaultProxy;
  close(): Promise<void>;
}

const NETWORK: Partial<Record<ChaosFault, number>> = { resetBefore: 1, hangBefore: 1, gateway502: 1, slow: 2, resetAfter: 1, gateway504After: 1 };
/** The vendor's own refusals; `invalid` (a 400 for good) is rare, so only a few leads go dead. */
const VENDOR: Partial<Record<ChaosFault, number>> = {
  'vendor:serverError': 2,
  'vendor:rateLimited': 2,
  'vendor:rateLimited:reset': 1,
  'vendor:commitThenHang': 1,
  'vendor:invalid': 0.3,
};

function toFault(fault: ChaosFault): Fault {
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

  const close = await startCloseFake();
  const closeProxy = await startFaultProxy(
    close.url,
    { rate, weights: { ...NETWORK, ...VENDOR }, slowMs, isCreate: (m, p) => m === 'POST' && p === '/api/v1/lead/', inject: (f) => close.inject(toFault(f)) },
    random,
  );
  vendors.push({
    name: 'close',
    destination: { type: 'close', ...close.options, baseUrl: closeProxy.url },
    env: close.env,
    share: 0.32,
    looksBeforeCreate: true,
    copies: (email) => close.leadsWithEmail(email).length,
    proxy: closeProxy,
    close: async () => {
      await closeProxy.close();
      await close.close();
    },
  });

  const capillary = await startCapillaryFake();
  const capillaryProxy = await startFaultProxy(
    capillary.url,
    {
      rate,
      weights: { ...NETWORK, ...VENDOR, 'vendor:521': 1 },
      slowMs,
      isCreate: (m, p) => m === 'POST' && p === '/v2/leads',
      inject: (f) => (f === 'vendor:521' ? capillary.failNextWith(521) : capillary.inject(toFault(f))),
    },
    random,
  );
  vendors.push({
    name: 'capillary',
    destination: { type: 'capillary', ...capillary.options, baseUrl: capillaryProxy.url },
    env: capillary.env,
    share: 0.24,
    looksBeforeCreate: true,
    copies: (email) => capillary.leadsWithEmail(email).length,
    proxy: capillaryProxy,
    close: async () => {
      await capillaryProxy.close();
      await capillary.close();
    },
  });

  const webhook = await startWebhookFake();
  const webhookProxy = await startFaultProxy(
    webhook.url,
    { rate, weights: { ...NETWORK, ...VENDOR }, slowMs, isCreate: (m) => m === 'POST', inject: (f) => webhook.inject(toFault(f)) },
    random,
  );
  vendors.push({
    name: 'webhook',
    destination: { type: 'webhook', ...webhook.options, url: `${webhookProxy.url}/hooks/leads` },
    env: webhook.env,
    share: 0.2,
    looksBeforeCreate: false,
    // The receiver keeps one record per webhook-id, so a resend is no copy.
    copies: (email) => webhook.leadsWithEmail(email).length,
    proxy: webhookProxy,
    close: async () => {
      await webhookProxy.close();
      await webhook.close();
    },
  });

  const leadsquared = await startLeadSquaredFake();
  const leadsquaredProxy = await startFaultProxy(
    leadsquared.url,
    { rate, weights: { ...NETWORK, ...VENDOR }, slowMs, isCreate: (m) => m === 'POST', inject: (f) => leadsquared.inject(toFault(f)) },
    random,
  );
  vendors.push({
    name: 'leadsquared',
    destination: { type: 'leadsquared', ...leadsquared.options, baseUrl: leadsquaredProxy.url },
    env: leadsquared.env,
    share: 0.13,
    looksBeforeCreate: true,
    copies: (email) => leadsquared.leadsWithEmail(email).length,
    proxy: leadsquaredProxy,
    close: async () => {
      await leadsquaredProxy.close();
      await leadsquared.close();
    },
  });

  const bitrix24 = await startBitrix24Fake();
  // Bitrix24's operation-time reset falls up to 10 minutes away (limits.md): honouring it would
  // outlast a bounded run, so this vendor meets the leaky bucket's 503 only.
  const { 'vendor:rateLimited:reset': _longReset, ...bitrixVendor } = VENDOR;
  const bitrixProxy = await startFaultProxy(
    bitrix24.url,
    {
      rate,
      weights: { ...NETWORK, ...bitrixVendor },
      slowMs,
      isCreate: (m, p) => m === 'POST' && /crm\.lead\.add(\.json)?$/.test(p),
      inject: (f) => bitrix24.inject(toFault(f)),
    },
    random,
  );
  vendors.push({
    name: 'bitrix24',
    destination: { type: 'bitrix24', ...bitrix24.options },
    env: { BITRIX24_WEBHOOK_URL: bitrix24.env.BITRIX24_WEBHOOK_URL!.replace(bitrix24.url, bitrixProxy.url) },
    share: 0.06,
    looksBeforeCreate: true,
    copies: (email) => bitrix24.leadsWithEmail(email).length,
    proxy: bitrixProxy,
    close: async () => {
      await bitrixProxy.close();
      await bitrix24.close();
    },
  });

  const pipedrive = await startPipedriveFake();
  const pipedriveProxy = await startFaultProxy(
    pipedrive.url,
    { rate, weights: { ...NETWORK, ...VENDOR }, slowMs, isCreate: (m, p) => m === 'POST' && p === '/v1/leads', inject: (f) => pipedrive.inject(toFault(f)) },
    random,
  );
  vendors.push({
    name: 'pipedrive',
    destination: { type: 'pipedrive', ...pipedrive.options, baseUrl: pipedriveProxy.url },
    env: pipedrive.env,
    share: 0.05,
    looksBeforeCreate: true,
    copies: (email) => pipedrive.leadsWithEmail(email).length,
    proxy: pipedriveProxy,
    close: async () => {
      await pipedriveProxy.close();
      await pipedrive.close();
    },
  });
  return vendors;
}

/** The relay configuration of a chaos run: one form per vendor, minFillMs 0, short delays. */
export function chaosConfig(vendors: ChaosVendor[], delivery: Record<string, number>): Record<string, unknown> {
  return {
    forms: Object.fromEntries(
      vendors.map((vendor) => [
        `to-${vendor.name}`,
        {
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'email', type: 'email', required: true },
            { name: 'company', type: 'text' },
            { name: 'message', type: 'textarea' },
          ],
          minFillMs: 0,
          destination: vendor.name,
        },
      ]),
    ),
    destinations: Object.fromEntries(vendors.map((vendor) => [vendor.name, vendor.destination])),
    delivery,
    limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
  };
}
