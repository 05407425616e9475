/** The sandbox inbox's pages: the newest leads first, as HTML (every value escaped) and as JSON. */
import { Hono } from 'hono';
import type { InboxItem, SandboxInbox } from './sandbox.ts';

/**
 * `GET /sandbox/inbox` (the page a newcomer opens) and `GET /sandbox/inbox.json` (for scripts and
 * tests). They list personal data: the runtimes mount them behind the pages guard
 * (src/relay/pages-guard.ts). The page runs no script and loads nothing; its one style element is
 * allowed by its hash.
 */
export function sandboxRoutes(inbox: SandboxInbox): Hono {
  const app = new Hono();
  app.get('/sandbox/inbox', async (c) => {
    c.header('Content-Security-Policy', await inboxPageCsp());
    c.header('Cache-Control', 'no-store');
    return c.html(renderInboxPage(await inbox.list(200)));
  });
  app.get('/sandbox/inbox.json', async (c) => {
    c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    c.header('Cache-Control', 'no-store');
    return c.json(await inbox.list(1000));
  });
  return app;
}

const INBOX_STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 52rem; padding: 1.5rem; color: #111827; }
  .lead { border: 1px solid #d1d5db; border-radius: 8px; padding: 1rem; margin: 1rem 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .75rem 0; }
  dt { font-weight: 600; } dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .tag { display: inline-block; background: #eef2ff; border-radius: 4px; padding: 0 .4rem; margin: .1rem 0; }
`;

let inboxCsp: Promise<string> | undefined;

/** `default-src 'none'` with the inbox page's style element by its SHA-256, computed once. */
export function inboxPageCsp(): Promise<string> {
  inboxCsp ??= crypto.subtle.digest('SHA-256', new TextEncoder().encode(INBOX_STYLE)).then((digest) => {
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    return `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  });
  return inboxCsp;
}

const escapeHtml = (value: unknown) => String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function touchSummary(touch: Record<string, unknown> | undefined): string {
  if (!touch) return '';
  return Object.entries(touch)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `<span class="tag"><b>${escapeHtml(key)}</b> ${escapeHtml(value)}</span>`)
    .join(' ');
}

export function renderInboxPage(items: InboxItem[]): string {
  const rows = items
    .map(({ lead, deliveredAt }) => {
      const fields = Object.entries(lead.fields)
        .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`)
        .join('');
      return `<article class="lead" data-lead-id="${escapeHtml(lead.id)}">
  <header><strong>${escapeHtml(lead.formId)}</strong> · <time datetime="${escapeHtml(new Date(deliveredAt).toISOString())}">${escapeHtml(new Date(deliveredAt).toISOString())}</time> · <code>${escapeHtml(lead.id)}</code></header>
  <dl>${fields}</dl>
  ${lead.attribution?.first ? `<p class="touch">First touch: ${touchSummary(lead.attribution.first)}</p>` : ''}
  ${lead.attribution?.last ? `<p class="touch">Last touch: ${touchSummary(lead.attribution.last)}</p>` : ''}
</article>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>leadform · sandbox inbox</title>
<style>${INBOX_STYLE}</style>
</head>
<body>
<h1>Sandbox inbox</h1>
<p>Leads the relay delivered to the sandbox destination, newest first. ${items.length} shown. <a href="/">Back to the demo form</a></p>
${rows || '<p id="empty">No leads yet. Submit the <a href="/">demo form</a> and reload.</p>'}
</body>
</html>`;
}
