/**
 * The one form lookup of the relay: the accept path, delivery (each destination's mapping), the
 * public definition, the embed page, the snippets and the admin API all ask `forms.get(id)`.
 * It answers synchronously from memory, so the accept path costs what it did with the
 * configuration's forms alone: the file's forms (read-only, `source: "file"`) and the live
 * version of every published store form (`source: "store"`), refreshed when the store changes.
 *
 * On Node the process that writes the store is the one that serves, so a change refreshes the
 * catalogue at once (`changed()`). On Workers each isolate holds its own copy, refreshed when it is
 * older than `maxAgeMs` (a few seconds), since another isolate may have published.
 */
import type { FormDefinition } from '../../schema/form.ts';
import type { FormConfig } from '../config.ts';
import { type Log, silentLog } from '../log.ts';
import type { FormStore } from './store.ts';
import { checkForm } from './validate.ts';

export interface LiveForm {
  id: string;
  source: 'file' | 'store';
  /** The published version this is; null for a form of the configuration file, which has none. */
  version: number | null;
  config: FormConfig;
  /** The definition the submission schema is built from, one object per version (the schema is cached by it). */
  definition: FormDefinition;
}

/** The seam every reader of forms goes through. */
export interface FormLookup {
  /** The form as it is served now, or undefined when there is none (a draft-only store form included). */
  get(id: string): LiveForm | undefined;
  /** Store form `id` at published version `version`, the live one or an older kept one; undefined when there is no such version. */
  atVersion(id: string, version: number): Promise<LiveForm | undefined>;
}

export interface FormCatalog extends FormLookup {
  /** Every form served now, the file's first. */
  all(): LiveForm[];
  /** The store behind the catalogue; null when the relay keeps no store forms. */
  readonly store: FormStore | null;
  /** Whether `refresh()` is due; checked by every request that reads forms. */
  stale(): boolean;
  /** Reads the store's live versions again; concurrent calls share one read. Never rejects: a failed read is logged and the forms served so far stay. */
  refresh(): Promise<void>;
  /** Counts refreshes that changed something, so derived caches (the consent rule) know when to rebuild. */
  readonly generation: number;
}

export interface FormCatalogOptions {
  /** The configuration file's forms. */
  fileForms: Readonly<Record<string, FormConfig>>;
  /** The store forms' home. @default none: only the file's forms */
  store?: FormStore | undefined;
  /** The destinations the configuration declares: a store form naming another is not served (and logged). @default none */
  declaredDestinations?: string[];
  /** How long a read of the store is trusted. @default Infinity: until `refresh()` is called (Node, after each change) */
  maxAgeMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default silent */
  log?: Log;
  /** Older versions kept in memory at most, for submissions on a page loaded before a publish. @default 256 */
  maxOlderVersions?: number;
}

/** How soon a catalogue with a lifetime asks its store again after a read failed. */
const RETRY_AFTER_FAILURE_MS = 1_000;

export function formCatalog(options: FormCatalogOptions): FormCatalog {
  const store = options.store ?? null;
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLog;
  const maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
  const declared = options.declaredDestinations ?? [];
  const maxOlder = options.maxOlderVersions ?? 256;
  const fileForms = new Map(
    Object.entries(options.fileForms).map(([id, config]): [string, LiveForm] => [
      id,
      { id, source: 'file', version: null, config, definition: { id, ...config } },
    ]),
  );
  let storeForms = new Map<string, LiveForm>();
  /** Older versions by `id@version`, least recently used first. */
  const older = new Map<string, LiveForm>();
  let loadedAt = store ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let loading: Promise<void> | null = null;
  let generation = 0;

  /** A stored form as served, or null when it no longer passes the checks (its destination was removed from the configuration). */
  function liveForm(id: string, version: number, form: unknown): LiveForm | null {
    const checked = checkForm(form, declared);
    if (!checked.ok) {
      log('forms.unservable', {
        form: id,
        version,
        issues: checked.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('\n'),
      });
      return null;
    }
    return { id, source: 'store', version, config: checked.value, definition: { id, ...checked.value } };
  }

  async function load(): Promise<void> {
    const started = now();
    const next = new Map<string, LiveForm>();
    for (const { id, version, form } of await store!.live()) {
      // A form the file declares is the file's: the store's copy under its id is not served.
      if (fileForms.has(id)) continue;
      const kept = storeForms.get(id);
      const served = kept?.version === version ? kept : liveForm(id, version, form);
      if (served) next.set(id, served);
    }
    const changed = next.size !== storeForms.size || [...next].some(([id, form]) => storeForms.get(id) !== form);
    storeForms = next;
    loadedAt = started;
    if (changed) generation++;
  }

  return {
    store,
    get generation() {
      return generation;
    },
    get: (id) => fileForms.get(id) ?? storeForms.get(id),
    all: () => [...fileForms.values(), ...storeForms.values()],
    stale: () => now() - loadedAt >= maxAgeMs,
    refresh() {
      if (!store) return Promise.resolve();
      loading ??= load()
        .catch((error: unknown) => {
          // The forms served so far stay served: a store that cannot answer now (a Durable Object
          // overloaded or restarting) must not turn away submissions of forms already known.
          // It is asked again after a second rather than on every request meanwhile.
          log('forms.refresh_failed', { error: error instanceof Error ? error.message.slice(0, 200) : String(error) });
          if (Number.isFinite(maxAgeMs)) loadedAt = Math.max(loadedAt, now() - maxAgeMs + RETRY_AFTER_FAILURE_MS);
        })
        .finally(() => {
          loading = null;
        });
      return loading;
    },
    async atVersion(id, version) {
      const current = storeForms.get(id);
      if (current?.version === version) return current;
      if (!store || fileForms.has(id)) return undefined;
      const key = `${id}@${version}`;
      let found = older.get(key);
      if (found) {
        older.delete(key);
      } else {
        const kept = await store.version(id, version);
        found = (kept && liveForm(id, kept.version, kept.form)) ?? undefined;
        if (!found) return undefined;
      }
      older.set(key, found);
      if (older.size > maxOlder) older.delete(older.keys().next().value!);
      return found;
    },
  };
}

const fileLookups = new WeakMap<Readonly<Record<string, FormConfig>>, FormCatalog>();

/** The configuration's forms alone as a lookup, one per configuration (for callers given no catalogue). */
export function fileFormLookup(forms: Readonly<Record<string, FormConfig>>): FormCatalog {
  let lookup = fileLookups.get(forms);
  if (!lookup) fileLookups.set(forms, (lookup = formCatalog({ fileForms: forms })));
  return lookup;
}
