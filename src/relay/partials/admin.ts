/**
 * `GET /v1/admin/partials?form=ID`: the partials kept (pending, and promoted to partial leads),
 * newest first, paged like the other admin lists (`Link: <…?cursor=…>; rel="next"`). Mounted
 * inside the admin routes, behind their bearer token.
 */
import { Hono } from 'hono';
import { unknownForm } from '../accept/form.ts';
import type { RelayConfig } from '../config.ts';
import { RelayError } from '../errors.ts';
import { decodeCursor } from '../outbox.ts';
import type { PartialRecord, PartialState, PartialStore } from './store.ts';

/** One partial as the admin API shows it. */
export interface AdminPartial {
  /** The Idempotency-Key its final submission carries. */
  key: string;
  form: string;
  state: PartialState;
  /** The id of its lead once promoted (the outbox entry's lead id). */
  leadId: string;
  fields: PartialRecord['lead']['fields'];
  attribution: PartialRecord['lead']['attribution'] | null;
  page: string | null;
  createdAt: string;
  updatedAt: string;
  /** When it becomes a partial lead, if its final submission has not come by then. */
  dueAt: string;
  promotedAt: string | null;
}

export function partialAdminRoutes(config: Pick<RelayConfig, 'forms'>, partials: PartialStore): Hono {
  const app = new Hono();
  app.get('/v1/admin/partials', async (c) => {
    const form = c.req.query('form');
    if (form !== undefined && !Object.hasOwn(config.forms, form)) throw unknownForm(form);
    const limit = Number(c.req.query('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RelayError('bad_request', 400, 'limit must be a whole number from 1 to 1000.');
    const cursor = c.req.query('cursor');
    if (cursor !== undefined && decodeCursor(cursor) === null) {
      throw new RelayError('bad_request', 400, 'cursor is not one this list sent; follow the Link header of the page before, or leave it out.');
    }
    const page = await partials.list(form ?? null, limit, cursor);
    if (page.next !== null) {
      const next = new URLSearchParams({ ...(form === undefined ? {} : { form }), limit: String(limit), cursor: page.next });
      c.header('Link', `</v1/admin/partials?${next}>; rel="next"`);
    }
    return c.json(page.partials.map(toAdmin));
  });
  return app;
}

function toAdmin(partial: PartialRecord): AdminPartial {
  const iso = (at: number) => new Date(at).toISOString();
  return {
    key: partial.key,
    form: partial.formId,
    state: partial.state,
    leadId: partial.leadId,
    fields: partial.lead.fields,
    attribution: partial.lead.attribution ?? null,
    page: partial.lead.page ?? null,
    createdAt: iso(partial.createdAt),
    updatedAt: iso(partial.updatedAt),
    dueAt: iso(partial.dueAt),
    promotedAt: partial.promotedAt === null ? null : iso(partial.promotedAt),
  };
}
