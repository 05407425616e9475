/**
 * The builder's calls to the relay's admin forms API (DESIGN.md, "Public interfaces of the next
 * release"), through `api.ts` like every view. Each answer is read as the relay writes it, with
 * the few shapes a list may come in (a bare list or `{versions: [...]}`) taken alike.
 */
import type { Snippets } from '../../src/relay/snippets.ts';
import { api } from '../api.ts';
import { type Draft, type Issue, readIssues } from './model.ts';

/** A form as the list shows it. */
export interface FormSummary {
  id: string;
  title?: unknown;
  /** "file": declared in the configuration file, read-only here; "store": made in the builder. */
  source: 'file' | 'store';
}

/** A form as the editor opens it: what is live, what is being prepared, and where it lives. */
export interface FormRecord {
  id: string;
  source: 'file' | 'store';
  published: Draft | null;
  draft: Draft | null;
  /** The live version's number, once one is published. */
  version: number | null;
}

export interface VersionInfo {
  version: number;
  publishedAt?: string;
  /** Who published it: `session:<id>` or `api token`. */
  publishedBy?: string;
}

/** One change to a form: who (the session, or the API token), when, what. */
export interface HistoryEntry {
  at: string;
  actor?: string;
  action?: 'draft_saved' | 'published' | 'restored' | 'duplicated' | string;
  version?: number | null;
  from?: string;
}

const at = (id: string) => `/v1/admin/forms/${encodeURIComponent(id)}`;
const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** A form the relay holds, under `form` beside its version, or the form itself. */
function formOf(value: unknown): Draft | null {
  if (!value || typeof value !== 'object') return null;
  const wrapped = value as { form?: unknown; definition?: unknown };
  const inner = wrapped.form ?? wrapped.definition;
  return (inner && typeof inner === 'object' ? inner : value) as Draft;
}

function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const inner = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

export async function listForms(): Promise<FormSummary[]> {
  const body = await api<unknown>('/v1/admin/forms');
  return listOf<FormSummary & { source?: 'file' | 'store' }>(body, 'forms').map((form) => ({ ...form, source: form.source ?? 'file' }));
}

export async function readForm(id: string): Promise<FormRecord> {
  const body = await api<Record<string, unknown>>(at(id));
  const published = body.published as { version?: number } | null | undefined;
  return {
    id,
    source: body.source === 'store' ? 'store' : 'file',
    published: formOf(published),
    draft: formOf(body.draft),
    version: typeof body.publishedVersion === 'number' ? body.publishedVersion : typeof published?.version === 'number' ? published.version : null,
  };
}

/** Saves the draft: no issues, or the relay's issues (422), each with its path inside the form. */
export async function saveDraft(id: string, draft: Draft): Promise<Issue[]> {
  try {
    await api(`${at(id)}/draft`, json('PUT', draft));
    return [];
  } catch (error) {
    const { status, body } = error as { status?: number; body?: unknown };
    if (status === 422) {
      const issues = readIssues(body);
      return issues.length ? issues : [{ path: '', message: (error as Error).message }];
    }
    throw error;
  }
}

export const publishForm = (id: string): Promise<{ version: number }> => api(`${at(id)}/publish`, json('POST'));

export async function listVersions(id: string): Promise<VersionInfo[]> {
  return listOf<VersionInfo>(await api<unknown>(`${at(id)}/versions`), 'versions').sort((a, b) => b.version - a.version);
}

export const restoreVersion = (id: string, version: number): Promise<unknown> => api(`${at(id)}/versions/${version}/restore`, json('POST'));

export const duplicateForm = (id: string, newId: string): Promise<unknown> => api(`${at(id)}/duplicate`, json('POST', { id: newId }));

/** The form as the JSON to paste under `forms` in the configuration file. */
export const exportForm = (id: string): Promise<unknown> => api(`${at(id)}/export`);

export async function listHistory(id: string): Promise<HistoryEntry[]> {
  return listOf<HistoryEntry>(await api<unknown>(`${at(id)}/history`), 'history');
}

export const readSnippets = (id: string): Promise<Snippets> => api<Snippets>(`${at(id)}/snippets`);

/** The destinations the relay's configuration declares: the builder chooses among them. */
export async function listDestinations(): Promise<{ name: string; type: string | null }[]> {
  const body = await api<{ destinations: { name: string; type: string | null; configured?: boolean }[] }>('/v1/admin/destinations');
  return body.destinations.filter((each) => each.configured !== false);
}
