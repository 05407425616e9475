/**
 * Shared steps of the widget's browser tests: a unique visitor per test (so tests run in parallel
 * against one relay), filling the `showcase` form, and reading the sandbox inbox.
 */
import { type APIRequestContext, expect, type Locator } from '@playwright/test';

export interface InboxLead {
  id: string;
  formId: string;
  fields: Record<string, string | boolean>;
  attribution?: { first?: Record<string, string>; last?: Record<string, string> };
  locale?: string;
}

/** A name no other test uses, so its lead can be found in the shared inbox. */
export function uniqueName(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** The leads in the sandbox inbox whose name field is `name`. */
export async function leadsNamed(request: APIRequestContext, name: string): Promise<InboxLead[]> {
  const items = (await (await request.get('/sandbox/inbox.json')).json()) as { lead: InboxLead }[];
  return items.map((item) => item.lead).filter((lead) => lead.fields.name === name);
}

/** Waits until the inbox holds exactly one lead named `name`, and returns it. */
export async function theOneLead(request: APIRequestContext, name: string): Promise<InboxLead> {
  await expect.poll(async () => (await leadsNamed(request, name)).length, { timeout: 15_000 }).toBe(1);
  return (await leadsNamed(request, name))[0]!;
}

/** Fills every required field of the showcase form with valid values. */
export async function fillShowcase(form: Locator, name: string): Promise<void> {
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Work email').fill('grace@example.com');
  await form.getByLabel('Plan').selectOption('growth');
  await form.getByRole('radio', { name: '11–50' }).check();
  await form.getByLabel('I agree to be contacted').check();
}

/** The relay drops submissions faster than a person (the form's minimum fill time, 1.5 s). */
export const A_PERSON_PAUSES_MS = 1600;

/**
 * A host-page origin other than the relay's: the relay's port on 127.0.0.1 instead of localhost.
 * Both are served by the real relay, so the page and the widget are cross-origin for real.
 */
export function otherOrigin(relay: string): string {
  const url = new URL(relay);
  url.hostname = url.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  return url.origin;
}
