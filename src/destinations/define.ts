/**
 * The one shape of a destination adapter. An adapter states what it is (its `type`), what it
 * takes (a zod/mini schema of its options), which options name secrets, how fast it may call its
 * vendor, and how it delivers one lead; `defineDestination` turns that into the factory the
 * registry (index.ts) lists. Everything adapters share happens here, once:
 *
 * - the options are parsed, every problem worded `key: what is wrong; the fix` (with the key
 *   probably meant for a misspelt one) by src/schema/problems.ts;
 * - at start-up, each declared secret's variable must be set, when the runtime can read them;
 * - at delivery, the declared secrets are read and handed to `deliver` ready to use, and a
 *   variable unset by then fails the attempt with one reason, the same for every adapter;
 * - the built destination names the variables it reads (`secretNames`), whose values delivery
 *   scrubs from every vendor answer it records or logs.
 */
import type * as z from 'zod/mini';
import type { Checked } from '../schema/checked.ts';
import type { Lead } from '../schema/lead.ts';
import { missingSecrets, namedSecrets, parseChecked, secretNotSet } from '../schema/problems.ts';
import type { SqlDriver } from '../storage/sql-driver.ts';
import type { DeliveryContext, DeliveryOutcome, Destination, DestinationFactory, InTransactionDelivery, Pace, SendMail } from './types.ts';

/** What a factory receives besides its options: `secret` lets it report an unset variable at start-up. */
export interface SecretDeps {
  /**
   * Reads a secret from the environment. Without it (a runtime that binds secrets later, the
   * Worker build) nothing is looked up at start-up, and delivery reports a missing one instead.
   * @default none
   */
  secret?: ((name: string) => string | undefined) | undefined;
}

/** What the runtime gives every factory: its secrets and, for destinations that keep state, storage. */
export interface DestinationDeps extends SecretDeps {
  /**
   * The relay's own SQLite (its file on Node, the destination's Durable Object on Workers), where
   * a destination that keeps state of its own (the sandbox inbox) creates its tables.
   * @default none
   */
  sql?: SqlDriver | undefined;
  /**
   * Sends an email over SMTP: given by the Node runtime only, so neither the core nor the Worker
   * bundle imports an SMTP client (an `email` destination with `smtpUrlEnv` needs it).
   * @default none
   */
  sendMail?: SendMail | undefined;
  /**
   * The forms of the configuration, by id. `createDestinations` hands each factory only those
   * whose leads go to the destination it builds, so an adapter can check them (an auto-reply
   * needs the form's email field) and read what a lead's fields are (its consent field).
   * @default none: nothing is checked against the forms
   */
  forms?: Readonly<Record<string, RoutedForm>> | undefined;
  /**
   * The form a lead was submitted on as it is served now, file or store (a form made in the
   * builder after start-up is in no `forms`), read when a lead is delivered: its labels, its
   * consent field. @default `forms` only
   */
  formOf?: ((formId: string) => RoutedForm | undefined) | undefined;
  /**
   * The relay's public address (`publicUrl` in the configuration; on Node, else the address it
   * listens on), read when an alert links to the admin page. Unknown: alerts carry no link.
   * @default none
   */
  publicUrl?: (() => string | undefined) | undefined;
}

/** What a destination may know of a form that delivers to it. */
export interface RoutedForm {
  fields: readonly { name: string; type: string; label?: string | Readonly<Record<string, string>> | undefined }[];
  /** The one destination of the form, when it names one. */
  destination?: string | undefined;
  /** The destinations of the form, when it names several. */
  destinations?: readonly string[] | undefined;
}

type OptionKey<Options> = Extract<keyof Options, string>;

/** The options that can name a secret: a key ending in `Env` whose value is a string. */
export type SecretKey<Options> = {
  [K in OptionKey<Options>]: K extends `${string}Env` ? (NonNullable<Options[K]> extends string ? K : never) : never;
}[OptionKey<Options>];

/**
 * The secrets `deliver` receives, read from the environment, each named as its option without
 * `Env` (`apiTokenEnv` → `secrets.apiToken`). An optional option that is not configured gives
 * undefined.
 */
export type Secrets<Options, Keys extends SecretKey<Options>> = {
  readonly [K in Keys as K extends `${infer Secret}Env` ? Secret : never]: undefined extends Options[K] ? string | undefined : string;
};

/** What `deliver` is given: the delivery context with the secrets already read, instead of a way to read them. */
export type AdapterContext<S> = Omit<DeliveryContext, 'secret'> & { readonly secrets: S };

export interface DestinationDefinition<Options, Keys extends SecretKey<Options>, Settings, Deps> {
  /** The name a configuration's `"type"` gives the adapter, e.g. "pipedrive". */
  type: string;
  /** The options' schema: a zod/mini strict object, each option with JSDoc and its `@default`. */
  options: z.core.$ZodType<Options>;
  /** The option keys that name an environment variable holding a secret, e.g. `['apiTokenEnv']`. */
  secrets: readonly Keys[];
  /**
   * The most calls to the vendor in a window (see `Destination.pace`), or how to find it in the
   * options.
   * @default no pacing
   */
  pace?: Pace | ((options: Options) => Pace | undefined);
  /**
   * Runs once per configured destination after its options parsed: checks across options that a
   * schema cannot express, and anything built once (a cache, a host). Its value is `deliver`'s
   * `settings`.
   * @default the parsed options
   */
  prepare?(options: Options, deps: Deps): Checked<Settings>;
  /** Delivers one lead: the vendor's answer classified as a `DeliveryOutcome`, never thrown. */
  deliver(lead: Lead, context: AdapterContext<Secrets<Options, Keys>>, settings: Settings): Promise<DeliveryOutcome>;
  /**
   * Pages the destination serves itself under the path prefix `at` (the sandbox's inbox under
   * "/sandbox/"), made from its settings.
   * @default none
   */
  pages?: { at: string; serve(settings: Settings): (request: Request) => Response | Promise<Response> };
  /**
   * For a destination that delivers by writing to the relay's own SQL database: that write, made
   * from its settings (see `Destination.inTransaction`).
   * @default none
   */
  inTransaction?(settings: Settings): InTransactionDelivery;
}

/** A factory made by `defineDestination`, which also tells its type and its secret options. */
export type DestinationAdapter<Deps = DestinationDeps> = DestinationFactory<Deps> & {
  readonly type: string;
  readonly secrets: readonly string[];
};

export function defineDestination<
  Options extends Record<string, unknown>,
  Keys extends SecretKey<Options> = never,
  Settings = Options,
  Deps extends DestinationDeps = DestinationDeps,
>(definition: DestinationDefinition<Options, Keys, Settings, Deps>): DestinationAdapter<Deps> {
  const { type } = definition;
  const secrets: readonly string[] = definition.secrets;
  const factory = (input: Record<string, unknown>, deps: Deps): Checked<Destination> => {
    const parsed = parseChecked(definition.options, input);
    if (!parsed.ok) return parsed;
    const options = parsed.value;
    const prepared: Checked<Settings> = definition.prepare ? definition.prepare(options, deps) : { ok: true, value: options as unknown as Settings };
    if (!prepared.ok) return prepared;
    const unset = deps.secret ? missingSecrets(options, secrets, deps.secret) : [];
    if (unset.length) return { ok: false, problems: unset };
    const settings = prepared.value;
    const named = namedSecrets(options, secrets);
    const pace = typeof definition.pace === 'function' ? definition.pace(options) : definition.pace;
    return {
      ok: true,
      value: {
        type,
        ...(pace ? { pace } : {}),
        ...(named.length ? { secretNames: named.map(([, name]) => name) } : {}),
        ...(definition.pages ? { pages: definition.pages.serve(settings) } : {}),
        ...(definition.inTransaction ? { inTransaction: definition.inTransaction(settings) } : {}),
        async deliver(lead, { secret, ...context }) {
          const values: Record<string, string> = {};
          for (const [key, name] of named) {
            const value = secret(name);
            // Unchecked at start-up (no `deps.secret`) or unset since: this attempt cannot authenticate.
            if (!value) return { kind: 'failed', reason: `${type}: ${secretNotSet(name)}` };
            values[key.slice(0, -'Env'.length)] = value;
          }
          return definition.deliver(lead, { ...context, secrets: values as Secrets<Options, Keys> }, settings);
        },
      },
    };
  };
  return Object.assign(factory, { type, secrets, ...(definition.pages ? { pagesAt: definition.pages.at } : {}) });
}
