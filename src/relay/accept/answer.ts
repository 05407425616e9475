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

export function acceptAnswer(form: FormConfig, { id, htmlForm, referer, url }: AnswerFacts): AcceptAnswer {
  if (!htmlForm) return { status: 202, body: { id } };
  // Back to the thank-you page if the form has one, else to the page the form was on, marked so
  // that page can say the lead was sent.
  const target = new URL(form.redirectUrl ?? referer ?? '/', url);
  if (!form.redirectUrl) target.searchParams.set('leadform', 'sent');
  return { status: 303, location: target.toString() };
}
