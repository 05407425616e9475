/**
 * A partial not completed within its form's `partialAfterMinutes` becomes a lead marked
 * `partial`, stored in the outbox for the form's destinations with `deliverPartials: true`
 * (none: it stays a promoted partial, visible in the admin API, delivered nowhere).
 *
 * Exactly once across restarts and crashes without one transaction spanning both stores: the
 * lead goes into the outbox under its own Idempotency-Key (`partial:` + the visitor's key) and
 * the lead id fixed at the partial's first save, and only then is the partial marked promoted. A
 * crash between the two leaves it pending; the next pass stores it again, which the outbox
 * answers as a replay of the same key, storing nothing, and marks it then. A partial whose final
 * submission is in the outbox after all (its completion was lost, or raced the pass) is marked
 * completed instead of promoted.
 */
import { partialDestinations, type RelayConfig } from '../config.ts';
import type { Log } from '../log.ts';
import type { Outbox } from '../outbox.ts';
import type { PartialStore } from './store.ts';

export interface PromoteDeps {
  config: Pick<RelayConfig, 'forms' | 'destinations'>;
  partials: PartialStore;
  outbox: Pick<Outbox, 'accept' | 'findByIdempotencyKey'>;
  now: () => number;
  log: Log;
  /** Called once per destination a promoted lead was stored for, so the runtime delivers it at once. @default none */
  onPromoted?: ((destination: string) => unknown) | undefined;
}

/** The Idempotency-Key a promoted partial's lead is stored under: never the one its final submission carries. */
export function promotedKey(key: string): string {
  return `partial:${key}`;
}

/** Promotes the partials due by now, up to `limit`; returns how many were settled (promoted or completed). */
export async function promoteDuePartials(deps: PromoteDeps, limit = 100): Promise<number> {
  const due = await deps.partials.due(deps.now(), limit);
  const woken = new Set<string>();
  for (const partial of due) {
    const { formId, key } = partial;
    if (await deps.outbox.findByIdempotencyKey(formId, key)) {
      await deps.partials.settle(formId, key, 'completed', deps.now());
      continue;
    }
    const form = deps.config.forms[formId];
    const destinations = form ? partialDestinations(form, deps.config) : [];
    if (destinations.length > 0) {
      const what = { lead: { ...partial.lead, id: partial.leadId, partial: true as const }, idempotencyKey: promotedKey(key), bodyHash: 'partial' };
      const stored = await deps.outbox.accept(destinations.length === 1 ? { ...what, destination: destinations[0]! } : { ...what, destinations });
      if (stored.kind === 'stored') for (const name of destinations) woken.add(name);
    }
    await deps.partials.settle(formId, key, 'promoted', deps.now());
    deps.log('partial.promoted', { form: formId, id: partial.leadId, destination: destinations.join(',') || null });
  }
  for (const name of woken) {
    try {
      await deps.onPromoted?.(name);
    } catch (error) {
      deps.log('partial.on_promoted_failed', { destination: name, error: error instanceof Error ? error.message.slice(0, 200) : String(error) });
    }
  }
  return due.length;
}
