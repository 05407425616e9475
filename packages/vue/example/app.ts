/**
 * A small Vue page with two forms, rendered on the server and hydrated in the browser
 * (e2e/frameworks.spec.ts bundles `client.ts`): the first form at once with a prefill and every
 * event listener, the second only when a button asks, after the loader has loaded, and switched to
 * another form by a second button.
 */
import { defineComponent, h, onMounted, ref } from 'vue';
import { LeadForm } from '../src/index.ts';

export const App = defineComponent({
  props: {
    /** The relay's origin. */
    relay: { type: String, required: true },
  },
  setup(props) {
    const events = ref<string[]>([]);
    const second = ref<string>();
    const heard = (event: string) => events.value.push(event);
    // Mounted once hydration is done: a test waits for this before it clicks.
    onMounted(() => {
      document.body.dataset.hydrated = 'true';
    });
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
        h('button', { type: 'button', onClick: () => (second.value = 'contact') }, 'Show a second form'),
        h('button', { type: 'button', onClick: () => (second.value = 'showcase') }, 'Switch it to the showcase form'),
        second.value ? h(LeadForm, { form: second.value, relay: props.relay, id: 'second', prefill: { name: 'Second form' } }) : null,
      ]);
  },
});
