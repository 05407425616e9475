/**
 * Forms in the store: the ones made in the builder, kept in the relay's own database rather than
 * in the configuration file. One `FormStore` interface, one implementation in SQL
 * (`sql-form-store.ts`) that Node runs over its SQLite file and Workers over a Durable Object's
 * SQLite; each runtime injects its own. Every call may answer asynchronously (a Durable Object's
 * are RPCs), so callers always await.
 *
 * A store form has at most one draft and any number of published versions, numbered 1, 2, … and
 * every one kept: a lead records the version it was submitted on. Publishing turns the draft into
 * the next version and clears the draft; restoring copies a version back into the draft.
 */

/** A value, or its promise. */
export type Awaitable<T> = T | Promise<T>;

/** One store form as the admin API shows it. `draft` and each version hold the form as a configuration file would (without its id). */
export interface StoredForm {
  id: string;
  /** The draft as last saved; null when there is none (never saved, or published since). */
  draft: unknown;
  /** Epoch milliseconds of the last draft save; null without a draft. */
  draftSavedAt: number | null;
  /** The live version's number; null until the first publish. */
  publishedVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface FormVersion {
  version: number;
  /** The form as published. */
  form: unknown;
  publishedAt: number;
  /** Who published it: `session:<id>` or `api token`. */
  publishedBy: string;
}

export type FormAction = 'draft_saved' | 'published' | 'restored' | 'duplicated';

/** One change to a form, as its history lists it. */
export interface FormChange {
  /** Epoch milliseconds. */
  at: number;
  /** Who: `session:<id>` for a signed-in admin page, `api token` for a bearer token. */
  actor: string;
  action: FormAction;
  /** The version published or restored; null for a draft save or a duplicate. */
  version: number | null;
  /** For a duplicate: the form it was copied from. */
  from?: string | undefined;
}

/** Who changes a form, and when. */
export interface ChangeBy {
  at: number;
  actor: string;
}

/** The version each published store form serves, for the catalogue's cache. */
export interface LiveVersion {
  id: string;
  version: number;
  form: unknown;
}

export interface FormStore {
  list(): Awaitable<StoredForm[]>;
  get(id: string): Awaitable<StoredForm | null>;
  /**
   * Saves `form` (already validated) as the draft of `id`, creating the store form when it is new.
   * `duplicatedFrom` records the save as a duplicate of that form.
   */
  saveDraft(id: string, form: unknown, by: ChangeBy, duplicatedFrom?: string): Awaitable<StoredForm>;
  /** Publishes the draft as the next version; null when the form has no draft (or does not exist). */
  publish(id: string, by: ChangeBy): Awaitable<{ version: number } | null>;
  /** Copies version `version` into the draft; false when there is no such version. */
  restore(id: string, version: number, by: ChangeBy): Awaitable<boolean>;
  /** Every published version, newest first. */
  versions(id: string): Awaitable<FormVersion[]>;
  version(id: string, version: number): Awaitable<FormVersion | null>;
  /** Every change, newest first. */
  history(id: string): Awaitable<FormChange[]>;
  /** The live version of every published store form. */
  live(): Awaitable<LiveVersion[]>;
}
