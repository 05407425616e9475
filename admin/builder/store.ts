/**
 * The form open in the builder, in signals: what the relay holds, the draft being edited, the
 * relay's issues with it. Every edit goes through `edit`, which also keeps the unsaved draft in
 * this browser (localStorage, one entry per form) so a reload or a closed tab loses nothing.
 */
import { computed, signal } from '@preact/signals';
import type { FormRecord } from './client.ts';
import { type Draft, type Issue, issueControl, storageKey } from './model.ts';

/** The form open in the editor, as the relay last answered for it; null while the list shows. */
export const record = signal<FormRecord | null>(null);
export const draft = signal<Draft | null>(null);
/** The draft the relay holds, as JSON: the draft differs from it while there are unsaved changes. */
export const saved = signal('');
export const issues = signal<Issue[]>([]);
/** The field the property panel shows, by its index in the list. */
export const selected = signal(0);
/** The language the texts are edited in, and the preview shown in. */
export const locale = signal('en');
/** A line the page announces after an action: saved, published, restored. */
export const notice = signal('');

export const dirty = computed(() => draft.value !== null && JSON.stringify(draft.value) !== saved.value);

/** The destinations the relay's configuration declares. */
export const destinations = signal<{ name: string; type: string | null }[]>([]);

/** Replaces the draft with `next`, and keeps it in this browser while it differs from the relay's. */
export function edit(next: Draft): void {
  draft.value = next;
  const id = record.value?.id;
  if (!id) return;
  if (dirty.value) localStorage.setItem(storageKey(id), JSON.stringify(next));
  else localStorage.removeItem(storageKey(id));
}

/** The draft this browser kept for form `id`, if any. */
export function keptDraft(id: string): Draft | null {
  try {
    const kept = JSON.parse(localStorage.getItem(storageKey(id)) ?? 'null') as Draft | null;
    return kept && Array.isArray(kept.fields) ? kept : null;
  } catch {
    return null;
  }
}

export function forgetDraft(id: string): void {
  localStorage.removeItem(storageKey(id));
}

/** The issues shown at the control of `path` (see `issueControl`). */
export const issuesAt = (path: string): Issue[] => issues.value.filter((issue) => issueControl(issue.path) === path);

// Leaving with unsaved changes asks first; the draft is kept in this browser either way.
addEventListener('beforeunload', (event) => {
  if (dirty.value) event.preventDefault();
});
