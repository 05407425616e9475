/**
 * The admin page's deliveries view: each destination's counts, submissions by delivery state (one
 * row per destination of a lead: attempts, last error), replay of dead letters, and each form's
 * embed snippets.
 */
import { effect, signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, apiPage, token } from './api.ts';
import type { AdminSubmission as Submission } from '../src/relay/admin.ts';
import type { DeliveryState as State } from '../src/relay/outbox.ts';
import type { Snippets } from '../src/relay/snippets.ts';

interface FormInfo {
  id: string;
  destinations: { name: string; type: string | null }[];
}

/** A destination's counts, as `GET /v1/admin/destinations` lists them. */
interface DestinationInfo {
  name: string;
  type: string | null;
  configured: boolean;
  pending: number;
  delivered: number;
  dead: number;
  oldestPendingAt: string | null;
}

/** How the page names each embed mode; the HTML itself is the relay's (`GET /v1/admin/forms/{id}/snippets`). */
export const SNIPPET_TITLES: Record<keyof Snippets, string> = {
  declarative: 'Declarative: a div where the form goes (its height reserved)',
  queue: 'Imperative: LeadForm command queue (safe before the script loads)',
  popup: 'Popup: opens over the page from a button',
  iframe: 'Iframe: where no script is allowed',
};

// The page's state lives in signals: components read them, and reading subscribes, so a change
// re-renders exactly what shows it.
const state = signal<State>('dead');
const rows = signal<Submission[] | null>(null);
/** The path of the list's next page, while more remain. */
const nextPage = signal<string | null>(null);
const forms = signal<FormInfo[]>([]);
/** Each form's snippets, by form id, as the relay built them. */
const snippets = signal<Record<string, Snippets>>({});
/** The entries `#submission=ID` named, for the loads that open them: shown even beyond the first page. */
const opened = signal<Submission[]>([]);
/** What `#submission=ID` found: the rows to highlight, or the id that named nothing. */
const target = signal<{ id: string; rows: string[] } | { id: string; missing: true } | null>(null);
/** The row id (or "message") to move focus to once it is on the page. */
const focusRequest = signal<string | null>(null);
const destinations = signal<DestinationInfo[]>([]);
const error = signal<string | null>(null);
const notice = signal<string | null>(null);

/**
 * Loads the chosen state's first page and each destination's counts, which every state change and
 * replay moves. The forms and their snippets load when the view is shown (`loadForms`).
 */
async function load(): Promise<void> {
  if (!token.value) return;
  error.value = null;
  // Taken now (peek: the effect that loads must not rerun when it changes): later loads fetch afresh.
  const pinned = opened.peek();
  const chosen = state.peek();
  try {
    const [list, destinationList] = await Promise.all([
      apiPage<Submission[]>(`/v1/admin/submissions?state=${chosen}`),
      api<{ destinations: DestinationInfo[] }>('/v1/admin/destinations'),
    ]);
    // An opened entry of this state that is not on the first page still shows, at the top.
    const shown = new Set(list.body.map((row) => row.id));
    rows.value = [...pinned.filter((row) => row.state === chosen && !shown.has(row.id)), ...list.body];
    nextPage.value = list.next;
    destinations.value = destinationList.destinations;
  } catch (e) {
    rows.value = null;
    nextPage.value = null;
    error.value = (e as Error).message;
  }
}

/** Fetches the forms and each one's snippets from the relay, the one place that builds them. */
async function loadForms(): Promise<void> {
  try {
    const list = (await api<{ forms: FormInfo[] }>('/v1/admin/forms')).forms;
    forms.value = list;
    const entries = await Promise.all(
      list.map(async (form) => [form.id, await api<Snippets>(`/v1/admin/forms/${encodeURIComponent(form.id)}/snippets`)] as const),
    );
    snippets.value = Object.fromEntries(entries);
  } catch (e) {
    error.value = (e as Error).message;
  }
}

/** Which of a lead's entries to show first: the one that needs the operator most. */
const URGENCY: readonly State[] = ['dead', 'pending', 'delivered'];

/**
 * Opens the submission `#submission=ID` names (an alert's link): its state's list, its rows
 * highlighted and the first focused; or a message, focused, that there is no such submission.
 */
async function openFromHash(): Promise<void> {
  const id = new URLSearchParams(location.hash.slice(1)).get('submission');
  if (!id || !token.value) {
    target.value = null;
    opened.value = [];
    return;
  }
  try {
    const entries = await api<Submission[]>(`/v1/admin/submissions/${encodeURIComponent(id)}`);
    const first = URGENCY.find((s) => entries.some((entry) => entry.state === s)) ?? entries[0]!.state;
    const chosen = entries.filter((entry) => entry.state === first);
    opened.value = entries;
    target.value = { id, rows: chosen.map((entry) => entry.id) };
    if (entries.length > chosen.length) {
      notice.value = `Lead ${entries[0]!.leadId}: ${entries.map((entry) => `${entry.destination} ${entry.state}`).join(', ')}.`;
    }
    // A change of state loads through the effect below; the same state is loaded again here.
    const before = state.peek();
    state.value = first;
    if (before === first) listLoad = load();
    await listLoad;
    // A reload or a replay later shows the list as the relay has it, not these entries as they were.
    opened.value = [];
    focusRequest.value = chosen[0]!.id;
  } catch (e) {
    opened.value = [];
    if ((e as { status?: number }).status === 404) {
      target.value = { id, missing: true };
      focusRequest.value = 'message';
    } else {
      error.value = (e as Error).message;
    }
  }
}

/** Moves focus to `element` when it is what focusRequest names, once. */
function focusWhenRequested(name: string) {
  return (element: HTMLElement | null) => {
    if (!element || focusRequest.peek() !== name) return;
    focusRequest.value = null;
    element.scrollIntoView({ block: 'center' });
    element.focus();
  };
}

/** Appends the next page of the list, as its `Link` header named it. */
async function more(): Promise<void> {
  const path = nextPage.value;
  const shown = state.value;
  if (!path) return;
  try {
    const page = await apiPage<Submission[]>(path);
    // Another state was chosen meanwhile: its own first page is shown instead.
    if (state.value !== shown) return;
    rows.value = [...(rows.value ?? []), ...page.body];
    nextPage.value = page.next;
  } catch (e) {
    error.value = (e as Error).message;
  }
}

/** The latest load the effect below (or an opened link) started, for a link to wait on. */
let listLoad: Promise<void> = Promise.resolve();
// Reload whenever the token or the chosen state changes.
effect(() => {
  void token.value;
  void state.value;
  listLoad = load();
});

// An alert's link: opened once signed in, and again whenever the hash changes.
effect(() => {
  if (token.value) void Promise.resolve().then(openFromHash);
});
addEventListener('hashchange', () => void openFromHash());

/** Replays one destination's dead letter: the row's entry id names it. */
async function replay(row: Submission): Promise<void> {
  try {
    await api(`/v1/admin/submissions/${encodeURIComponent(row.id)}/replay`, { method: 'POST' });
    // The entry's id: for a lead to several destinations it names the destination too (`<lead id>.<destination>`).
    notice.value = `Submission ${row.id} is pending again.`;
    await load();
  } catch (e) {
    error.value = (e as Error).message;
  }
}

/** The deliveries view: each destination's counts, submissions by state with replay, and each form's snippets. */
export function Deliveries() {
  // The forms and their snippets each time the view is shown (one published in the builder
  // meanwhile appears) and on sign-in; not on a state toggle, which re-renders the view.
  const signedIn = !!token.value;
  useEffect(() => {
    if (signedIn) void loadForms();
  }, [signedIn]);
  // Read so that a focus request re-renders the rows, whose refs then take it.
  void focusRequest.value;
  const highlighted = new Set(target.value && 'rows' in target.value ? target.value.rows : []);
  return (
    <>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {notice.value && <p role="status">{notice.value}</p>}
      {target.value && 'missing' in target.value && (
        <p role="alert" class="error" tabIndex={-1} data-target-message ref={focusWhenRequested('message')}>
          There is no submission <code>{target.value.id}</code> on this relay: the link may be mistyped, or retention erased it.
        </p>
      )}
      <section aria-labelledby="destinations">
        <h2 id="destinations">Destinations</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Destination</th>
              <th scope="col">Pending</th>
              <th scope="col">Delivered</th>
              <th scope="col">Dead</th>
              <th scope="col">Oldest pending</th>
            </tr>
          </thead>
          <tbody>
            {destinations.value.map((d) => (
              <tr key={d.name} data-destination={d.name}>
                <th scope="row">
                  {d.name} ({d.configured ? d.type : 'no longer configured'})
                </th>
                <td>{d.pending}</td>
                <td>{d.delivered}</td>
                <td>{d.dead}</td>
                <td>{d.oldestPendingAt ? <time dateTime={d.oldestPendingAt}>{new Date(d.oldestPendingAt).toLocaleString()}</time> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="subs">
        <h2 id="subs">Submissions</h2>
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form section: a fieldset would need a legend and draw a border */}
        <div role="group" aria-label="Delivery state">
          {(['pending', 'delivered', 'dead'] as const).map((s) => (
            <button type="button" aria-pressed={s === state.value} onClick={() => (state.value = s)} key={s}>
              {s}
            </button>
          ))}
          <button
            type="button"
            onClick={() => {
              void load();
              void loadForms();
            }}
          >
            Reload
          </button>
        </div>
        {rows.value && rows.value.length === 0 && <p>No {state.value} submissions.</p>}
        {rows.value && rows.value.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Submission</th>
                <th scope="col">Form</th>
                <th scope="col">Destination</th>
                <th scope="col">Received</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                {state.value === 'dead' && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {rows.value.map((row) => (
                <tr
                  key={row.id}
                  data-id={row.id}
                  data-lead={row.leadId}
                  tabIndex={highlighted.has(row.id) ? -1 : undefined}
                  aria-current={highlighted.has(row.id) ? 'true' : undefined}
                  ref={focusWhenRequested(row.id)}
                >
                  <td>
                    <code>{row.leadId}</code>
                    {row.uncertain && <span title="An earlier attempt may have reached the CRM"> (uncertain)</span>}
                  </td>
                  <td>{row.form}</td>
                  <td>{row.destination}</td>
                  <td>
                    <time dateTime={row.createdAt}>{new Date(row.createdAt).toLocaleString()}</time>
                    {row.replayedAt && (
                      <>
                        {' '}
                        (replayed <time dateTime={row.replayedAt}>{new Date(row.replayedAt).toLocaleString()}</time>)
                      </>
                    )}
                  </td>
                  <td>{row.attempts}</td>
                  <td>{row.lastError ?? '—'}</td>
                  {state.value === 'dead' && (
                    <td>
                      <button type="button" onClick={() => void replay(row)}>
                        Replay
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {rows.value && nextPage.value && (
          <button type="button" onClick={() => void more()}>
            More
          </button>
        )}
      </section>
      <section aria-labelledby="embeds">
        <h2 id="embeds">Embed snippets</h2>
        {forms.value.map((form) => (
          <article key={form.id} data-form={form.id}>
            <h3>
              Form <code>{form.id}</code> → {form.destinations.map((d) => `${d.name} (${d.type})`).join(', ')}
            </h3>
            {Object.entries(snippets.value[form.id] ?? {}).map(([mode, code]) => (
              <figure key={mode} data-mode={mode}>
                <figcaption>{SNIPPET_TITLES[mode as keyof Snippets]}</figcaption>
                <pre>
                  <code>{code}</code>
                </pre>
                <button type="button" onClick={() => void navigator.clipboard?.writeText(code)}>
                  Copy
                </button>
              </figure>
            ))}
          </article>
        ))}
      </section>
    </>
  );
}
