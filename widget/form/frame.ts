/**
 * The iframe mode, inside the frame: the embed page (`GET /v1/forms/{id}/embed`) works on its own;
 * when the parent page also runs the leadform script, this bridge tells it the form's height (so
 * the iframe fits its content) and its events, and takes the parent's attribution in place of the
 * frame's own URL. Messages go only to the parent's origin and are accepted only from it.
 */
import type { Attribution } from '../../src/schema/attribution.ts';

export interface FrameBridge {
  /** Forwards an event to the parent page, where the script re-dispatches it on the iframe. */
  forward(name: string, detail: unknown): void;
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
  window.addEventListener('message', (event) => {
    const data = event.data as { leadform?: unknown; attribution?: Attribution } | null;
    if (event.source !== window.parent || event.origin !== origin || data?.leadform !== 1) return;
    if (data.attribution && typeof data.attribution === 'object') adopt(data.attribution);
  });
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(host.getBoundingClientRect().height);
    if (height !== last) post({ height: (last = height) });
  }).observe(host);
  post({ ready: 1 });
  return { forward: (name, detail) => post({ event: name, detail }) };
}
