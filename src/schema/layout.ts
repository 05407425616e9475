/**
 * How tall a form renders, computed from its definition alone, so the box it will fill can be
 * reserved before it renders and the host page does not shift: the declarative snippet the admin
 * API gives (`GET /v1/admin/forms/{id}/snippets`) writes it into its markup
 * (`data-leadform-height` and an inline `min-height`, which the loader honours).
 *
 * Zod-free and DOM-free, so the relay, the admin and the widget can share it. The figures are the
 * widget stylesheet's (`widget/form/styles.ts`, and the steps chunk's `STEPS_CSS`) at its default
 * 16px font and 16px spacing; `e2e/layout-height.spec.ts` renders the demo forms in Chromium at
 * 375px and 1280px and fails when a change to that CSS makes these numbers wrong.
 */
import type { FieldDefinition, FormDefinition } from './form.ts';
import { localize } from './wording.ts';

/** The stylesheet's metrics, in CSS pixels. */
export const LAYOUT = {
  /** `.lf{padding:var(--_s)}`, the default spacing, on each side. */
  padding: 16,
  /** `font:16px/1.5`: one line of body text. */
  line: 24,
  /** `var(--_s)`, the default `--lf-spacing`: below the title and each field. */
  spacing: 16,
  /** `h2{font-size:1.25em}` at line-height 1.5. */
  titleLine: 30,
  /** `.field{gap:4px}`: between a label, its control and its notes. */
  gap: 4,
  /** `input{block-size:calc(1.5em + 22px)}` (select too). */
  control: 46,
  /** `textarea{min-block-size:7em}`. */
  textarea: 112,
  /** `.check>label{padding-block:10px}` around one line: a checkbox row. */
  check: 44,
  /** `.choice{min-block-size:44px}`: one radio or checkbox of a group. */
  choice: 44,
  /** `.hint{font-size:.875em}` at line-height 1.5. */
  note: 21,
  /** `button{min-block-size:44px; padding-block:10px; border:2px}` around one line. */
  button: 48,
  /** `@media (max-width:479.9px){form button{margin-block-end:8px}}`. */
  narrowButton: 8,
  /** The width below which that rule applies. */
  narrowBelow: 480,
  /** Steps (`STEPS_CSS`): the progress line with its 4px margin, the 6px bar with its spacing below. */
  progress: 21 + 4 + 6 + 16,
  /** Steps: `h3` (1.17em at line-height 1.5) and its spacing below. */
  stepTitle: 28 + 16,
  /** Average advance of a character of the default system-ui font, in ems, to estimate wrapping. */
  charWidth: 0.5,
} as const;

/** Lines `text` takes at `fontPx` in `width` pixels, estimated from an average character width. */
const linesOf = (text: string, fontPx: number, width: number): number => Math.max(1, Math.ceil((text.length * LAYOUT.charWidth * fontPx) / Math.max(width, 1)));

/** The rendered height of one field, in pixels, at content width `width`. */
function fieldHeight(field: FieldDefinition, locale: string, width: number): number {
  if (field.type === 'hidden') return 0;
  const label = localize(field.label, locale) ?? field.name;
  const hint = localize(field.hint, locale);
  const notes = hint ? LAYOUT.gap + linesOf(hint, 14, width) * LAYOUT.note : 0;
  if (field.type === 'checkbox' || field.type === 'consent') {
    // The box (24px) and a 12px gap before the label; a policy link goes on a line of its own.
    const labelLines = linesOf(label + (field.required ? ' *' : ''), 16, width - 36);
    const link = field.type === 'consent' && field.policyUrl ? LAYOUT.line : 0;
    return LAYOUT.check + (labelLines - 1) * LAYOUT.line + link + notes + LAYOUT.spacing;
  }
  const labelHeight = linesOf(label + (field.required ? ' *' : ''), 16, width) * LAYOUT.line;
  if (field.type === 'radio' || field.type === 'checkboxes') {
    // The legend is no flex item of the fieldset: the gap falls between the choices alone.
    const count = (field.options ?? []).length;
    const choices = count * LAYOUT.choice + Math.max(0, count - 1) * LAYOUT.gap;
    return labelHeight + choices + notes + LAYOUT.spacing;
  }
  const control = field.type === 'textarea' ? LAYOUT.textarea : LAYOUT.control;
  return labelHeight + LAYOUT.gap + control + notes + LAYOUT.spacing;
}

/**
 * The height, in CSS pixels, the form renders at when the host is `width` pixels wide and the
 * viewport `viewport` pixels wide: its first step when it has steps, every field without a
 * `when` (a condition shows a field only once the visitor answers), in `locale`.
 */
export function formHeight(definition: Pick<FormDefinition, 'title' | 'fields' | 'steps' | 'locale'>, width: number, viewport = width): number {
  const locale = definition.locale ?? 'en';
  const content = width - 2 * LAYOUT.padding;
  const title = localize(definition.title, locale);
  let height = 2 * LAYOUT.padding + (title ? linesOf(title, 20, content) * LAYOUT.titleLine + LAYOUT.spacing : 0);
  const first = definition.steps?.[0];
  if (first) height += LAYOUT.progress + LAYOUT.stepTitle;
  const shown = first ? definition.fields.filter((field) => first.fields.includes(field.name)) : definition.fields;
  for (const field of shown) if (!field.when) height += fieldHeight(field, locale, content);
  return height + LAYOUT.button + (viewport < LAYOUT.narrowBelow ? LAYOUT.narrowButton : 0);
}

/**
 * The CSS length a snippet reserves: the form's height on a wide screen, plus what it adds on a
 * phone (wrapped labels, the full-width Send's margin), chosen by the viewport's width alone, so
 * the markup needs no script and no media query.
 */
export function reservedHeight(definition: Pick<FormDefinition, 'title' | 'fields' | 'steps' | 'locale'>): string {
  const wide = formHeight(definition, 640, 1280);
  // A phone: 375px wide, the form spanning it less the page's usual 8px margins.
  const narrow = formHeight(definition, 359, 375);
  return narrow === wide ? `${wide}px` : `calc(${wide}px + clamp(0px, (${LAYOUT.narrowBelow}px - 100vw) * 1000, ${narrow - wide}px))`;
}
