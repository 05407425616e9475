/**
 * A small React page with two forms, rendered on the server and hydrated in the browser
 * (e2e/frameworks.spec.ts bundles `client.ts`): the first form at once with a prefill and every
 * event handler, the second only when a button asks, after the loader has loaded, and switched to
 * another form by a second button.
 */
import { createElement, type ReactElement, useEffect, useState } from 'react';
import { LeadForm } from '../src/index.ts';

export interface AppProps {
  /** The relay's origin. */
  relay: string;
}

export function App({ relay }: AppProps): ReactElement {
  const [events, setEvents] = useState<string[]>([]);
  const [second, setSecond] = useState<string | undefined>();
  const heard = (event: string) => setEvents((list) => [...list, event]);
  // Effects run once hydration is done: a test waits for this before it clicks.
  useEffect(() => {
    document.body.dataset.hydrated = 'true';
  }, []);
  return createElement(
    'main',
    null,
    createElement('h1', null, 'React'),
    createElement(LeadForm, {
      form: 'contact',
      relay,
      id: 'first',
      prefill: { email: 'react@example.com' },
      onReady: (detail) => heard(`ready:${detail.formId}`),
      onSubmit: (detail) => heard(`submit:${detail.formId}`),
      onSuccess: (detail) => heard(`success:${detail.id}`),
      onError: (detail) => heard(`error:${detail.error}`),
    }),
    createElement('output', { id: 'events' }, events.join(' ')),
    createElement('button', { type: 'button', onClick: () => setSecond('contact') }, 'Show a second form'),
    createElement('button', { type: 'button', onClick: () => setSecond('showcase') }, 'Switch it to the showcase form'),
    second && createElement(LeadForm, { form: second, relay, id: 'second', prefill: { name: 'Second form' } }),
  );
}
