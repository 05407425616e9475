/**
 * The funnel events a widget sends (`POST /v1/forms/{id}/events`), read and checked. An event
 * names what happened and where (`type`, `step`, `field`), the visit's campaign (`source`,
 * `medium`, `campaign`: the attribution module's last touch) and the device class; nothing else.
 * A key outside that list is refused rather than dropped, so a widget that would send a field's
 * value, an identifier or a cookie's content learns so at once instead of having it thrown away
 * unseen.
 */
import type { FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';

export const EVENT_TYPES = ['view', 'start', 'step', 'field_error', 'abandon'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DEVICES = ['mobile', 'tablet', 'desktop'] as const;
export type Device = (typeof DEVICES)[number];

/** The keys an event may carry. */
export const EVENT_KEYS = ['type', 'step', 'field', 'source', 'medium', 'campaign', 'device', 'version'] as const;

/** Events one request may carry: a widget sends a batch when it fills at 20, so 50 leaves room. */
export const MAX_EVENTS_PER_REQUEST = 50;

/** The longest campaign value kept, as the attribution schema keeps a UTM parameter. */
export const MAX_CAMPAIGN_LENGTH = 200;

/** A checked event, every dimension filled in ('' where it does not apply). */
export interface FunnelEvent {
  type: EventType;
  /** The step id, '' when none was named. */
  step: string;
  /** The field name, '' when none was named. */
  field: string;
  source: string;
  medium: string;
  campaign: string;
  /** '' when the widget did not say. */
  device: Device | '';
  /** The form definition's version the widget rendered. @default 0 */
  version: number;
}

/**
 * The events of a request body (already parsed JSON): one event, an array of events, or
 * `{"events": [...]}`. Each must be an event of this form: a step id of its steps, a field name
 * of its fields.
 */
export function readEvents(body: unknown, formId: string, form: FormConfig): Refusable<FunnelEvent[]> {
  const list = Array.isArray(body) ? body : isObject(body) && 'events' in body ? body.events : isObject(body) ? [body] : null;
  if (!Array.isArray(list)) return refused(badEvents('Send an event object, an array of events, or {"events": [...]}.'));
  if (list.length === 0) return refused(badEvents('The batch holds no event.'));
  if (list.length > MAX_EVENTS_PER_REQUEST) return refused(badEvents(`A request carries at most ${MAX_EVENTS_PER_REQUEST} events; got ${list.length}.`));
  const { steps, fields } = namesOf(form);
  const events: FunnelEvent[] = [];
  for (const [index, raw] of list.entries()) {
    const at = Array.isArray(body) || (isObject(body) && 'events' in body) ? `events[${index}]` : 'the event';
    if (!isObject(raw)) return refused(badEvents(`${at} is not an object.`));
    const unknown = Object.keys(raw).find((key) => !(EVENT_KEYS as readonly string[]).includes(key));
    if (unknown !== undefined) {
      return refused(badEvents(`${at} has the key "${unknown.slice(0, 32)}"; an event carries only ${EVENT_KEYS.join(', ')} (never a field's value).`));
    }
    if (!(EVENT_TYPES as readonly unknown[]).includes(raw.type)) {
      return refused(badEvents(`${at}.type must be one of ${EVENT_TYPES.join(', ')}; got ${described(raw.type)}.`));
    }
    const step = optionalText(raw.step, `${at}.step`, 64);
    if (!step.ok) return step;
    if (step.value !== '' && !steps.has(step.value)) {
      const known = steps.size ? `one of ${[...steps].join(', ')}` : 'absent: the form has no steps';
      return refused(badEvents(`${at}.step "${step.value}" is not a step of form ${formId}; it must be ${known}.`));
    }
    const field = optionalText(raw.field, `${at}.field`, 64);
    if (!field.ok) return field;
    if (field.value !== '' && !fields.has(field.value)) return refused(badEvents(`${at}.field "${field.value}" is not a field of form ${formId}.`));
    const source = optionalText(raw.source, `${at}.source`, MAX_CAMPAIGN_LENGTH);
    if (!source.ok) return source;
    const medium = optionalText(raw.medium, `${at}.medium`, MAX_CAMPAIGN_LENGTH);
    if (!medium.ok) return medium;
    const campaign = optionalText(raw.campaign, `${at}.campaign`, MAX_CAMPAIGN_LENGTH);
    if (!campaign.ok) return campaign;
    if (raw.device !== undefined && !(DEVICES as readonly unknown[]).includes(raw.device)) {
      return refused(badEvents(`${at}.device must be one of ${DEVICES.join(', ')}; got ${described(raw.device)}.`));
    }
    if (raw.version !== undefined && !(Number.isSafeInteger(raw.version) && (raw.version as number) >= 0)) {
      return refused(badEvents(`${at}.version must be a whole number from 0; got ${described(raw.version)}.`));
    }
    events.push({
      type: raw.type as EventType,
      step: step.value,
      field: field.value,
      source: source.value,
      medium: medium.value,
      campaign: campaign.value,
      device: (raw.device as Device | undefined) ?? '',
      version: (raw.version as number | undefined) ?? 0,
    });
  }
  return passed(events);
}

/** Each form's step ids and field names, made once per form (a publish makes a new config object), not per beacon. */
const names = new WeakMap<FormConfig, { steps: Set<string>; fields: Set<string> }>();
function namesOf(form: FormConfig): { steps: Set<string>; fields: Set<string> } {
  let known = names.get(form);
  if (!known) {
    known = { steps: new Set((form.steps ?? []).map((step) => step.id)), fields: new Set(form.fields.map((field) => field.name)) };
    names.set(form, known);
  }
  return known;
}

function optionalText(value: unknown, at: string, max: number): Refusable<string> {
  if (value === undefined || value === null) return passed('');
  if (typeof value !== 'string') return refused(badEvents(`${at} must be a string; got ${described(value)}.`));
  if (value.length > max) return refused(badEvents(`${at} is longer than ${max} characters.`));
  return passed(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function described(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 32));
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function badEvents(message: string): RelayError {
  return new RelayError('bad_request', 400, message);
}
