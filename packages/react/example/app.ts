/**
 * A small React page with two forms, rendered on the server and hydrated in the browser
 * (e2e/frameworks.spec.ts bundles `client.ts`): the first form at once with a prefill and every
 * event handler, the second only when a button asks, after the loader has loaded.
 */
import { createElement, type ReactElement, useState } from 'react';
import { LeadForm } from '../src/index.ts';

export interface AppProps {
  /** The relay's origin. */
  relay: string;
}

export function App({ relay }: AppProps): ReactElement {
  const [events, setEvents] = useState<string[]>([]);
  const [second, setSecond] = useState(false);
  const heard = (event: string) => setEvents((list) => [...list, event]);
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
    createElement('button', { type: 'button', onClick: () => setSecond(true) }, 'Show a second form'),
    second && createElement(LeadForm, { form: 'contact', relay, id: 'second', prefill: { name: 'Second form' } }),
  );
}
