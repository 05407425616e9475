/**
 * `<LeadForm form="contact" />` for Vue: renders the declarative embed (`<div data-leadform>`
 * with its reserved height) and lets the page's leadform loader fill it, so the form is the one
 * every other embed mode shows. Safe under server-side rendering: render touches no browser API,
 * the server sends the empty host `<div>`, and hydration finds the same `<div>`.
 * Events are emitted as `ready`, `submit`, `success` and `error` (`@success="…"`).
 */
import { defineComponent, h, onBeforeUnmount, onMounted, type PropType, ref, watch } from 'vue';
import { DEFAULT_HEIGHT, type FieldValue, hostAttributes, type LeadFormEventDetail, type LeadFormEventName, listenTo, renderEmbed } from '../../embed.ts';

export type { EmbedOptions, FieldValue, LeadFormEventDetail, LeadFormEventName } from '../../embed.ts';

/**
 * The form `form` from the relay at `relay`. `prefill` and `relay` are read once, when the form
 * renders; a new `form` renders a new form in a new element.
 */
export const LeadForm = defineComponent({
  name: 'LeadForm',
  props: {
    /** The form id, as in `data-leadform="…"`. */
    form: { type: String, required: true },
    /**
     * The relay's origin, e.g. `"https://relay.example.com"`; the loader comes from
     * `${relay}/v1/leadform.js`. One relay per page: the first loader on the page serves every form.
     * @default "" (the page's own origin)
     */
    relay: { type: String, default: '' },
    /** Field values to start with, by field name; read once, when the form renders. @default {} */
    prefill: { type: Object as PropType<Record<string, FieldValue>>, default: () => ({}) },
    /** The box reserved before the form renders (any CSS length). @default "28rem" */
    height: { type: String, default: DEFAULT_HEIGHT },
  },
  emits: {
    /** `leadform:ready`: the form rendered and can be used. */
    ready: (_detail: LeadFormEventDetail['ready']) => true,
    /** `leadform:step`: a step of a form with steps is shown. */
    step: (_detail: LeadFormEventDetail['step']) => true,
    /** `leadform:submit`: a valid form is being sent. */
    submit: (_detail: LeadFormEventDetail['submit']) => true,
    /** `leadform:success`: the relay stored the lead (`detail.id`). */
    success: (_detail: LeadFormEventDetail['success']) => true,
    /** `leadform:error`: sending failed, or the form could not load. */
    error: (_detail: LeadFormEventDetail['error']) => true,
  },
  setup(props, { emit }) {
    const host = ref<HTMLElement>();
    let stop: (() => void) | undefined;
    // Mounted hooks never run on a server; in the browser they run before the loader's scan sees
    // the new element, so the `render` command with the prefill reaches the form first.
    const start = () => {
      stop?.();
      const element = host.value;
      if (!element) return;
      stop = listenTo(element, (name, detail) => (emit as (event: LeadFormEventName, detail: unknown) => void)(name, detail));
      renderEmbed(element, props);
    };
    onMounted(start);
    watch(() => props.form, start, { flush: 'post' });
    onBeforeUnmount(() => stop?.());
    // The loader clears the reserved height once the form is in; when a snippet of the page's own
    // rendered it before hydration, that is expected, not a mismatch.
    return () => h('div', { ref: host, key: props.form, ...hostAttributes(props), 'data-allow-mismatch': 'style' });
  },
});

export default LeadForm;
