/**
 * The registry of destination adapters. Runtime entries build destinations through it; the relay
 * core receives the built ones and never imports an adapter itself.
 */
import type { Checked } from '../schema/checked.ts';
import type { DestinationConfig } from '../relay/config.ts';
import { sandbox, type SandboxInbox } from './sandbox.ts';
import type { Destination, DestinationFactory } from './types.ts';
import { webhook } from './webhook.ts';
import { bitrix24 } from './bitrix24.ts';
import { leadsquared } from './leadsquared.ts';
import { close } from './close.ts';
import { capillary } from './capillary.ts';
import { pipedrive } from './pipedrive.ts';

export interface DestinationDeps {
  sandboxInbox?: SandboxInbox;
  /**
   * Reads a secret from the environment. When given, each factory checks at start-up that the
   * variables its options name are set, so a missing one stops the relay with its name.
   */
  secret?: (name: string) => string | undefined;
}

export const destinationFactories: Record<string, DestinationFactory<DestinationDeps>> = {
  sandbox,
  webhook,
  bitrix24,
  leadsquared,
  close,
  capillary,
  pipedrive,
};

export const DESTINATION_TYPES = Object.keys(destinationFactories);

/** Builds every configured destination, or lists what is wrong with their options. */
export function createDestinations(
  configs: Record<string, DestinationConfig>,
  deps: DestinationDeps,
  /** The adapters to build from; a runtime may add its own (a private CRM, a test double). */
  factories: Record<string, DestinationFactory<DestinationDeps>> = destinationFactories,
): Checked<Map<string, Destination>> {
  const destinations = new Map<string, Destination>();
  const problems: string[] = [];
  for (const [name, { type, ...options }] of Object.entries(configs)) {
    const factory = factories[type];
    if (!factory) {
      problems.push(`destinations.${name}.type: "${type}" is not a destination type; use one of ${Object.keys(factories).join(', ')}`);
      continue;
    }
    const built = factory(options, deps);
    if (built.ok) destinations.set(name, built.value);
    else problems.push(...built.problems.map((problem) => `destinations.${name}: ${problem}`));
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: destinations };
}
