/**
 * The popup mode: a modal <dialog> in its own shadow root, opened by a `data-leadform-open`
 * button or `LeadForm('open', {form})`. The dialog sits in the browser's top layer, so no host
 * z-index or overflow can hide it. Tab and Shift+Tab stay inside it, Escape and the close button
 * close it, and focus goes back to whatever had it before the popup opened.
 */
import { adoptStyles } from './styles.ts';

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

  let opener: Element | null = null;
  dialog.addEventListener('close', () => (opener as HTMLElement | null)?.focus?.());
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
      if (!dialog.open) dialog.showModal();
      // The first field, not the close button, is where a visitor starts.
      body.querySelector<HTMLElement>('input:not([tabindex="-1"]),select,textarea,[role=status]:not(:empty)')?.focus();
    },
  };
}
