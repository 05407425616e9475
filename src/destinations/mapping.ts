/**
 * From a lead to a vendor's fields. Each adapter declares its default mapping (source → vendor
 * field); the form's `mapping` in the configuration overrides it entry by entry, and an empty
 * target drops a default. Sources are:
 * - a form field by name: `email`, `company`, `message`, …
 * - `attribution.<key>`: the latest campaign visit's value, else the first visit's
 *   (`attribution.utm_source`, `attribution.gclid`, `attribution.referrer`, …)
 * - `attribution.first.<key>`, `attribution.last.<key>`, `attribution.touches`
 * - `lead.id` (the submission id), `lead.formId`, `lead.page`, `lead.receivedAt`, `lead.locale`
 *
 * Values are text (`mapLead`): a `checkboxes` list joined with ", ", a number written out, a
 * phone in E.164 when the relay read it. Vendor fields that take numbers or several choices get
 * them in their type through `mapLeadTyped`, in the shape each adapter documents.
 */
import { CLICK_IDS, UTM_PARAMS } from '../schema/attribution-keys.ts';
import type { Touch } from '../schema/attribution.ts';
import type { Lead } from '../schema/lead.ts';

export type Mapping = Record<string, string>;

const TOUCH_KEYS = [...UTM_PARAMS, ...CLICK_IDS, 'referrer', 'landing_page', 'at'] as const;

/** The value of one source for this lead, as text; undefined when absent or empty. */
export function sourceValue(lead: Lead, source: string): string | undefined {
  let value: unknown;
  if (source.startsWith('attribution.')) {
    const [, first, second] = source.split('.');
    const touch = (which: 'first' | 'last') => lead.attribution?.[which] as Record<string, unknown> | undefined;
    if (first === 'touches') value = lead.attribution?.touches;
    else if ((first === 'first' || first === 'last') && second) value = touch(first)?.[second];
    else if (first) value = touch('last')?.[first] ?? touch('first')?.[first];
  } else if (source.startsWith('lead.')) {
    const key = source.slice(5);
    value = key === 'id' || key === 'formId' || key === 'page' || key === 'receivedAt' || key === 'locale' ? lead[key] : undefined;
  } else {
    value = lead.fields[source];
  }
  if (value === undefined || value === null) return undefined;
  const text = (Array.isArray(value) ? value.join(', ') : String(value)).trim();
  return text ? text : undefined;
}

/**
 * A value as a vendor field that takes numbers or several choices wants it: a `number` field's
 * value stays a number, a `checkboxes` field's a list; everything else is `sourceValue`'s text.
 * (A phone is already E.164 in `lead.fields` when the relay could read it.)
 */
export type TypedValue = string | number | string[];

/** The value of one source in its type (see `TypedValue`); undefined when absent or empty. */
export function typedSourceValue(lead: Lead, source: string): TypedValue | undefined {
  const value = source.startsWith('attribution.') || source.startsWith('lead.') ? undefined : lead.fields[source];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) return value.length ? [...value] : undefined;
  return sourceValue(lead, source);
}

/** `mapLead` with each value in its type: what a vendor's number, date and multiple-choice fields take. */
export function mapLeadTyped(lead: Lead, mapping: Mapping): Map<string, TypedValue> {
  return mapWith(lead, mapping, typedSourceValue);
}

/** The adapter's defaults with the form's overrides laid over them. */
export function mergeMapping(defaults: Mapping, overrides: Mapping | undefined): Mapping {
  return { ...defaults, ...overrides };
}

/**
 * Every (vendor field, value) pair this lead fills under the mapping. Two sources naming one
 * target keep the first that has a value, so `{"phone": "PHONE", "mobile": "PHONE"}` works.
 */
export function mapLead(lead: Lead, mapping: Mapping): Map<string, string> {
  return mapWith(lead, mapping, sourceValue);
}

function mapWith<T>(lead: Lead, mapping: Mapping, read: (lead: Lead, source: string) => T | undefined): Map<string, T> {
  const mapped = new Map<string, T>();
  for (const [source, target] of Object.entries(mapping)) {
    if (!target || mapped.has(target)) continue;
    const value = read(lead, source);
    if (value !== undefined) mapped.set(target, value);
  }
  return mapped;
}

/** "Ada Lovelace King" → first "Ada", last "Lovelace King"; one word is a first name. */
export function splitName(full: string | undefined): { first?: string; last?: string } {
  const parts = (full ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return {};
  if (parts.length === 1) return { first: parts[0] };
  return { first: parts[0], last: parts.slice(1).join(' ') };
}

/**
 * Fills the vendor's first- and last-name fields from the form's `name`, unless the mapping
 * already set either of them.
 */
export function mapNameParts(lead: Lead, mapped: Map<string, string>, firstKey: string, lastKey: string): void {
  if (mapped.has(firstKey) || mapped.has(lastKey)) return;
  const { first, last } = splitName(sourceValue(lead, 'name'));
  if (first) mapped.set(firstKey, first);
  if (last) mapped.set(lastKey, last);
}

/** The person's full name from `name`, or from `first_name` + `last_name`. */
export function personName(lead: Lead): string | undefined {
  const full = sourceValue(lead, 'name');
  if (full) return full;
  const joined = [sourceValue(lead, 'first_name'), sourceValue(lead, 'last_name')].filter(Boolean).join(' ');
  return joined || undefined;
}

/** A short title for the vendor's lead record: who, and from which form. */
export function leadTitle(lead: Lead): string {
  const who = personName(lead) ?? sourceValue(lead, 'email') ?? sourceValue(lead, 'phone') ?? 'Unknown visitor';
  const company = sourceValue(lead, 'company');
  return `${who}${company ? ` (${company})` : ''} · ${lead.formId} form`;
}

function describeTouch(touch: Touch | undefined): string | undefined {
  if (!touch) return undefined;
  const parts = TOUCH_KEYS.flatMap((key) => {
    const value = (touch as Record<string, string | undefined>)[key];
    return value ? [`${key}=${value}`] : [];
  });
  return parts.length ? parts.join(', ') : undefined;
}

/** The marker that ties a vendor record to its submission; lookups after an uncertain attempt search for it. */
export function submissionMarker(lead: Lead): string {
  return `leadform submission ${lead.id}`;
}

/**
 * The human-readable note every CRM gets: the message, the fields no mapping placed, the
 * attribution (both touches), the page, and the submission marker last.
 */
export function leadNote(lead: Lead, placed: ReadonlySet<string> = new Set()): string {
  const lines: string[] = [];
  const message = sourceValue(lead, 'message');
  if (message && !placed.has('message')) lines.push(message, '');
  for (const [name, value] of Object.entries(lead.fields)) {
    if (name === 'message' || placed.has(name) || value === '' || value === false) continue;
    const raw = lead.phones?.[name]?.raw;
    // A phone the relay rewrote to E.164 shows what the visitor typed too, for whoever calls back.
    const typed = raw !== undefined && raw !== value ? ` (typed "${raw}")` : '';
    lines.push(`${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}${typed}`);
  }
  const last = describeTouch(lead.attribution?.last);
  const first = describeTouch(lead.attribution?.first);
  if (last) lines.push(`Last touch: ${last}`);
  if (first) lines.push(`First touch: ${first}`);
  if (lead.attribution?.touches !== undefined) lines.push(`Campaign visits: ${lead.attribution.touches}`);
  if (lead.page) lines.push(`Page: ${lead.page}`);
  lines.push(`Received ${lead.receivedAt} · ${submissionMarker(lead)}`);
  return lines.join('\n');
}

/** The form fields a mapping placed in vendor fields, so the note does not repeat them. */
export function placedFields(lead: Lead, mapping: Mapping, mapped: Map<string, string>): Set<string> {
  const placed = new Set<string>();
  for (const [source, target] of Object.entries(mapping)) {
    if (target && source in lead.fields && mapped.get(target) === sourceValue(lead, source)) placed.add(source);
  }
  return placed;
}
