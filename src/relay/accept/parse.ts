/** The body's text as a value for the schema: JSON from the widget, or the fields of an HTML form post. */
import type { FieldValue } from '../../schema/field.ts';
import type { FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { BodyEncoding } from './content-type.ts';

export function parseBody(raw: string, encoding: BodyEncoding, form: FormConfig): Refusable<unknown> {
  return encoding === 'form' ? passed(fromFormEncoded(raw, form)) : parseJson(raw);
}

function parseJson(raw: string): Refusable<unknown> {
  try {
    return passed(JSON.parse(raw));
  } catch (error) {
    return refused(new RelayError('bad_json', 400, `The body is not valid JSON: ${(error as Error).message}`, { cause: error }));
  }
}

/**
 * A form post from a page without JavaScript: every input is a field, except the names that carry
 * the submission's meta (`_hp` for the honeypot, `_fill_ms`, Turnstile's `cf-turnstile-response`);
 * a ticked checkbox arrives as true, a checkbox group as the list of its ticked values, a number
 * field's text as a number.
 */
function fromFormEncoded(raw: string, form: FormConfig): unknown {
  const typeOf = new Map(form.fields.map((f) => [f.name, f.type]));
  const params = new URLSearchParams(raw);
  const fields: Record<string, FieldValue> = {};
  const meta: Record<string, string | number> = {};
  for (const [key, value] of params) {
    if (key === '_hp') meta.hp = value;
    else if (key === '_fill_ms' && /^\d{1,9}$/.test(value)) meta.fillMs = Number(value);
    // The field Cloudflare's Turnstile widget adds to the form it sits in.
    else if (key === 'cf-turnstile-response') meta.turnstile = value;
    else if (!key.startsWith('_')) {
      const type = typeOf.get(key);
      if (type === 'checkbox' || type === 'consent') fields[key] = value !== '';
      // A checkbox group posts one pair per ticked box, all under the field's name.
      else if (type === 'checkboxes') fields[key] = [...((fields[key] as string[] | undefined) ?? []), value];
      // An <input type="number"> posts text; a value that is not a number stays text, for the rules to name.
      else if (type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) fields[key] = Number(value);
      else fields[key] = value;
    }
  }
  return { fields, meta };
}
