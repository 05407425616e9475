/**
 * The admin forms API: forms of the configuration file (read-only) and of the store (made in the
 * builder), drafts, published versions, restore, duplicate, export, history and snippets. Behind
 * the admin gate (admin.ts): a bearer token, or the session cookie with `X-CSRF-Token` on every
 * change. Every error is `{error, message, issues?}`; `issues` are `[{path, message}]`, zod-style,
 * the path inside the form as the configuration file writes it (`["fields", 0, "pattern"]`).
 *
 * Routes and bodies (the builder page calls exactly these; see src/relay/forms/README.md):
 * - `GET /v1/admin/forms` → `{forms: [{id, title, destination, destinationType, destinations: [{name, type}],
 *   allowedOrigins, source: "file"|"store", publishedVersion: n|null, hasDraft}]}`.
 * - `GET /v1/admin/forms/{id}` → `{id, source, publishedVersion, hasDraft, published: {version, form, publishedAt, publishedBy}|null,
 *   draft: form|null, draftSavedAt}`; a file form's `published` is `{version: null, form, publishedAt: null, publishedBy: "file"}`. 404.
 * - `PUT /v1/admin/forms/{id}/draft`, body: a form as in the configuration file (no `id`) → 200 as `GET /v1/admin/forms/{id}`;
 *   creates the store form when `id` is new. 400 bad JSON, 409 `managed_by_file`, 413, 422 `validation_failed` with issues
 *   (an id that is not `[A-Za-z0-9_-]{1,64}` is an issue at `["id"]`).
 * - `POST /v1/admin/forms/{id}/publish` → 200 `{version}`; 404, 409 `managed_by_file`, 409 `no_draft`, 422 (the draft no longer passes).
 * - `GET /v1/admin/forms/{id}/versions` → `{versions: [{version, publishedAt, publishedBy, form}]}`, newest first ([] for a file form); 404.
 * - `POST /v1/admin/forms/{id}/versions/{n}/restore` → 200 as `GET /v1/admin/forms/{id}` (the draft is version n's form); 404, 409.
 * - `POST /v1/admin/forms/{id}/duplicate`, body `{"id": "new-id"}` → 201 as `GET /v1/admin/forms/{new-id}` (a store draft, copied from
 *   the form's draft, else its live version); 400, 404, 409 `form_exists`, 422 (issue at `["id"]`).
 * - `GET /v1/admin/forms/{id}/export[?from=draft]` → the form as the JSON to paste under `forms.{id}` in the configuration file
 *   (a store form's live version, else its draft; `?from=draft` its draft); 404.
 * - `GET /v1/admin/forms/{id}/history` → `{history: [{at, actor, action: "draft_saved"|"published"|"restored"|"duplicated", version, from?}]}`,
 *   newest first; `actor` is `session:<id>` or `api token`. [] for a file form; 404.
 * - `GET /v1/admin/forms/{id}/snippets` → `{declarative, queue, popup, iframe}` (of the live version, else the draft); 404.
 * Times are ISO 8601 strings.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { arrivingBody, readBody } from './accept/body.ts';
import { unknownForm } from './accept/form.ts';
import type { AdminEnv } from './admin.ts';
import { type FormConfig, formDestinations, publicDefinition, type RelayConfig } from './config.ts';
import { RelayError } from './errors.ts';
import type { FormCatalog } from './forms/catalog.ts';
import type { StoredForm } from './forms/store.ts';
import { checkForm, type FormIssue } from './forms/validate.ts';
import type { Log } from './log.ts';
import { snippetsFor } from './snippets.ts';

export interface AdminFormsDeps {
  config: Pick<RelayConfig, 'destinations' | 'publicUrl'>;
  forms: FormCatalog;
  now: () => number;
  log: Log;
  /** Reads a secret by the variable a form names, to check a store form's Turnstile secret is set. @default none set */
  secret?: ((name: string) => string | undefined) | undefined;
}

const FORM_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The largest form a draft may be; the configuration file's forms are far smaller. */
const MAX_FORM_BYTES = 256 * 1024;

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

export function adminFormsRoutes(deps: AdminFormsDeps): Hono<AdminEnv> {
  const { config, forms, now, log } = deps;
  const app = new Hono<AdminEnv>();
  const declared = Object.keys(config.destinations);
  // formProblems reads a secret's presence by name; the runtime's reader stands in for the environment.
  const env = new Proxy({} as Record<string, string | undefined>, { get: (_, name) => (typeof name === 'string' ? deps.secret?.(name) : undefined) });

  const fileForm = (id: string) => {
    const form = forms.get(id);
    return form?.source === 'file' ? form : undefined;
  };
  const storeOf = () => {
    if (!forms.store) throw new RelayError('not_found', 404, 'This relay keeps no forms of its own; declare forms in the configuration file.');
    return forms.store;
  };
  const managedByFile = (id: string) =>
    new RelayError(
      'managed_by_file',
      409,
      `Form "${id}" is declared in the configuration file, so it changes there; duplicate it (POST /v1/admin/forms/${id}/duplicate) to edit a copy here.`,
    );
  const invalid = (issues: FormIssue[]) =>
    new RelayError('validation_failed', 422, `The form has ${issues.length} problem(s); see issues.`, {
      issues: issues.map((issue) => ({ path: issue.path, code: 'invalid', message: issue.message })),
    });
  const by = (c: Context<AdminEnv>) => ({ at: now(), actor: c.get('actor') ?? 'api token' });

  /** What `GET /v1/admin/forms/{id}` answers, or null when there is no such form. */
  async function detail(id: string): Promise<Record<string, unknown> | null> {
    const file = fileForm(id);
    if (file) {
      return {
        id,
        source: 'file',
        publishedVersion: null,
        hasDraft: false,
        published: { version: null, form: file.config, publishedAt: null, publishedBy: 'file' },
        draft: null,
        draftSavedAt: null,
      };
    }
    const stored = forms.store ? await forms.store.get(id) : null;
    if (!stored) return null;
    const live = stored.publishedVersion === null ? null : await forms.store!.version(id, stored.publishedVersion);
    return {
      id,
      source: 'store',
      publishedVersion: stored.publishedVersion,
      hasDraft: stored.draft !== null,
      published: live && { version: live.version, form: live.form, publishedAt: iso(live.publishedAt), publishedBy: live.publishedBy },
      draft: stored.draft,
      draftSavedAt: iso(stored.draftSavedAt),
    };
  }

  async function detailOrNotFound(id: string) {
    const found = await detail(id);
    if (!found) throw unknownForm(id);
    return found;
  }

  /** Store form `id`; 404 when the store has none (a file form is looked up before this). */
  async function storedForm(id: string): Promise<StoredForm> {
    const stored = forms.store ? await forms.store.get(id) : null;
    if (!stored) throw unknownForm(id);
    return stored;
  }

  async function jsonBody(c: Context<AdminEnv>, example: string): Promise<unknown> {
    // Counted as it arrives: a body without a length is never buffered past the limit.
    const text = await readBody(arrivingBody(c.req.raw), MAX_FORM_BYTES);
    if (!text.ok) throw new RelayError('too_large', 413, `The body is over ${MAX_FORM_BYTES / 1024} KB; a form is far smaller.`);
    try {
      return JSON.parse(text.value);
    } catch {
      throw new RelayError('bad_json', 400, `The body is not JSON; send ${example}.`);
    }
  }

  /** What a store form is being edited into: its draft, else its live version. */
  async function draftOrLive(stored: StoredForm): Promise<unknown> {
    if (stored.draft !== null) return stored.draft;
    return stored.publishedVersion === null ? null : ((await forms.store!.version(stored.id, stored.publishedVersion))?.form ?? null);
  }

  /** One line of the list: the summary of `config` (a file form, a store form's live version, or its draft). */
  function summary(id: string, config: Partial<FormConfig>, source: 'file' | 'store', publishedVersion: number | null, hasDraft: boolean) {
    const names = formDestinations(config);
    return {
      id,
      title: config.title ?? null,
      // The first destination, as before a form could have several; all of them in `destinations`.
      destination: names[0] ?? null,
      destinationType: names[0] ? (deps.config.destinations[names[0]]?.type ?? null) : null,
      destinations: names.map((name) => ({ name, type: deps.config.destinations[name]?.type ?? null })),
      allowedOrigins: config.allowedOrigins ?? ['self'],
      source,
      publishedVersion,
      hasDraft,
    };
  }

  app.get('/v1/admin/forms', async (c) => {
    const files = forms.all().filter((form) => form.source === 'file');
    const list = files.map((form) => summary(form.id, form.config, 'file', null, false));
    const fileIds = new Set(files.map((form) => form.id));
    for (const stored of forms.store ? await forms.store.list() : []) {
      if (fileIds.has(stored.id)) continue;
      const live = forms.get(stored.id);
      const shown = (live?.config ?? (await draftOrLive(stored)) ?? {}) as Partial<FormConfig>;
      list.push(summary(stored.id, shown, 'store', stored.publishedVersion, stored.draft !== null));
    }
    return c.json({ forms: list });
  });

  app.get('/v1/admin/forms/:formId', async (c) => c.json(await detailOrNotFound(c.req.param('formId'))));

  app.put('/v1/admin/forms/:formId/draft', async (c) => {
    const id = c.req.param('formId');
    if (fileForm(id)) throw managedByFile(id);
    const store = storeOf();
    const body = await jsonBody(c, 'a form as the configuration file writes it, e.g. {"fields": [...], "destination": "sandbox"}');
    const issues: FormIssue[] = FORM_ID.test(id) ? [] : [{ path: ['id'], message: 'a form id is 1 to 64 letters, digits, "_" or "-"; choose another id' }];
    const checked = checkForm(body, declared, env);
    if (!checked.ok) issues.push(...checked.issues);
    if (issues.length) throw invalid(issues);
    await store.saveDraft(id, body, by(c));
    log('form.draft_saved', { form: id, actor: c.get('actor') });
    return c.json(await detailOrNotFound(id));
  });

  app.post('/v1/admin/forms/:formId/publish', async (c) => {
    const id = c.req.param('formId');
    if (fileForm(id)) throw managedByFile(id);
    const store = storeOf();
    const stored = await storedForm(id);
    if (stored.draft === null) throw new RelayError('no_draft', 409, `Form "${id}" has no draft to publish; save one with PUT /v1/admin/forms/${id}/draft.`);
    // The configuration may have changed since the draft was saved (a destination removed).
    const checked = checkForm(stored.draft, declared, env);
    if (!checked.ok) throw invalid(checked.issues);
    const published = await store.publish(id, by(c));
    if (!published) throw new RelayError('no_draft', 409, `Form "${id}" was published meanwhile; reload it.`);
    await forms.refresh();
    log('form.published', { form: id, version: published.version, actor: c.get('actor') });
    return c.json({ version: published.version });
  });

  app.get('/v1/admin/forms/:formId/versions', async (c) => {
    const id = c.req.param('formId');
    if (fileForm(id)) return c.json({ versions: [] });
    await storedForm(id);
    const versions = await forms.store!.versions(id);
    return c.json({
      versions: versions.map((each) => ({ version: each.version, publishedAt: iso(each.publishedAt), publishedBy: each.publishedBy, form: each.form })),
    });
  });

  app.post('/v1/admin/forms/:formId/versions/:version/restore', async (c) => {
    const id = c.req.param('formId');
    if (fileForm(id)) throw managedByFile(id);
    const store = storeOf();
    const version = Number(c.req.param('version'));
    await storedForm(id);
    if (!Number.isInteger(version) || version < 1 || !(await store.restore(id, version, by(c)))) {
      throw new RelayError(
        'not_found',
        404,
        `Form "${id}" has no version ${c.req.param('version').slice(0, 16)}; GET /v1/admin/forms/${id}/versions lists them.`,
      );
    }
    log('form.restored', { form: id, version, actor: c.get('actor') });
    return c.json(await detailOrNotFound(id));
  });

  app.post('/v1/admin/forms/:formId/duplicate', async (c) => {
    const from = c.req.param('formId');
    const body = await jsonBody(c, '{"id": "new-form-id"}');
    const id = (body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !FORM_ID.test(id)) {
      throw invalid([{ path: ['id'], message: 'a form id is 1 to 64 letters, digits, "_" or "-"; choose another id' }]);
    }
    const store = storeOf();
    const file = fileForm(from);
    const stored = file ? null : await store.get(from);
    if (!file && !stored) throw unknownForm(from);
    if (fileForm(id) || (await store.get(id))) {
      throw new RelayError('form_exists', 409, `There is a form "${id}" already; choose another id.`);
    }
    const copy = file ? file.config : await draftOrLive(stored!);
    await store.saveDraft(id, copy, by(c), from);
    log('form.duplicated', { form: id, from, actor: c.get('actor') });
    return c.json(await detailOrNotFound(id), 201);
  });

  app.get('/v1/admin/forms/:formId/export', async (c) => {
    const id = c.req.param('formId');
    const file = fileForm(id);
    if (file) return c.json(file.config);
    const stored = await storedForm(id);
    const form = c.req.query('from') === 'draft' ? stored.draft : await liveOrDraft(stored);
    if (form === null) throw new RelayError('not_found', 404, `Form "${id}" has no ${c.req.query('from') === 'draft' ? 'draft' : 'version'} to export.`);
    return c.json(form);
  });

  /** What a store form serves, else (never published) its draft. */
  async function liveOrDraft(stored: StoredForm): Promise<unknown> {
    if (stored.publishedVersion !== null) return (await forms.store!.version(stored.id, stored.publishedVersion))?.form ?? null;
    return stored.draft;
  }

  app.get('/v1/admin/forms/:formId/history', async (c) => {
    const id = c.req.param('formId');
    if (fileForm(id)) return c.json({ history: [] });
    await storedForm(id);
    const history = await forms.store!.history(id);
    return c.json({ history: history.map((change) => ({ ...change, at: iso(change.at) })) });
  });

  /** The HTML to paste for each embed mode; the declarative one reserves the form's height. */
  app.get('/v1/admin/forms/:formId/snippets', async (c) => {
    const id = c.req.param('formId');
    let form = forms.get(id)?.config;
    if (!form) {
      const stored = forms.store ? await forms.store.get(id) : null;
      const checked = stored && checkForm(await draftOrLive(stored), declared);
      if (checked?.ok) form = checked.value;
    }
    if (!form) throw unknownForm(id);
    return c.json(snippetsFor(publicDefinition(id, form), config.publicUrl?.replace(/\/$/, '') ?? new URL(c.req.url).origin));
  });

  return app;
}
