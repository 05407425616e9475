/**
 * The form's partial leads (`GET /v1/admin/partials?form=ID`, paged by its `Link` header): when each
 * last changed, which fields the visitor had filled, and what became of it (waiting, became a partial
 * lead, completed). Only the names of the fields are shown: the values are the visitor's, and the
 * lead itself carries them to the CRM.
 */
import { signal } from '@preact/signals';
import type { AdminPartial } from '../../src/relay/partials/admin.ts';
import { apiPage } from '../api.ts';

/** A partial as the relay lists it; the page reads only what it shows. */
export type PartialRow = Pick<AdminPartial, 'key' | 'fields' | 'createdAt' | 'updatedAt' | 'dueAt' | 'promotedAt'> & {
  /** `pending`: waiting for the visitor; `promoted`: made a lead marked partial; `completed`, should the relay list those too. */
  state: AdminPartial['state'] | 'completed';
};

/** What each state means, in the words the page uses. */
export const STATE_TITLES: Record<string, string> = {
  pending: 'waiting',
  promoted: 'became a partial lead',
  completed: 'completed',
};

/** Partials per page; the list's `Link` header names the next. @default 50 */
export const PARTIALS_PAGE_SIZE = 50;

export const partials = signal<PartialRow[] | null>(null);
const nextPage = signal<string | null>(null);
const error = signal<string | null>(null);
/** The form whose list is shown: a page that arrives for another is dropped. */
let shownForm: string | null = null;

export async function loadPartials(form: string): Promise<void> {
  shownForm = form;
  error.value = null;
  try {
    const page = await apiPage<PartialRow[]>(`/v1/admin/partials?form=${encodeURIComponent(form)}&limit=${PARTIALS_PAGE_SIZE}`);
    if (shownForm !== form) return;
    partials.value = page.body;
    nextPage.value = page.next;
  } catch (e) {
    if (shownForm !== form) return;
    partials.value = null;
    nextPage.value = null;
    error.value = (e as Error).message;
  }
}

async function more(): Promise<void> {
  const path = nextPage.value;
  const form = shownForm;
  if (!path) return;
  try {
    const page = await apiPage<PartialRow[]>(path);
    if (shownForm !== form) return;
    partials.value = [...(partials.value ?? []), ...page.body];
    nextPage.value = page.next;
  } catch (e) {
    error.value = (e as Error).message;
  }
}

/** The names of the fields that hold something: the values stay the visitor's. */
const filledNames = (fields: PartialRow['fields']) =>
  Object.entries(fields ?? {}).flatMap(([name, value]) => (value === '' || value === null || value === undefined || value === false ? [] : [name]));

const localTime = (iso: string) => <time dateTime={iso}>{new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}</time>;

export function Partials({ form }: { form: string }) {
  const rows = partials.value;
  return (
    <section aria-labelledby="insight-partials" class="block">
      <h2 id="insight-partials">Partial leads</h2>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {rows && rows.length === 0 && (
        <p>
          No partial leads for <code>{form}</code>. A form with <code>"partials": true</code> keeps one once a visitor has typed a valid email or phone.
        </p>
      )}
      {rows && rows.length > 0 && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region has to take focus for the keyboard to scroll it
        <section class="scroll" tabIndex={0} aria-labelledby="partials-caption">
          <table>
            <caption id="partials-caption">Partial leads of {form}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Fields filled</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-partial={row.key}>
                  <th scope="row">{localTime(row.updatedAt)}</th>
                  <td>{filledNames(row.fields).join(', ') || '—'}</td>
                  <td data-state={row.state}>
                    {STATE_TITLES[row.state] ?? row.state}
                    {row.state === 'pending' && row.dueAt && <> (until {localTime(row.dueAt)})</>}
                    {row.state === 'promoted' && row.promotedAt && <> ({localTime(row.promotedAt)})</>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {rows && nextPage.value && (
        <button type="button" onClick={() => void more()}>
          More
        </button>
      )}
    </section>
  );
}
