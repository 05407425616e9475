/**
 * `npm run backup -- FILE`: a consistent copy of the Node relay's outbox ($LEADFORM_DATA_DIR,
 * default ./.leadform), safe while the relay runs and takes leads. It goes through SQLite's online
 * backup API, which copies the database as one snapshot together with what its write-ahead log
 * holds; copying `leadform.sqlite` with cp would miss every lead still only in `leadform.sqlite-wal`.
 * The copy is checked (quick_check) and written as one self-contained file (no -wal of its own)
 * before it takes the name FILE; to restore it, stop the relay and copy it to
 * `$LEADFORM_DATA_DIR/leadform.sqlite`.
 */
import Database from 'better-sqlite3';
import { existsSync, linkSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Checked } from '../src/schema/checked.ts';

export interface BackupDone {
  source: string;
  target: string;
  leads: number;
}

export async function backupOutbox(dataDir: string, target: string): Promise<Checked<BackupDone>> {
  const source = join(resolve(dataDir), 'leadform.sqlite');
  const to = resolve(target);
  if (!existsSync(source)) {
    return { ok: false, problems: [`LEADFORM_DATA_DIR: no outbox at ${source}; set LEADFORM_DATA_DIR to the folder the relay keeps its data in`] };
  }
  if (existsSync(to)) return { ok: false, problems: [`FILE: ${to} exists; name a new file, so that no backup is overwritten`] };
  if (!existsSync(dirname(to))) return { ok: false, problems: [`FILE: the folder ${dirname(to)} does not exist; create it or name a file in another folder`] };

  const partial = `${to}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // Every page in one step: one read snapshot, so writes meanwhile never restart the copy.
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(partial, { force: true });
    return {
      ok: false,
      problems: [`LEADFORM_DATA_DIR: cannot copy ${source} (${(error as Error).message}); check the folder is readable and FILE's folder has space`],
    };
  } finally {
    db.close();
  }

  const copy = new Database(partial);
  let leads: number;
  try {
    // One self-contained file: a backup must not depend on a -wal beside it.
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`quick_check: ${String(check)}`);
    leads = copy.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number;
  } catch (error) {
    copy.close();
    rmSync(partial, { force: true });
    return { ok: false, problems: [`FILE: the copy of ${source} did not check out (${(error as Error).message}); run the backup again`] };
  }
  copy.close();
  // A link, unlike a rename, fails when a file appeared under the name since the check above.
  try {
    linkSync(partial, to);
  } catch (error) {
    rmSync(partial, { force: true });
    return {
      ok: false,
      problems: [
        `FILE: ${to} could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); name a new file, so that no backup is overwritten`,
      ],
    };
  }
  rmSync(partial, { force: true });
  return { ok: true, value: { source, target: to, leads } };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target || process.argv.length > 3) {
    console.error('leadform: usage: npm run backup -- FILE (a new file; the outbox is read from $LEADFORM_DATA_DIR, default ./.leadform)');
    process.exit(2);
  }
  const done = await backupOutbox(process.env.LEADFORM_DATA_DIR ?? '.leadform', target);
  if (!done.ok) {
    console.error(`leadform: cannot back up:\n${done.problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`leadform: backed up ${done.value.source} to ${done.value.target} (${done.value.leads} leads, quick_check ok)`);
}
