/**
 * The small template language of alerts and auto-replies: `{{fields.name}}` inserts a value,
 * `{{#if fields.company}}…{{else}}…{{/if}}` shows a part only when a value is there. Nothing
 * else: no code, no helpers, no raw output. A path is a chain of plain names looked up only as
 * the lead's own data (never a prototype: `{{fields.constructor}}` is empty), and a value is
 * inserted as text, never read as a template again, so a visitor who types `{{` or `<script>`
 * sees it printed as typed. How a value is written depends on where it goes: escaped in an HTML
 * part, as it is in a plain-text part, and on one line in a header (a subject), so a CR/LF in a
 * name can never add a header.
 *
 * Templates are parsed once, at start-up, so a mistake stops the relay with its position.
 */
import type { Checked } from '../schema/checked.ts';
import { CLICK_IDS, UTM_PARAMS } from '../schema/attribution-keys.ts';
import type { Lead } from '../schema/lead.ts';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; path: readonly string[] }
  | { kind: 'if'; path: readonly string[]; shown: Node[]; otherwise: Node[] };

/** A parsed template, ready to render against any number of leads. */
export interface Template {
  readonly source: string;
  readonly nodes: readonly Node[];
}

/** Where a rendered value goes, which decides how it is written. */
export type TemplateMode = 'html' | 'text' | 'header';

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Deep enough for every real template; deeper is a mistake or an attack on the parser. */
const MAX_DEPTH = 8;
/** Far beyond any message's template, and small enough that parsing stays instant. */
export const MAX_TEMPLATE_LENGTH = 20_000;

function parsePath(expression: string): string[] | null {
  const path = expression.split('.');
  return path.length <= 6 && path.every((name) => NAME.test(name)) ? path : null;
}

/**
 * Parses `source`. Problems are worded `what is wrong; the fix`, each with the tag's position,
 * for the caller to prefix with the option's key.
 */
export function parseTemplate(source: string): Checked<Template> {
  if (source.length > MAX_TEMPLATE_LENGTH) {
    return { ok: false, problems: [`${source.length} characters is too long for a template; keep it under ${MAX_TEMPLATE_LENGTH}`] };
  }
  const root: Node[] = [];
  // Each open {{#if}} with the list its nodes go to now (its `shown`, or its `otherwise` after {{else}}).
  const open: { node: Extract<Node, { kind: 'if' }>; at: number; inElse: boolean }[] = [];
  const target = (): Node[] => {
    const top = open.at(-1);
    return top ? (top.inElse ? top.node.otherwise : top.node.shown) : root;
  };
  let last = 0;
  // A "{{" or "}}" left in the text between tags is most likely a broken tag.
  const pushText = (end: number): string | undefined => {
    const text = source.slice(last, end);
    if (/\{\{|\}\}/.test(text)) return `"${text.slice(0, 40)}" (at character ${last + 1}) holds an unfinished {{ }} tag; finish or remove it`;
    if (text) target().push({ kind: 'text', text });
    return undefined;
  };
  for (const match of source.matchAll(TAG)) {
    const at = match.index;
    const broken = pushText(at);
    if (broken) return { ok: false, problems: [broken] };
    last = at + match[0].length;
    const expression = match[1]!;
    const where = `at character ${at + 1}`;
    if (expression.startsWith('#if ') || expression === '#if') {
      const path = parsePath(expression.slice(3).trim());
      if (!path) return { ok: false, problems: [`${where}: "{{${expression}}}" needs a value to test, e.g. {{#if fields.company}}`] };
      if (open.length >= MAX_DEPTH) return { ok: false, problems: [`${where}: more than ${MAX_DEPTH} {{#if}} inside each other; flatten the template`] };
      const node: Extract<Node, { kind: 'if' }> = { kind: 'if', path, shown: [], otherwise: [] };
      target().push(node);
      open.push({ node, at, inElse: false });
    } else if (expression === 'else') {
      const top = open.at(-1);
      if (!top || top.inElse) return { ok: false, problems: [`${where}: {{else}} outside an {{#if}}, or a second one in it; remove it`] };
      top.inElse = true;
    } else if (expression === '/if') {
      if (!open.pop()) return { ok: false, problems: [`${where}: {{/if}} closes no {{#if}}; remove it`] };
    } else {
      const path = parsePath(expression);
      if (!path) {
        return {
          ok: false,
          problems: [
            `${where}: "{{${expression}}}" is not a value; write a name such as {{fields.name}} or {{attribution.last.source}} (only {{#if}}, {{else}} and {{/if}} are allowed beside values)`,
          ],
        };
      }
      target().push({ kind: 'value', path });
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) return { ok: false, problems: [`at character ${unclosed.at + 1}: {{#if ${unclosed.node.path.join('.')}}} is never closed; add {{/if}}`] };
  const broken = pushText(source.length);
  if (broken) return { ok: false, problems: [broken] };
  return { ok: true, value: { source, nodes: root } };
}

/** A value reached by `path` through own properties of plain objects only. */
function lookUp(data: unknown, path: readonly string[]): unknown {
  let current = data;
  for (const name of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, name)) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

/**
 * A value as a person reads it: text as typed, a number written out, a box as `ticked` words, the
 * options of a checkbox group joined by commas; '' when there is none to show (a missing value, an
 * object, an empty string).
 */
export function fieldText(value: unknown, ticked: readonly [yes: string, no: string] = ['yes', 'no']): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? ticked[0] : ticked[1];
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string').join(', ');
  return '';
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One line with no control characters: what a header (a subject) may carry. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

function write(text: string, mode: TemplateMode): string {
  if (mode === 'html') return escapeHtml(text);
  return text;
}

function renderNodes(nodes: readonly Node[], data: unknown, mode: TemplateMode): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'value') out += write(fieldText(lookUp(data, node.path)), mode);
    else {
      const value = lookUp(data, node.path);
      const truthy = value === true || (typeof value === 'number' && value !== 0) || (typeof value === 'string' && value.trim() !== '');
      out += renderNodes(truthy ? node.shown : node.otherwise, data, mode);
    }
  }
  return out;
}

/** Renders `template` with `data`; each value is written for `mode` (the template's own text is not changed). */
export function renderTemplate(template: Template, data: unknown, mode: TemplateMode): string {
  const out = renderNodes(template.nodes, data, mode);
  return mode === 'header' ? oneLine(out) : out;
}

/** The value paths a template reads, e.g. `fields.email`, for checks against the form. */
export function templatePaths(template: Template): string[] {
  const paths: string[] = [];
  const walk = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (node.kind === 'value') paths.push(node.path.join('.'));
      if (node.kind === 'if') {
        paths.push(node.path.join('.'));
        walk(node.shown);
        walk(node.otherwise);
      }
    }
  };
  walk(template.nodes);
  return paths;
}

/** What a template sees of a lead: its fields, its attribution with short names, and its links. */
export interface TemplateData {
  fields: Record<string, string | boolean>;
  attribution: { first: Record<string, string>; last: Record<string, string>; touches: number };
  lead: { id: string; formId: string; receivedAt: string; page: string; locale: string };
  /** The lead in the admin page, when the relay's public address is configured. */
  adminUrl: string;
}

/** A touch with `source`, `medium`, `campaign`, `content`, `term` beside the `utm_` names. */
function touchView(touch: Record<string, unknown> | undefined): Record<string, string> {
  const view: Record<string, string> = {};
  for (const [key, value] of Object.entries(touch ?? {})) if (typeof value === 'string') view[key] = value;
  for (const short of ['source', 'medium', 'campaign', 'content', 'term']) {
    const value = view[`utm_${short}`];
    if (value !== undefined) view[short] = value;
  }
  return view;
}

export function templateData(lead: Lead, adminUrl: string | undefined): TemplateData {
  const fields: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(lead.fields)) if (typeof value === 'string' || typeof value === 'boolean') fields[name] = value;
  return {
    fields,
    attribution: {
      first: touchView(lead.attribution?.first),
      last: touchView(lead.attribution?.last ?? lead.attribution?.first),
      touches: lead.attribution?.touches ?? 0,
    },
    lead: { id: lead.id, formId: lead.formId, receivedAt: lead.receivedAt, page: lead.page ?? '', locale: lead.locale ?? '' },
    adminUrl: adminUrl ?? '',
  };
}

/** The lead in the admin page, or undefined when the relay's public address is unknown. */
export function adminLink(publicUrl: (() => string | undefined) | undefined, lead: Pick<Lead, 'id'>): string | undefined {
  const base = publicUrl?.();
  return base ? `${base.replace(/\/+$/, '')}/admin#submission=${encodeURIComponent(lead.id)}` : undefined;
}

const TOUCH_KEYS: ReadonlySet<string> = new Set([
  ...UTM_PARAMS,
  ...CLICK_IDS,
  'referrer',
  'landing_page',
  'at',
  'source',
  'medium',
  'campaign',
  'content',
  'term',
]);
const LEAD_KEYS: ReadonlySet<string> = new Set(['id', 'formId', 'receivedAt', 'page', 'locale']);

/**
 * Why a template's value path names nothing a lead has (a misspelt field, an unknown attribution
 * key), or undefined. `fields` are the field names of a form the template is used for.
 */
export function pathProblem(path: string, fields?: readonly string[]): string | undefined {
  const [root, key, sub, ...rest] = path.split('.');
  const known =
    (root === 'fields' && key !== undefined && sub === undefined && (!fields || fields.includes(key))) ||
    (root === 'attribution' && key === 'touches' && sub === undefined) ||
    (root === 'attribution' && (key === 'first' || key === 'last') && sub !== undefined && TOUCH_KEYS.has(sub) && rest.length === 0) ||
    (root === 'lead' && key !== undefined && LEAD_KEYS.has(key) && sub === undefined) ||
    (root === 'adminUrl' && key === undefined);
  if (known) return undefined;
  if (root === 'fields' && fields && key !== undefined && sub === undefined)
    return `{{${path}}} is not a field of the form; use one of ${fields.map((f) => `fields.${f}`).join(', ')}`;
  return `{{${path}}} is not a value a lead has; use fields.NAME, attribution.first.KEY or attribution.last.KEY (source, medium, campaign, utm_…, landing_page, referrer), attribution.touches, lead.id, lead.formId, lead.receivedAt, lead.page, lead.locale or adminUrl`;
}
