/**
 * The admin forms suite on Node: the core's `app.request`, with the outbox and the form store in
 * one real SQLite file on disk, as `npm start` keeps them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../runtime/node/sqlite-store.ts';
import { createRelay } from './app.ts';
import { parseConfig } from './config.ts';
import { formCatalog } from './forms/catalog.ts';
import { SqlFormStore } from './forms/sql-form-store.ts';
import { adminFormsSuite, FORMS_ADMIN_TOKEN, FORMS_SUITE_CONFIG, ORIGIN } from './testing/admin-forms-suite.ts';

adminFormsSuite('node (SQLite on disk)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-admin-forms-'));
  const parsed = parseConfig(FORMS_SUITE_CONFIG);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const config = parsed.value;
  const store = new SqliteStore({ file: join(dir, 'leadform.sqlite') });
  const forms = formCatalog({ fileForms: config.forms, store: new SqlFormStore(store.sql), declaredDestinations: Object.keys(config.destinations) });
  const app = createRelay({ config, forms, outbox: store, adminToken: FORMS_ADMIN_TOKEN });
  return {
    request: async (path, init) => app.request(`${ORIGIN}${path}`, init),
    async close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
