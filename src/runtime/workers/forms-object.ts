/**
 * The Workers form store: one SQLite-backed Durable Object (`FORMS`, named "forms") holding every
 * store form, its drafts, versions and history, through the same `SqlFormStore` as Node's file.
 * One object serialises every change, so two admins publishing at once get versions n and n+1.
 * Each Worker isolate reads the live versions from it every few seconds (see `FORMS_MAX_AGE_MS`).
 */
import { DurableObject, type DurableObjectState } from 'cloudflare:workers';
import { type FormCatalog, formCatalog } from '../../relay/forms/catalog.ts';
import { SqlFormStore } from '../../relay/forms/sql-form-store.ts';
import type { ChangeBy, FormStore } from '../../relay/forms/store.ts';
import { durableSqlDriver } from './durable-sql-driver.ts';
import { jsonLog } from '../../relay/log.ts';
import { config, type Env } from './shared.ts';

/** How long a Worker isolate trusts its copy of the live forms before it asks the object again: 5 s. */
export const FORMS_MAX_AGE_MS = 5_000;

export class FormsObject extends DurableObject<Env> {
  private readonly store: SqlFormStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SqlFormStore(durableSqlDriver(ctx.storage));
  }

  list() {
    return this.store.list();
  }
  get(id: string) {
    return this.store.get(id);
  }
  saveDraft(id: string, form: unknown, by: ChangeBy, duplicatedFrom?: string) {
    return this.store.saveDraft(id, form, by, duplicatedFrom);
  }
  publish(id: string, by: ChangeBy) {
    return this.store.publish(id, by);
  }
  restore(id: string, version: number, by: ChangeBy) {
    return this.store.restore(id, version, by);
  }
  versions(id: string) {
    return this.store.versions(id);
  }
  version(id: string, version: number) {
    return this.store.version(id, version);
  }
  history(id: string) {
    return this.store.history(id);
  }
  live() {
    return this.store.live();
  }
}

/** The store as a Worker sees it: every call an RPC to the one forms object. */
export function durableFormStore(env: Pick<Env, 'FORMS'>): FormStore {
  const object = () => env.FORMS.get(env.FORMS.idFromName('forms'));
  return {
    list: () => object().list(),
    get: (id) => object().get(id),
    saveDraft: (id, form, by, duplicatedFrom) => object().saveDraft(id, form, by, duplicatedFrom),
    publish: (id, by) => object().publish(id, by),
    restore: (id, version, by) => object().restore(id, version, by),
    versions: (id) => object().versions(id),
    version: (id, version) => object().version(id, version),
    history: (id) => object().history(id),
    live: () => object().live(),
  };
}

let catalogue: { env: Pick<Env, 'FORMS'>; forms: FormCatalog } | undefined;

/**
 * This isolate's form lookup: the bundled configuration's forms and the forms object's live
 * versions, read again when older than `FORMS_MAX_AGE_MS`. One per isolate, shared by the Worker
 * and the outbox objects running in it.
 */
export function isolateForms(env: Pick<Env, 'FORMS'>): FormCatalog {
  if (catalogue?.env !== env) {
    catalogue = {
      env,
      forms: formCatalog({
        fileForms: config.forms,
        store: durableFormStore(env),
        declaredDestinations: Object.keys(config.destinations),
        maxAgeMs: FORMS_MAX_AGE_MS,
        log: jsonLog,
      }),
    };
  }
  return catalogue.forms;
}
