/**
 * What the visitor is answered once the submission is accepted (or dropped as spam, which looks
 * the same): the id as JSON for the widget, or for a plain HTML form post, a redirect onward.
 */
import type { FormConfig } from '../config.ts';

export type AcceptAnswer = { status: 202; body: { id: string } } | { status: 303; location: string };

export interface AnswerFacts {
  id: string;
  /** A form post from a page without JavaScript. */
  htmlForm: boolean;
  /** The request's `Referer` header; null when it has none. */
  referer: string | null;
  /** The request's URL, which a relative Referer is resolved against. */
  url: string;
}

/**
 * An HTML form post goes to the form's `redirectUrl` (an http(s) URL, as the configuration
 * checks), else back to the page it came from, marked `leadform=sent` so that page can say so.
 * The Referer is only followed to an http(s) page of one of the form's `allowedOrigins` (`"self"`:
 * the relay's own): anything else (`javascript:`, `data:`, `//evil.example`, a foreign site) would
 * make the relay an open redirect, and goes to the relay's own `/?leadform=sent` instead, the
 * same page a post without a Referer gets.
 */
export function acceptAnswer(form: FormConfig, { id, htmlForm, referer, url }: AnswerFacts): AcceptAnswer {
  if (!htmlForm) return { status: 202, body: { id } };
  if (form.redirectUrl && isHttp(new URL(form.redirectUrl))) return { status: 303, location: new URL(form.redirectUrl).toString() };
  const back = (referer !== null && pageOfForm(form, referer, url)) || new URL('/', url);
  back.searchParams.set('leadform', 'sent');
  return { status: 303, location: back.toString() };
}

function isHttp(target: URL): boolean {
  return target.protocol === 'https:' || target.protocol === 'http:';
}

/** The Referer as a URL when it is an http(s) page the form may be on, else null. */
function pageOfForm(form: FormConfig, referer: string, url: string): URL | null {
  let page: URL;
  try {
    page = new URL(referer, url);
  } catch {
    return null;
  }
  if (!isHttp(page) || page.username !== '' || page.password !== '') return null;
  const self = new URL(url).origin;
  const allowed = form.allowedOrigins.some((entry) => entry === '*' || entry === page.origin || (entry === 'self' && page.origin === self));
  return allowed ? page : null;
}
