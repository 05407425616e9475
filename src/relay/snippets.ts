/**
 * The HTML to paste for each embed mode of a form (`GET /v1/admin/forms/{id}/snippets`). The
 * declarative one reserves the height the form renders at (`src/schema/layout.ts`), in
 * `data-leadform-height` and an inline `min-height`, so the host page does not move when the form
 * arrives; the iframe gets that height too, until the loader, when on the page, resizes it.
 */
import type { FormDefinition } from '../schema/form.ts';
import { formHeight, reservedHeight } from '../schema/layout.ts';
import { localize } from '../schema/wording.ts';

export interface Snippets {
  declarative: string;
  queue: string;
  popup: string;
  iframe: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The snippets of `definition` (its public form) on the relay at `origin` (e.g. "https://forms.example.com"). */
export function snippetsFor(definition: FormDefinition, origin: string): Snippets {
  const id = escapeHtml(definition.id);
  const script = `<script async src="${escapeHtml(origin)}/v1/leadform.js"></script>`;
  const height = reservedHeight(definition);
  const title = escapeHtml(localize(definition.title, definition.locale ?? 'en') ?? definition.id);
  const target = `leadform-${id}`;
  return {
    declarative: `<div data-leadform="${id}" data-leadform-height="${height}" style="min-height: ${height}"></div>\n${script}`,
    queue: [
      `<div id="${target}" style="min-height: ${height}"></div>`,
      '<script>',
      '  window.LeadForm = window.LeadForm || function () { (LeadForm.q = LeadForm.q || []).push(arguments); };',
      `  LeadForm('render', { form: ${JSON.stringify(definition.id).replace(/</g, '\\u003c')}, target: '#${target}' });`,
      '</script>',
      script,
    ].join('\n'),
    popup: `<button type="button" data-leadform-open="${id}">${title}</button>\n${script}`,
    iframe: `<iframe src="${escapeHtml(origin)}/v1/forms/${encodeURIComponent(definition.id)}/embed" title="${title}" width="100%" height="${formHeight(definition, 640, 1280)}" frameborder="0"></iframe>`,
  };
}
