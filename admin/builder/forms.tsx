/**
 * The Forms view (`#view=forms`): the list of forms, and the builder for one of them
 * (`#view=forms&form=ID`). Forms of the configuration file are read-only here: they can be
 * duplicated into the builder and exported; forms made in the builder are edited, checked by the
 * relay, published with a diff, and restored from any earlier version.
 */
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { checkForm } from '../../src/relay/forms/validate.ts';
import type { Snippets } from '../../src/relay/snippets.ts';
import {
  duplicateForm,
  exportForm,
  type FormSummary,
  type HistoryEntry,
  listDestinations,
  listForms,
  listHistory,
  listVersions,
  publishForm,
  readForm,
  readSnippets,
  restoreVersion,
  saveDraft,
  type VersionInfo,
} from './client.ts';
import { SNIPPET_TITLES } from '../deliveries.tsx';
import { FieldList, FieldPanel } from './fields.tsx';
import { type Change, controlId, type Draft, diffForms, fieldIndexOf, issueControl, newDraft, readIssues } from './model.ts';
import { renderPreview } from './preview.ts';
import { SettingsPanel, StepsPanel } from './settings.tsx';
import { destinations, dirty, draft, edit, forgetDraft, issues, keptDraft, locale, notice, record, saved, selected } from './store.ts';
import { BUILDER_CSS } from './styles.ts';

const formFromHash = () => new URLSearchParams(location.hash.slice(1)).get('form');
const openId = signal(formFromHash());
addEventListener('hashchange', () => (openId.value = formFromHash()));

const LOCALES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'pl', 'ru', 'tr', 'ja', 'zh', 'ar', 'he'];
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const problem = signal('');

const style = document.createElement('style');
style.textContent = BUILDER_CSS;
document.head.append(style);

export function Forms() {
  return openId.value ? <Editor key={openId.value} id={openId.value} /> : <FormList />;
}

// ——— the list ———

const forms = signal<FormSummary[] | null>(null);
const exported = signal<{ id: string; json: string } | null>(null);
const newId = signal('');
const duplicating = signal<{ from: string; id: string } | null>(null);

async function loadForms() {
  try {
    forms.value = await listForms();
    problem.value = '';
  } catch (error) {
    problem.value = `The forms could not be loaded: ${(error as Error).message}`;
  }
}

const titleOf = (title: unknown) => (typeof title === 'string' ? title : title && typeof title === 'object' ? (Object.values(title)[0] as string) : '');

function FormList() {
  useEffect(() => void loadForms(), []);
  const create = (event: Event) => {
    event.preventDefault();
    const id = newId.value.trim();
    if (!ID_PATTERN.test(id)) return void (problem.value = 'A form id is 1 to 64 letters, digits, - or _, e.g. "spring-offer".');
    if (forms.value?.some((form) => form.id === id)) return void (problem.value = `A form "${id}" exists already; choose another id.`);
    newId.value = '';
    location.hash = `view=forms&form=${encodeURIComponent(id)}`;
  };
  return (
    <section aria-labelledby="forms-heading">
      <h2 id="forms-heading">Forms</h2>
      {problem.value && (
        <p class="error" role="alert">
          {problem.value}
        </p>
      )}
      <form class="new-form" onSubmit={create}>
        <label for="new-form-id">New form id</label>
        <input id="new-form-id" value={newId.value} placeholder="spring-offer" onInput={(event) => (newId.value = event.currentTarget.value)} required />
        <button type="submit">New form</button>
      </form>
      {forms.value === null ? (
        <p>Loading…</p>
      ) : (
        <table class="forms">
          <thead>
            <tr>
              <th scope="col">Form</th>
              <th scope="col">Title</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {forms.value.map((form) => (
              <tr key={form.id} data-form={form.id}>
                <th scope="row" id={`form-${form.id}`}>
                  {form.id}
                  <small class="hint">{form.source === 'file' ? 'Configuration file (read-only)' : 'Builder'}</small>
                </th>
                <td>{titleOf(form.title)}</td>
                <td>
                  {form.source === 'store' && (
                    <a href={`#view=forms&form=${encodeURIComponent(form.id)}`} aria-describedby={`form-${form.id}`}>
                      Edit
                    </a>
                  )}
                  {form.source === 'file' && (
                    <button type="button" aria-describedby={`form-${form.id}`} onClick={() => (duplicating.value = { from: form.id, id: `${form.id}-copy` })}>
                      Duplicate into the builder
                    </button>
                  )}
                  <button
                    type="button"
                    aria-describedby={`form-${form.id}`}
                    onClick={async () => {
                      try {
                        exported.value = { id: form.id, json: JSON.stringify({ [form.id]: await exportForm(form.id) }, null, 2) };
                      } catch (error) {
                        problem.value = `Export failed: ${(error as Error).message}`;
                      }
                    }}
                  >
                    Export JSON
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {duplicating.value && <DuplicateForm />}
      {exported.value && (
        <figure>
          <figcaption>
            Form “{exported.value.id}” as JSON, to paste under <code>forms</code> in the configuration file
          </figcaption>
          <pre>
            <code>{exported.value.json}</code>
          </pre>
        </figure>
      )}
    </section>
  );
}

function DuplicateForm() {
  const { from, id } = duplicating.value!;
  return (
    <form
      class="new-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!ID_PATTERN.test(id)) return void (problem.value = 'A form id is 1 to 64 letters, digits, - or _.');
        try {
          await duplicateForm(from, id);
          duplicating.value = null;
          location.hash = `view=forms&form=${encodeURIComponent(id)}`;
        } catch (error) {
          problem.value = `Could not duplicate "${from}": ${(error as Error).message}`;
        }
      }}
    >
      <label for="duplicate-id">Id of the copy of {from}</label>
      <input id="duplicate-id" value={id} onInput={(event) => (duplicating.value = { from, id: event.currentTarget.value })} required />
      <button type="submit">Duplicate</button>
      <button type="button" onClick={() => (duplicating.value = null)}>
        Cancel
      </button>
    </form>
  );
}

// ——— the editor ———

const versions = signal<VersionInfo[]>([]);
const history = signal<HistoryEntry[]>([]);
const snippets = signal<Snippets | null>(null);
const changes = signal<Change[] | null>(null);
const restoredLocally = signal(false);

async function loadSide(id: string) {
  const [found, changed, snips] = await Promise.allSettled([listVersions(id), listHistory(id), readSnippets(id)]);
  versions.value = found.status === 'fulfilled' ? found.value : [];
  history.value = changed.status === 'fulfilled' ? changed.value : [];
  snippets.value = snips.status === 'fulfilled' && record.value?.version ? snips.value : null;
}

/** Opens form `id`: the relay's draft, or this browser's unsaved one, or a first draft for a new form. */
async function openForm(id: string) {
  record.value = null;
  draft.value = null;
  issues.value = [];
  notice.value = '';
  selected.value = 0;
  restoredLocally.value = false;
  try {
    const [found, declared] = await Promise.all([
      readForm(id).catch((error: { status?: number }) => {
        if (error.status === 404) return null;
        throw error;
      }),
      listDestinations().catch(() => []),
    ]);
    destinations.value = declared;
    const base = found?.draft ?? found?.published ?? null;
    record.value = found ?? { id, source: 'store', published: null, draft: null, version: null };
    saved.value = base ? JSON.stringify(base) : '';
    const kept = keptDraft(id);
    if (kept && JSON.stringify(kept) !== saved.value) {
      draft.value = kept;
      restoredLocally.value = true;
    } else draft.value = base ?? newDraft(declared[0]?.name);
    problem.value = '';
    if (found) void loadSide(id);
  } catch (error) {
    problem.value = `Form "${id}" could not be opened: ${(error as Error).message}`;
  }
}

/** Saves the draft at the relay; its issues, if any, are shown at their controls. */
async function save(): Promise<boolean> {
  const { id } = record.value!;
  const current = draft.value!;
  try {
    const found = await saveDraft(id, current);
    issues.value = found;
    if (found.length) {
      notice.value = `The relay found ${found.length} problem${found.length === 1 ? '' : 's'} in the draft.`;
      requestAnimationFrame(() => document.getElementById('issues-heading')?.focus());
      return false;
    }
    saved.value = JSON.stringify(current);
    forgetDraft(id);
    notice.value = 'Draft saved.';
    void loadSide(id);
    return true;
  } catch (error) {
    notice.value = `The draft could not be saved: ${(error as Error).message}`;
    return false;
  }
}

async function askToPublish() {
  if (!(await save())) return;
  try {
    const found = await readForm(record.value!.id);
    record.value = found;
    changes.value = diffForms(found.published, draft.value!);
  } catch (error) {
    notice.value = `Could not read the published form: ${(error as Error).message}`;
  }
}

async function publish() {
  const { id } = record.value!;
  try {
    const { version } = await publishForm(id);
    changes.value = null;
    record.value = await readForm(id);
    notice.value = `Published version ${version}. GET /v1/forms/${id} serves it now.`;
    await loadSide(id);
  } catch (error) {
    const { body } = error as { body?: unknown };
    changes.value = null;
    notice.value = `Not published: ${(error as Error).message}`;
    const found = readIssues(body);
    if (found.length) issues.value = found;
  }
}

/** Moves focus to the control an issue is about, opening its field's panel first. */
function focusIssue(path: string) {
  const index = fieldIndexOf(path);
  if (index !== undefined) selected.value = index;
  requestAnimationFrame(() => document.getElementById(controlId(issueControl(path)))?.focus());
}

/**
 * The checks the relay makes of a draft (`checkForm`, the same function), run here as one types,
 * so each problem shows at its control before anything is sent; Save and Publish still ask the relay,
 * which is the judge (it also checks the form's id and the secrets it names).
 */
function useLiveCheck(current: Draft | null) {
  useEffect(() => {
    if (!current) return;
    const timer = setTimeout(() => {
      const checked = checkForm(
        current,
        destinations.value.map((each) => each.name),
      );
      issues.value = checked.ok ? [] : readIssues({ issues: checked.issues });
    }, 250);
    return () => clearTimeout(timer);
  }, [current]);
}

function Editor({ id }: { id: string }) {
  useEffect(() => void openForm(id), [id]);
  useLiveCheck(draft.value);
  if (problem.value && !draft.value) {
    return (
      <p class="error" role="alert">
        {problem.value} <a href="#view=forms">Back to the forms</a>
      </p>
    );
  }
  if (!draft.value || !record.value) return <p>Loading form “{id}”…</p>;
  const readOnly = record.value.source === 'file';
  return (
    <section aria-labelledby="editor-heading" class="builder">
      <p>
        <a href="#view=forms">← All forms</a>
      </p>
      <h2 id="editor-heading">
        Form “{id}” {record.value.version ? <small>(live: version {record.value.version})</small> : <small>(not published yet)</small>}
      </h2>
      {readOnly && (
        <p class="error" role="alert">
          This form is declared in the configuration file: the relay keeps it read-only. Duplicate it into the builder from the list of forms to change it.
        </p>
      )}
      {restoredLocally.value && (
        <p role="status" class="restored">
          Unsaved changes from this browser were restored.{' '}
          <button
            type="button"
            onClick={() => {
              forgetDraft(id);
              void openForm(id);
            }}
          >
            Discard them
          </button>
        </p>
      )}
      <div class="toolbar">
        <label for="edit-locale">Language edited and previewed</label>
        <select id="edit-locale" value={locale.value} onChange={(event) => (locale.value = event.currentTarget.value)}>
          {LOCALES.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </select>
        <button type="button" disabled={readOnly} onClick={() => void save()}>
          Save draft
        </button>
        <button type="button" disabled={readOnly} aria-describedby={issues.value.length ? 'issues-heading' : undefined} onClick={() => void askToPublish()}>
          Publish…
        </button>
        <span class="state">{dirty.value ? 'Unsaved changes (kept in this browser)' : 'All changes saved'}</span>
      </div>
      <p role="status" class="notice">
        {notice.value}
      </p>
      <IssueSummary />
      {changes.value && <PublishConfirm />}
      <div class="columns">
        <div>
          <FieldList />
          <FieldPanel />
        </div>
        <div>
          <StepsPanel />
          <SettingsPanel />
        </div>
        <Preview />
      </div>
      <Versions id={id} />
      {snippets.value && <SnippetList />}
    </section>
  );
}

/** Where an issue is, in the editor's words: `Field “company”, pattern`, `Step 2, title`, `Setting title`. */
function where(path: string): string {
  const [head, index, ...rest] = path.split('.');
  const key = rest.length ? `, ${rest.join('.')}` : '';
  if (head === 'fields' && index !== undefined && /^\d+$/.test(index)) return `Field “${draft.value?.fields[Number(index)]?.name ?? Number(index) + 1}”${key}`;
  if (head === 'steps' && index !== undefined && /^\d+$/.test(index)) return `Step ${Number(index) + 1}${key}`;
  return head ? `Setting ${path}` : 'The form';
}

function IssueSummary() {
  if (!issues.value.length) return null;
  return (
    <section class="issues" aria-labelledby="issues-heading">
      <h3 id="issues-heading" tabIndex={-1}>
        {issues.value.length} problem{issues.value.length === 1 ? '' : 's'} to fix before this form can be published
      </h3>
      <ul>
        {issues.value.map((issue, index) => (
          <li key={index}>
            <a
              href={`#${controlId(issueControl(issue.path))}`}
              onClick={(event) => {
                event.preventDefault();
                focusIssue(issue.path);
              }}
            >
              {where(issue.path)}: {issue.message}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

const KIND_WORDS: Record<Change['kind'], string> = { added: 'Added', removed: 'Removed', changed: 'Changed', moved: 'Moved' };

function PublishConfirm() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal();
  }, []);
  const list = changes.value!;
  return (
    <dialog ref={dialog} aria-labelledby="publish-heading" onClose={() => (changes.value = null)}>
      <h3 id="publish-heading">Publish these changes?</h3>
      {list.length === 0 ? (
        <p>The draft is the same as the live version; publishing makes a new version with no change.</p>
      ) : (
        <ul class="diff">
          {list.map((change, index) => (
            <li key={index} data-kind={change.kind}>
              <strong>{KIND_WORDS[change.kind]}</strong> {change.what}
              {change.details && (
                <ul>
                  {change.details.map((detail) => (
                    <li key={detail.key}>
                      {detail.key}: <del>{detail.before}</del> → <ins>{detail.after}</ins>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => void publish()}>
        Publish now
      </button>
      <button type="button" onClick={() => dialog.current?.close()}>
        Cancel
      </button>
    </dialog>
  );
}

const previewProblem = signal('');

function Preview() {
  const box = useRef<HTMLDivElement>(null);
  const current = draft.value;
  const lang = locale.value;
  useEffect(() => {
    const timer = setTimeout(() => {
      previewProblem.value = '';
      if (box.current && current) void renderPreview(box.current, current as Draft, lang, (message) => (previewProblem.value = message));
    }, 120);
    return () => clearTimeout(timer);
  }, [current, lang]);
  return (
    <section aria-labelledby="preview-heading" class="preview">
      <h3 id="preview-heading">Preview ({lang})</h3>
      <p class="hint">The real widget, as visitors see it; it sends nothing.</p>
      {previewProblem.value && <p class="error">{previewProblem.value}</p>}
      <div ref={box} data-testid="preview" />
    </section>
  );
}

const ACTIONS: Record<string, string> = { draft_saved: 'saved the draft', published: 'published', restored: 'restored', duplicated: 'duplicated' };

function Versions({ id }: { id: string }) {
  return (
    <section aria-labelledby="versions-heading">
      <h3 id="versions-heading">Versions</h3>
      {versions.value.length === 0 ? (
        <p>No version published yet.</p>
      ) : (
        <ul class="versions">
          {versions.value.map((each) => (
            <li key={each.version}>
              Version {each.version}
              {each.publishedAt && <> · {new Date(each.publishedAt).toLocaleString()}</>}
              {each.publishedBy && <> · by {each.publishedBy}</>}
              {each.version === record.value?.version && <strong> · live</strong>}{' '}
              <button
                type="button"
                disabled={record.value?.source === 'file'}
                onClick={async () => {
                  try {
                    await restoreVersion(id, each.version);
                    const found = await readForm(id);
                    record.value = found;
                    saved.value = JSON.stringify(found.draft);
                    edit(found.draft ?? draft.value!);
                    issues.value = [];
                    notice.value = `Version ${each.version} copied into the draft; publish to make it live.`;
                    void loadSide(id);
                  } catch (error) {
                    notice.value = `Could not restore version ${each.version}: ${(error as Error).message}`;
                  }
                }}
              >
                Restore version {each.version}
              </button>
            </li>
          ))}
        </ul>
      )}
      {history.value.length > 0 && (
        <>
          <h3>History</h3>
          <ul class="history">
            {history.value.map((entry, index) => (
              <li key={index}>
                {new Date(entry.at).toLocaleString()} · {entry.actor ?? 'admin'} · {ACTIONS[entry.action ?? ''] ?? entry.action}
                {entry.version ? ` (version ${entry.version})` : ''}
                {entry.from ? ` from ${entry.from}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function SnippetList() {
  return (
    <section aria-labelledby="snippets-heading">
      <h3 id="snippets-heading">Put it on a page</h3>
      {Object.entries(snippets.value!).map(([mode, code]) => (
        <figure key={mode} data-mode={mode}>
          <figcaption>{SNIPPET_TITLES[mode as keyof Snippets] ?? mode}</figcaption>
          <pre>
            <code>{code}</code>
          </pre>
        </figure>
      ))}
    </section>
  );
}
