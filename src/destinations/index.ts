/**
 * The registry of destination adapters. Runtime entries build destinations through it; the relay
 * core receives the built ones and never imports an adapter itself. A new CRM is its own file
 * (made with `defineDestination`, define.ts) and one line in `ADAPTERS`.
 */
import type { Checked } from '../schema/checked.ts';
import { within } from '../schema/problems.ts';
import type { DestinationDeps, RoutedForm } from './define.ts';
import { sandbox } from './sandbox.ts';
import type { Destination, DestinationFactory } from './types.ts';
import { webhook } from './webhook.ts';
import { bitrix24 } from './bitrix24.ts';
import { leadsquared } from './leadsquared.ts';
import { close } from './close.ts';
import { capillary } from './capillary.ts';
import { pipedrive } from './pipedrive.ts';
import { email } from './email.ts';
import { slack } from './slack.ts';

export type { DestinationDeps } from './define.ts';

/** One configuration entry under `destinations`: the adapter's `type` and its own options. */
export interface DestinationEntry {
  type: string;
  [option: string]: unknown;
}

/** Every adapter the relay ships, each named by its own `type`. */
const ADAPTERS: readonly (DestinationFactory<DestinationDeps> & { type: string })[] = [
  sandbox,
  webhook,
  bitrix24,
  leadsquared,
  close,
  capillary,
  pipedrive,
  email,
  slack,
];

/** The adapters by type. Passed to `parseConfig`, it also tells which options of each type are secrets. */
export const destinationFactories: Record<string, DestinationFactory<DestinationDeps>> = Object.fromEntries(ADAPTERS.map((adapter) => [adapter.type, adapter]));

export const DESTINATION_TYPES = Object.keys(destinationFactories);

/** The forms whose leads go to destination `name`, by `destination` or among `destinations`. */
export function formsDeliveringTo(name: string, forms: Readonly<Record<string, RoutedForm>>): Record<string, RoutedForm> {
  return Object.fromEntries(Object.entries(forms).filter(([, form]) => form.destination === name || form.destinations?.includes(name)));
}

/** Builds every configured destination, or lists what is wrong with their options. */
export function createDestinations(
  configs: Record<string, DestinationEntry>,
  deps: DestinationDeps,
  /** The adapters to build from; a runtime may add its own (a private CRM, a test double). */
  factories: Record<string, DestinationFactory<DestinationDeps>> = destinationFactories,
): Checked<Map<string, Destination>> {
  const destinations = new Map<string, Destination>();
  const problems: string[] = [];
  for (const [name, { type, deliverPartials: _partials, ...options }] of Object.entries(configs)) {
    const factory = factories[type];
    if (!factory) {
      problems.push(`destinations.${name}.type: "${type}" is not a destination type; use one of ${Object.keys(factories).join(', ')}`);
      continue;
    }
    const built = factory(options, deps.forms ? { ...deps, forms: formsDeliveringTo(name, deps.forms) } : deps);
    if (built.ok) destinations.set(name, built.value);
    else problems.push(...within(`destinations.${name}`, built.problems));
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: destinations };
}
