/**
 * The form store in SQL, shared by Node's SQLite file and a Workers Durable Object's SQLite, each
 * bringing its `SqlDriver` as the outbox does. Its tables sit beside the outbox's in the same
 * database; neither knows the other's schema. Every call is synchronous here; the interface lets
 * a Durable Object answer the same calls over RPC.
 */
import type { SqlDriver, SqlValue } from '../../storage/sql-driver.ts';
import type { ChangeBy, FormAction, FormChange, FormStore, FormVersion, LiveVersion, StoredForm } from './store.ts';

export const FORM_STORE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS forms (
    id TEXT PRIMARY KEY,
    draft TEXT,
    draft_saved_at INTEGER,
    published_version INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS form_versions (
    form_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    form TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (form_id, version)
  )`,
  `CREATE TABLE IF NOT EXISTS form_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    form_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    version INTEGER,
    source_form TEXT
  )`,
  'CREATE INDEX IF NOT EXISTS form_changes_form ON form_changes (form_id, seq DESC)',
];

interface FormRow {
  id: string;
  draft: string | null;
  draft_saved_at: number | null;
  published_version: number | null;
  created_at: number;
  updated_at: number;
}

interface VersionRow {
  version: number;
  form: string;
  published_at: number;
  published_by: string;
}

interface ChangeRow {
  at: number;
  actor: string;
  action: FormAction;
  version: number | null;
  source_form: string | null;
}

const toStored = (row: FormRow): StoredForm => ({
  id: row.id,
  draft: row.draft === null ? null : JSON.parse(row.draft),
  draftSavedAt: row.draft_saved_at,
  publishedVersion: row.published_version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toVersion = (row: VersionRow): FormVersion => ({
  version: row.version,
  form: JSON.parse(row.form),
  publishedAt: row.published_at,
  publishedBy: row.published_by,
});

export class SqlFormStore implements FormStore {
  constructor(readonly sql: SqlDriver) {
    for (const statement of FORM_STORE_SCHEMA) sql.exec(statement);
  }

  list(): StoredForm[] {
    return this.sql.all<FormRow>('SELECT * FROM forms ORDER BY id').map(toStored);
  }

  get(id: string): StoredForm | null {
    const row = this.sql.all<FormRow>('SELECT * FROM forms WHERE id = ?', id)[0];
    return row ? toStored(row) : null;
  }

  saveDraft(id: string, form: unknown, by: ChangeBy, duplicatedFrom?: string): StoredForm {
    return this.sql.transaction(() => {
      const json = JSON.stringify(form);
      const changed = this.sql.run('UPDATE forms SET draft = ?, draft_saved_at = ?, updated_at = ? WHERE id = ?', json, by.at, by.at, id);
      if (changed === 0) {
        this.sql.run('INSERT INTO forms (id, draft, draft_saved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', id, json, by.at, by.at, by.at);
      }
      this.record(id, by, duplicatedFrom === undefined ? 'draft_saved' : 'duplicated', null, duplicatedFrom ?? null);
      return this.get(id)!;
    });
  }

  publish(id: string, by: ChangeBy): { version: number } | null {
    return this.sql.transaction(() => {
      const row = this.sql.all<FormRow>('SELECT * FROM forms WHERE id = ?', id)[0];
      if (!row || row.draft === null) return null;
      const version = (row.published_version ?? 0) + 1;
      this.sql.run(
        'INSERT INTO form_versions (form_id, version, form, published_at, published_by) VALUES (?, ?, ?, ?, ?)',
        id,
        version,
        row.draft,
        by.at,
        by.actor,
      );
      this.sql.run('UPDATE forms SET draft = NULL, draft_saved_at = NULL, published_version = ?, updated_at = ? WHERE id = ?', version, by.at, id);
      this.record(id, by, 'published', version, null);
      return { version };
    });
  }

  restore(id: string, version: number, by: ChangeBy): boolean {
    return this.sql.transaction(() => {
      const kept = this.sql.all<{ form: string }>('SELECT form FROM form_versions WHERE form_id = ? AND version = ?', id, version)[0];
      if (!kept) return false;
      this.sql.run('UPDATE forms SET draft = ?, draft_saved_at = ?, updated_at = ? WHERE id = ?', kept.form, by.at, by.at, id);
      this.record(id, by, 'restored', version, null);
      return true;
    });
  }

  versions(id: string): FormVersion[] {
    return this.sql
      .all<VersionRow>('SELECT version, form, published_at, published_by FROM form_versions WHERE form_id = ? ORDER BY version DESC', id)
      .map(toVersion);
  }

  version(id: string, version: number): FormVersion | null {
    const row = this.sql.all<VersionRow>(
      'SELECT version, form, published_at, published_by FROM form_versions WHERE form_id = ? AND version = ?',
      id,
      version,
    )[0];
    return row ? toVersion(row) : null;
  }

  history(id: string): FormChange[] {
    return this.sql
      .all<ChangeRow>('SELECT at, actor, action, version, source_form FROM form_changes WHERE form_id = ? ORDER BY seq DESC', id)
      .map((row) => ({ at: row.at, actor: row.actor, action: row.action, version: row.version, ...(row.source_form ? { from: row.source_form } : {}) }));
  }

  live(): LiveVersion[] {
    return this.sql
      .all<{ id: string; version: number; form: string }>(
        'SELECT forms.id AS id, form_versions.version AS version, form_versions.form AS form FROM forms JOIN form_versions ON form_versions.form_id = forms.id AND form_versions.version = forms.published_version',
      )
      .map((row) => ({ id: row.id, version: row.version, form: JSON.parse(row.form) }));
  }

  private record(id: string, by: ChangeBy, action: FormAction, version: number | null, from: string | null): void {
    const params: SqlValue[] = [id, by.at, by.actor, action, version, from];
    this.sql.run('INSERT INTO form_changes (form_id, at, actor, action, version, source_form) VALUES (?, ?, ?, ?, ?, ?)', ...params);
  }
}
