/**
 * The form lookup over a real store (SQLite on disk): two catalogues over one store stand for two
 * Workers isolates, one publishing, the other seeing it once its copy is older than `maxAgeMs`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SqliteStore } from '../../runtime/node/sqlite-store.ts';
import { parseConfig } from '../config.ts';
import { formCatalog } from './catalog.ts';
import { SqlFormStore } from './sql-form-store.ts';

const form = (title: string, destination = 'inbox') => ({ title, fields: [{ name: 'email', type: 'email' }], destination });
const parsed = parseConfig({ forms: { contact: form('File') }, destinations: { inbox: { type: 'sandbox' } } });
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const config = parsed.value;

let dir: string;
let sqlite: SqliteStore;
let store: SqlFormStore;
let clock: number;
const by = () => ({ at: clock, actor: 'api token' });
const catalog = (maxAgeMs?: number) =>
  formCatalog({ fileForms: config.forms, store, declaredDestinations: ['inbox'], now: () => clock, ...(maxAgeMs === undefined ? {} : { maxAgeMs }) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-catalog-'));
  sqlite = new SqliteStore({ file: join(dir, 'leadform.sqlite') });
  store = new SqlFormStore(sqlite.sql);
  clock = 1_000_000;
});
afterEach(() => {
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

it('shows another writer’s publish once its copy is older than maxAgeMs, and answers from memory until then', async () => {
  const publisher = catalog();
  const isolate = catalog(5_000);
  expect(isolate.stale()).toBe(true);
  await isolate.refresh();
  expect(isolate.get('quote')).toBeUndefined();
  store.saveDraft('quote', form('One'), by());
  store.publish('quote', by());
  await publisher.refresh();
  expect(publisher.get('quote')).toMatchObject({ source: 'store', version: 1, config: { title: 'One' } });
  clock += 4_999;
  expect(isolate.stale()).toBe(false);
  expect(isolate.get('quote')).toBeUndefined();
  clock += 1;
  expect(isolate.stale()).toBe(true);
  const generation = isolate.generation;
  await isolate.refresh();
  expect(isolate.get('quote')?.version).toBe(1);
  expect(isolate.generation).toBe(generation + 1);
  // An unchanged version keeps its object, so the definitions and schemas built from it stay cached.
  const served = isolate.get('quote');
  clock += 10_000;
  await isolate.refresh();
  expect(isolate.get('quote')).toBe(served);
  expect(isolate.generation).toBe(generation + 1);
});

it('keeps the file’s form under its id, skips a store form the configuration can no longer deliver, and finds older versions', async () => {
  for (const [id, title, destination] of [
    ['contact', 'Store copy', 'inbox'],
    ['gone', 'Gone', 'removed'],
    ['quote', 'One', 'inbox'],
  ] as const) {
    store.saveDraft(id, form(title, destination), by());
    store.publish(id, by());
  }
  store.saveDraft('quote', form('Two'), by());
  store.publish('quote', by());
  const forms = catalog();
  await forms.refresh();
  expect(forms.get('contact')).toMatchObject({ source: 'file', version: null, config: { title: 'File' } });
  expect(forms.get('gone')).toBeUndefined();
  expect(forms.all().map((each) => each.id)).toEqual(['contact', 'quote']);
  expect((await forms.atVersion('quote', 1))?.config.title).toBe('One');
  expect(await forms.atVersion('quote', 2)).toBe(forms.get('quote'));
  expect(await forms.atVersion('quote', 3)).toBeUndefined();
  expect(await forms.atVersion('contact', 1)).toBeUndefined();
});

it('keeps serving what it has when the store cannot answer, logs it, and asks again a second later', async () => {
  store.saveDraft('quote', form('One'), by());
  store.publish('quote', by());
  const events: string[] = [];
  let failing = false;
  const flaky = new Proxy(store, {
    get: (target, name) =>
      name === 'live'
        ? async () => {
            if (failing) throw new Error('Durable Object overloaded');
            return target.live();
          }
        : Reflect.get(target, name, target),
  });
  const isolate = formCatalog({
    fileForms: config.forms,
    store: flaky,
    declaredDestinations: ['inbox'],
    now: () => clock,
    maxAgeMs: 5_000,
    log: (event) => events.push(event),
  });
  await isolate.refresh();
  failing = true;
  clock += 5_000;
  await expect(isolate.refresh()).resolves.toBeUndefined();
  expect(events).toEqual(['forms.refresh_failed']);
  expect(isolate.get('quote')?.version).toBe(1);
  expect(isolate.get('contact')?.source).toBe('file');
  expect(isolate.stale()).toBe(false);
  clock += 1_000;
  expect(isolate.stale()).toBe(true);
});
