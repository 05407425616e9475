/**
 * `<LeadForm form="contact" />` for React: renders the declarative embed (`<div data-leadform>`
 * with its reserved height) and lets the page's leadform loader fill it, so the form is the one
 * every other embed mode shows. Safe under server-side rendering: render touches no browser API,
 * the server sends the empty host `<div>`, and hydration finds the same `<div>`.
 */
import { createElement, type ReactElement, useEffect, useLayoutEffect, useRef } from 'react';
import { type EmbedOptions, hostAttributes, type LeadFormEventDetail, listenTo, renderEmbed } from '../../embed.ts';

export type { EmbedOptions, FieldValue, LeadFormEventDetail, LeadFormEventName } from '../../embed.ts';

export interface LeadFormProps extends EmbedOptions {
  /** Called on `leadform:ready`: the form rendered and can be used. @default undefined */
  onReady?: (detail: LeadFormEventDetail['ready']) => void;
  /** Called on `leadform:step`: a step of a form with steps is shown. @default undefined */
  onStep?: (detail: LeadFormEventDetail['step']) => void;
  /** Called on `leadform:submit`: a valid form is being sent. @default undefined */
  onSubmit?: (detail: LeadFormEventDetail['submit']) => void;
  /** Called on `leadform:success`: the relay stored the lead (`detail.id`). @default undefined */
  onSuccess?: (detail: LeadFormEventDetail['success']) => void;
  /** Called on `leadform:error`: sending failed, or the form could not load. @default undefined */
  onError?: (detail: LeadFormEventDetail['error']) => void;
  /** The host element's class, for the page's own layout. @default undefined */
  className?: string;
  /** The host element's id. @default undefined */
  id?: string;
}

// React 18 warns about a layout effect during server rendering; there it would not run anyway.
const useBrowserLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

const HANDLERS = { ready: 'onReady', step: 'onStep', submit: 'onSubmit', success: 'onSuccess', error: 'onError' } as const;

/**
 * The form `form` from the relay at `relay`. `prefill` and `relay` are read once, when the form
 * renders; a new `form` renders a new form in a new element.
 */
export function LeadForm(props: LeadFormProps): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  // The latest handlers, so a page that passes new functions on every render is still heard.
  const latest = useRef(props);
  useBrowserLayoutEffect(() => {
    latest.current = props;
  });
  // A layout effect, not a plain one: it runs before the loader's scan sees the new element, so
  // the `render` command with the prefill reaches the form first. It never runs on a server.
  // Only `form` restarts it: a new form is a new element (the key); the other props are read once.
  useBrowserLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    const stop = listenTo(element, (name, detail) => (latest.current[HANDLERS[name]] as ((detail: unknown) => void) | undefined)?.(detail));
    renderEmbed(element, latest.current);
    return stop;
  }, [props.form]);
  // The loader clears the reserved height once the form is in; when a snippet of the page's own
  // rendered it before hydration, that is expected, not a mismatch.
  return createElement('div', {
    ref: host,
    key: props.form,
    id: props.id,
    className: props.className,
    ...hostAttributes(props),
    suppressHydrationWarning: true,
  });
}
