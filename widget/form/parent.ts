/**
 * The iframe mode, on the parent page: the loader imports this small module when a leadform
 * iframe first speaks, so pages without one never download it. It sizes the iframe to its form,
 * re-dispatches the form's events on the iframe element (and pushes them to this page's GTM
 * dataLayer), and answers the frame's hello with this page's URL and the
 * parent page's attribution (from `attribution.js`, the same module instance the loader's
 * capture filled, since both import it by one URL). The loader has already checked the message comes from the relay's
 * origin; here it must also come from an iframe of this page.
 */
import { readAttribution } from '../attribution.ts';

interface FrameMessage {
  leadform: 1;
  height?: number;
  ready?: 1;
  event?: string;
  detail?: unknown;
}

export function answerFrame(event: MessageEvent<FrameMessage>, relay: string): void {
  const data = event.data;
  for (const frame of document.getElementsByTagName('iframe')) {
    if (frame.contentWindow !== event.source || !frame.contentWindow) continue;
    if (typeof data.height === 'number' && data.height > 0) frame.style.height = `${Math.min(data.height, 20_000)}px`;
    if (data.ready) {
      frame.contentWindow.postMessage({ leadform: 1, attribution: readAttribution() }, relay);
      // The lead's `page` is where the visitor was, not the embed URL inside the frame; a message
      // of its own, so a frame of an earlier version reads its attribution message unchanged.
      frame.contentWindow.postMessage({ leadform: 1, page: location.href }, relay);
    }
    if (typeof data.event === 'string' && /^(ready|step|submit|success|error)$/.test(data.event)) {
      frame.dispatchEvent(new CustomEvent(`leadform:${data.event}`, { bubbles: true, composed: true, detail: data.detail }));
      // Tag Manager runs on this page, not in the frame: its conversions come from here.
      const dataLayer = (window as { dataLayer?: unknown }).dataLayer;
      if (Array.isArray(dataLayer)) dataLayer.push({ event: `leadform_${data.event}`, ...(data.detail as object) });
    }
  }
}
