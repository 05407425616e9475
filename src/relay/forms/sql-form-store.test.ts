/** The form store contract on Node: `SqlFormStore` over better-sqlite3, in a real file on disk beside the outbox. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../runtime/node/sqlite-store.ts';
import { formStoreContract } from './contract.ts';
import { SqlFormStore } from './sql-form-store.ts';

formStoreContract('SqlFormStore over better-sqlite3 (disk)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-form-store-'));
  const file = join(dir, 'leadform.sqlite');
  const opened = [new SqliteStore({ file })];
  return {
    store: new SqlFormStore(opened[0]!.sql),
    async reopen() {
      // A restart: the first process's connections closed, the file opened anew.
      opened[0]!.close();
      const again = new SqliteStore({ file });
      opened.push(again);
      return new SqlFormStore(again.sql);
    },
    async close() {
      opened.at(-1)!.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
