/**
 * The iframe mode, inside the frame: the embed page (`GET /v1/forms/{id}/embed`) works on its own;
 * when the parent page also runs the leadform script, this bridge tells it the form's height (so
 * the iframe fits its content) and its events, and takes the parent's attribution and page URL in
 * place of the frame's own URL. Messages go only to the parent's origin and are accepted only from it.
 */
import type { Attribution } from '../../src/schema/attribution.ts';

export interface FrameBridge {
  /** Forwards an event to the parent page, where the script re-dispatches it on the iframe. */
  forward(name: string, detail: unknown): void;
  /** The parent's page URL, once its script has said it (the form's `page` option), else undefined. */
  page(): string | undefined;
}

/** The parent page's origin, or undefined when the page is not framed. */
export function parentOrigin(): string | undefined {
  if (window.parent === window) return undefined;
  const ancestor = location.ancestorOrigins?.[0];
  if (ancestor) return ancestor;
  try {
    return document.referrer ? new URL(document.referrer).origin : undefined;
  } catch {
    return undefined;
  }
}

export function bridgeToParent(host: HTMLElement, formId: string, adopt: (attribution: Attribution) => void): FrameBridge | undefined {
  const origin = parentOrigin();
  if (!origin || origin === 'null') return undefined;
  const post = (message: Record<string, unknown>) => window.parent.postMessage({ leadform: 1, form: formId, ...message }, origin);
  // The parent's script may load after this frame (both are async): events wait until it has
  // answered a hello, and the hello repeats, backing off, until it does (or ~30 s have passed).
  let answered = false;
  const waiting: Record<string, unknown>[] = [];
  let height = 0;
  let hostPage: string | undefined;
  window.addEventListener('message', (event) => {
    const data = event.data as { leadform?: unknown; attribution?: Attribution; page?: unknown } | null;
    if (event.source !== window.parent || event.origin !== origin || data?.leadform !== 1) return;
    if (data.attribution && typeof data.attribution === 'object') adopt(data.attribution);
    hostPage = pageOf(data.page, origin) ?? hostPage;
    if (!answered) {
      answered = true;
      for (const message of waiting.splice(0)) post(message);
    }
  });
  new ResizeObserver(() => {
    const next = Math.ceil(host.getBoundingClientRect().height);
    if (next !== height) post({ height: (height = next) });
  }).observe(host);
  let tries = 0;
  const hello = () => {
    if (answered || tries > 7) return;
    post({ ready: 1, height });
    setTimeout(hello, 250 * 2 ** tries++);
  };
  hello();
  return {
    forward: (name, detail) => (answered ? post : (message: Record<string, unknown>) => waiting.push(message))({ event: name, detail }),
    page: () => hostPage,
  };
}

/** The parent's page URL as a lead may carry it: an http(s) URL on the parent's own origin, else undefined. */
export function pageOf(page: unknown, origin: string): string | undefined {
  try {
    const url = new URL(page as string);
    return /^https?:$/.test(url.protocol) && url.origin === origin ? url.href.slice(0, 2048) : undefined;
  } catch {
    return undefined;
  }
}
