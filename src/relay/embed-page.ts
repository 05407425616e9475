/**
 * `GET /v1/forms/{formId}/embed`: the form as a page of its own, for the iframe mode (site builders
 * that allow an iframe but no script). The page runs the same loader and form bundle from the
 * relay's origin, under a strict Content-Security-Policy: no inline script or style, no eval,
 * and only the form's `allowedOrigins` may frame it. When the parent page runs the leadform script
 * too, the two talk by postMessage, each checking the other's origin (`widget/form/frame.ts`,
 * `widget/form/parent.ts`).
 */
import { localize } from '../schema/messages.ts';
import type { FormConfig } from './config.ts';
import { RelayError } from './errors.ts';

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;

/** The CSP `frame-ancestors` sources for a form's allowedOrigins ("self" and "*" as CSP spells them). */
export function frameAncestors(allowedOrigins: readonly string[]): string {
  return allowedOrigins.map((origin) => (origin === 'self' ? "'self'" : origin)).join(' ') || "'none'";
}

export function embedPage(formId: string, form: FormConfig | undefined, request: Request): Response {
  if (!form) throw new RelayError('unknown_form', 404, `There is no form "${formId.slice(0, 64)}"; check the form id in the iframe's src.`);
  // The page's language: the form's own, else the browser's first preference (the iframe has no
  // host page whose <html lang> it could follow).
  const preferred = request.headers.get('Accept-Language')?.split(',')[0]?.split(';')[0]?.trim();
  const lang = [form.locale, preferred].find((tag): tag is string => !!tag && LANGUAGE_TAG.test(tag)) ?? 'en';
  const title = localize(form.title, lang) ?? formId;
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main><div data-leadform="${escapeHtml(formId)}" data-leadform-embed data-leadform-height="0"></div></main>
<script async src="/v1/leadform.js"></script>
</body>
</html>
`;
  // Cloudflare's documented sources for a form with a Turnstile challenge.
  const challenge = form.turnstile ? ' https://challenges.cloudflare.com' : '';
  const csp = [
    "default-src 'none'",
    `script-src 'self'${challenge}`,
    "connect-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ...(challenge ? [`frame-src${challenge}`] : []),
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors(form.allowedOrigins)}`,
  ].join('; ');
  return new Response(html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Cache-Control': 'public, max-age=60',
      Vary: 'Accept-Language',
    },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
