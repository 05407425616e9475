/**
 * A small Vue page with two forms, rendered on the server and hydrated in the browser
 * (e2e/frameworks.spec.ts bundles `client.ts`): the first form at once with a prefill and every
 * event listener, the second only when a button asks, after the loader has loaded.
 */
import { defineComponent, h, ref } from 'vue';
import { LeadForm } from '../src/index.ts';

export const App = defineComponent({
  props: {
    /** The relay's origin. */
    relay: { type: String, required: true },
  },
  setup(props) {
    const events = ref<string[]>([]);
    const second = ref(false);
    const heard = (event: string) => events.value.push(event);
    return () =>
      h('main', [
        h('h1', 'Vue'),
        h(LeadForm, {
          form: 'contact',
          relay: props.relay,
          id: 'first',
          prefill: { email: 'vue@example.com' },
          onReady: (detail: { formId: string }) => heard(`ready:${detail.formId}`),
          onSubmit: (detail: { formId: string }) => heard(`submit:${detail.formId}`),
          onSuccess: (detail: { id: string }) => heard(`success:${detail.id}`),
          onError: (detail: { error: string }) => heard(`error:${detail.error}`),
        }),
        h('output', { id: 'events' }, events.value.join(' ')),
        h('button', { type: 'button', onClick: () => (second.value = true) }, 'Show a second form'),
        second.value ? h(LeadForm, { form: 'contact', relay: props.relay, id: 'second', prefill: { name: 'Second form' } }) : null,
      ]);
  },
});
