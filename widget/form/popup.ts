/**
 * The popup mode: a modal <dialog> in its own shadow root, opened by a `data-leadform-open`
 * button or `LeadForm('open', {form})`. The dialog sits in the browser's top layer, so no host
 * z-index or overflow can hide it. Tab and Shift+Tab stay inside it, Escape and the close button
 * close it, and focus goes back to whatever had it before the popup opened. While it is open the
 * page behind does not scroll; on close the page gets back its own overflow and scroll position.
 */
import { adoptStyles, attach, showDespiteEmpty } from './styles.ts';

/**
 * The dialog's own styles, in this chunk so inline and iframe forms do not download them. Sizes
 * are in px, not rem: a host page's `html { font-size: 10px }` must not shrink the popup.
 */
const POPUP_CSS = `dialog{border:0;border-radius:var(--lf-radius,12px);padding:0;inline-size:min(512px,calc(100vw - 32px));max-inline-size:none;max-block-size:calc(100vh - 32px);overflow:auto;box-shadow:0 24px 64px #11182740}dialog::backdrop{background:#111827a0}dialog .lf{padding:24px}.close{position:sticky;float:inline-end;inset-block-start:8px;margin:8px;background:#fff;color:#111827;border-color:#fff;padding:0;inline-size:44px;font-size:24px;line-height:1}`;

export interface Popup {
  /** The element events are dispatched on. */
  host: HTMLElement;
  /** Where the form renders. */
  body: HTMLElement;
  dialog: HTMLDialogElement;
  open(opener: Element | null): void;
}

const FOCUSABLE = 'a[href],button,input,select,textarea,[tabindex]';

export function createPopup(formId: string, closeLabel: string): Popup {
  const host = document.createElement('div');
  host.dataset.leadformPopup = formId;
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  attach(root, POPUP_CSS);
  const dialog = document.createElement('dialog');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.textContent = '×';
  close.setAttribute('aria-label', closeLabel);
  close.onclick = () => dialog.close();
  const body = document.createElement('div');
  dialog.append(close, body);
  root.append(dialog);
  document.body.append(host);
  showDespiteEmpty(host);

  let opener: Element | null = null;
  let unlock: (() => void) | undefined;
  dialog.addEventListener('close', () => {
    unlock?.();
    unlock = undefined;
    (opener as HTMLElement | null)?.focus?.();
  });
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (element) => element.tabIndex >= 0 && !element.matches(':disabled') && element.getClientRects().length > 0,
    );
    const edge = event.shiftKey ? items[0] : items[items.length - 1];
    if (!edge || root.activeElement === edge || !dialog.contains(root.activeElement)) {
      event.preventDefault();
      (event.shiftKey ? items[items.length - 1] : items[0])?.focus();
    }
  });

  return {
    host,
    body,
    dialog,
    open(from) {
      opener = from;
      if (!dialog.open) {
        unlock = lockScroll();
        dialog.showModal();
      }
      // The first field, not the close button, is where a visitor starts.
      body.querySelector<HTMLElement>('input:not([tabindex="-1"]),select,textarea,[role=status]:not(:empty)')?.focus();
    },
  };
}

/**
 * Stops the page behind a modal from scrolling (a wheel or a swipe over the backdrop would
 * otherwise move it) and returns what undoes exactly that: the page's own inline overflow and
 * scrollbar gutter come back, and so does its scroll position. The gutter stays while the
 * scrollbar is hidden, so the page does not shift sideways.
 */
function lockScroll(): () => void {
  const html = document.documentElement;
  const { overflow, scrollbarGutter } = html.style;
  const [x, y] = [scrollX, scrollY];
  const hasScrollbar = innerWidth > html.clientWidth;
  html.style.overflow = 'hidden';
  if (hasScrollbar) html.style.scrollbarGutter = 'stable';
  return () => {
    html.style.overflow = overflow;
    html.style.scrollbarGutter = scrollbarGutter;
    if (scrollX !== x || scrollY !== y) scrollTo(x, y);
  };
}
