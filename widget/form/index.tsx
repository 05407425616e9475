/**
 * The form bundle's entry, imported by the loader on first need. `boot(relay)` returns what the
 * loader calls: `mount` for a `data-leadform` element and `command` for a `LeadForm(...)` call.
 * Attribution comes from `attribution.js`, the module the loader's capture also uses, so the page
 * keeps one attribution state (consent, overrides, the iframe parent's touches).
 * Nothing here throws into the host page: every failure becomes a console warning and an event.
 */
import { adoptAttribution, readAttribution } from '../attribution.ts';
import { type FieldValue, useFieldRules } from '../../src/schema/field.ts';
import type { FormDefinition } from '../../src/schema/form.ts';
import type { Catalogue } from '../../src/schema/messages.ts';
import { createEvents, type LeadFormEventName } from './events.ts';
import type { FrameBridge } from './frame.ts';
import { CHUNKED_TYPES, registerRenderer } from './fields/index.ts';
import { type FormOptions, mountForm } from './Form.tsx';
import { catalogueFor, pickLocale } from './i18n.ts';
import type { Popup } from './popup.ts';
import { flush } from './queue.ts';
import { adoptPreset, adoptStyles, attach } from './styles.ts';

// What the popup chunk takes from here, under names that outlive a build (it has a fixed name, see vite.config.ts).
export { adoptStyles, attach, showDespiteEmpty } from './styles.ts';

export interface RenderOptions {
  /** The form id, as in `data-leadform="…"`. */
  form: string;
  /** Field values to start with, by field name; they win over URL parameters. @default {} */
  prefill?: Record<string, FieldValue>;
}

export interface Core {
  mount(host: HTMLElement, options: RenderOptions): void;
  command(args: unknown[]): void;
}

const warn = (message: unknown) => console.warn('[leadform]', message);

export interface BootOptions {
  /**
   * Definition requests the loader started while form.js downloaded, by form id
   * (`GET /v1/forms/{id}?locale=`, see `definitionUrl`); each is read once, then forgotten.
   * @default none: the core asks for each definition itself
   */
  definitions?: Map<string, Promise<Response>>;
}

/** Where a form's definition is read, with the catalogue of the language the page asks for (`locale`). */
export const definitionUrl = (relay: string, formId: string, locale: string): string =>
  `${relay}/v1/forms/${encodeURIComponent(formId)}?locale=${encodeURIComponent(locale)}`;

type Served = FormDefinition & { catalogue?: { language: string; messages: Catalogue } };

export function boot(relay: string, { definitions: started = new Map() }: BootOptions = {}): Core {
  const events = createEvents(warn);
  const definitions = new Map<string, Promise<FormDefinition>>();
  const popups = new Map<string, Promise<Popup>>();
  const localeOf = (definition?: FormDefinition) => pickLocale(definition?.locale, document.documentElement.lang, navigator.languages);
  /** The built-in catalogue each definition came with, by form id. */
  const catalogues = new Map<string, Catalogue>();

  const definitionOf = (formId: string) => {
    let definition = definitions.get(formId);
    if (!definition) {
      const response = started.get(formId) ?? fetch(definitionUrl(relay, formId, localeOf()));
      started.delete(formId);
      // The relay validated the definition at start-up; the browser only checks it has fields.
      definition = response.then(async (response) => {
        const body = (await response.json().catch(() => null)) as Served | null;
        if (!response.ok || !Array.isArray(body?.fields)) throw new Error(`form "${formId}" could not be loaded (HTTP ${response.status})`);
        const { catalogue, ...rest } = body;
        if (!catalogue) throw new Error(`form "${formId}" came without its words`);
        catalogues.set(formId, catalogue.messages);
        return rest;
      });
      definition.catch(() => definitions.delete(formId));
      definitions.set(formId, definition);
    }
    return definition;
  };

  /**
   * The words of `definition` in `locale`: the catalogue came with the definition, asked for in
   * the language the page gave the loader (`<html lang>`, else the browser's), which `localeOf`
   * reads the same way, by the same rule on the relay.
   */
  const wordsOf = (definition: FormDefinition, locale: string) => catalogueFor(definition, locale, catalogues.get(definition.id)!);

  /** Renders form `options.form` into `container`; events go to `host`. */
  const renderInto = async (host: HTMLElement, container: Element | ShadowRoot, options: RenderOptions) => {
    // Only the embed page needs the bridge: a chunk of its own keeps it off every other page. It
    // downloads while the definition does.
    const frame = host.hasAttribute('data-leadform-embed') ? import('./frame.ts') : undefined;
    const definition = await definitionOf(options.form);
    const locale = localeOf(definition);
    // Every chunk the definition asks for downloads at once, none waiting on another.
    const challenge = definition.turnstile ? import('./challenge.ts') : undefined;
    const t = wordsOf(definition, locale);
    const [engine] = await Promise.all([loadEngine(definition, container), adoptPreset(container, definition)]);
    let bridge: FrameBridge | undefined;
    if (frame) {
      document.body.style.margin = '0';
      bridge = (await frame).bridgeToParent(host, definition.id, adoptAttribution);
    }
    const emit = events.emitter(host, bridge?.forward);
    mountForm(container, {
      ...engine,
      definition,
      relay,
      locale,
      t,
      prefill: options.prefill ?? {},
      attribution: readAttribution,
      emit,
      ...(bridge ? { navigate: (url: string) => window.open(url, '_top'), page: bridge.page } : {}),
      challenge: definition.turnstile && challenge && (await challenge).mountChallenge(host, definition.turnstile, locale),
    });
    emit('ready', { formId: definition.id });
  };

  const mount = async (host: HTMLElement, options: RenderOptions) => {
    if (host.shadowRoot) return;
    try {
      // Inside the try: an element that cannot host a shadow root (`<a>`, `<li>`, `<td>`…) is reported like any other failure.
      const root = host.attachShadow({ mode: 'open' });
      adoptStyles(root);
      await renderInto(host, root, options);
    } catch (error) {
      events.emitter(host)('error', { formId: options.form, status: 0, error: 'not_loaded' });
      throw error;
    } finally {
      host.style.minHeight = '';
    }
  };

  const createPopupFor = async (options: RenderOptions) => {
    // The popup is a chunk of its own: the loader starts it with form.js on a page with a popup
    // button, and a popup opened by `LeadForm('open')` alone downloads it now, with the definition.
    const chunk = import('./popup.ts');
    const definition = await definitionOf(options.form);
    const t = wordsOf(definition, localeOf(definition));
    const popup = (await chunk).createPopup(options.form, t.close);
    try {
      await renderInto(popup.host, popup.body, options);
    } catch (error) {
      popup.host.remove();
      throw error;
    }
    // A label, not aria-labelledby: the title leaves with the form once it is sent.
    popup.dialog.setAttribute('aria-label', popup.body.querySelector('h2')?.textContent || options.form);
    return popup;
  };

  /**
   * Opens form `options.form` as a popup, made once per form and prefill (a double click opens
   * one; two buttons with different prefills open two).
   */
  const open = async (options: RenderOptions, opener: Element | null) => {
    const key = options.form + JSON.stringify(options.prefill);
    let popup = popups.get(key);
    if (!popup) {
      popups.set(key, (popup = createPopupFor(options)));
      popup.catch(() => popups.delete(key));
    }
    (await popup).open(opener);
  };

  const render = (options: RenderOptions & { target?: string | HTMLElement }) => {
    const host = typeof options.target === 'string' ? document.querySelector<HTMLElement>(options.target) : options.target;
    if (host instanceof HTMLElement) void mount(host, options).catch(warn);
    // A snippet in <head> can run before its target is parsed: look again once the document is.
    else if (document.readyState === 'loading') addEventListener('DOMContentLoaded', () => render(options));
    else warn(`render: no element matches ${String(options.target)}`);
  };

  const command = (args: unknown[]) => {
    try {
      const [name, first, second] = args as [string, unknown, unknown];
      const options = first as RenderOptions & { target?: string | HTMLElement };
      if (name === 'on' && typeof first === 'string' && typeof second === 'function') {
        events.on(first as LeadFormEventName, second as (detail: unknown) => void);
      } else if (name === 'render' && typeof options?.form === 'string') {
        render(options);
      } else if (name === 'open' && typeof options?.form === 'string') {
        const opener = (second as Element | undefined) ?? deepActiveElement();
        void open(options, opener).catch(warn);
      } else if (name === 'close') {
        for (const popup of popups.values()) popup.then((opened) => opened.dialog.close(), warn);
      } else {
        warn(`unknown command or arguments: ${String(name)}`);
      }
    } catch (error) {
      warn(error);
    }
  };

  // Submissions kept while offline (on this page or an earlier one) go out now and whenever the
  // browser comes back online.
  const flushQueue = () => void flush(relay).catch(warn);
  window.addEventListener('online', flushQueue);
  flushQueue();

  return {
    mount: (host, options) => void mount(host, options).catch(warn),
    command,
  };
}

/**
 * The chunks a form's definition needs, downloaded together: steps and conditions, one chunk
 * (a form with `steps` or a `when`), the phone field's country choice, and the renderers of the
 * field types few forms use (`fields/rare.ts`). Other forms download none of them. Steps and conditions share a chunk because three engine chunks importing the shared
 * rules make the bundler split those rules out of form.js into a chunk of their own, which every
 * form then fetches only after form.js, one round trip later (rolldown issue 10731).
 */
async function loadEngine(definition: FormDefinition, container: Element | ShadowRoot): Promise<Pick<FormOptions, 'visibility' | 'steps'>> {
  const hasPhone = definition.fields.some((field) => field.type === 'tel' && field.phone);
  const hasConditions = !!definition.steps || definition.fields.some((field) => field.when);
  const hasRareType = definition.fields.some((field) => CHUNKED_TYPES.has(field.type));
  const [flow] = await Promise.all([
    hasConditions
      ? import('./steps.tsx').then((chunk) => {
          if (!definition.steps) return { visibility: chunk.conditionalVisibility(definition) };
          attach(container.getRootNode() as ShadowRoot, chunk.STEPS_CSS);
          return { visibility: chunk.conditionalVisibility(definition), steps: chunk.createSteps };
        })
      : undefined,
    hasPhone
      ? import('./phone.tsx').then((chunk) => {
          attach(container.getRootNode() as ShadowRoot, chunk.PHONE_CSS);
          registerRenderer('phone', chunk.renderPhone);
        })
      : undefined,
    // The phone chunk imports its country names from this one: started together, neither waits on the other.
    hasRareType || hasPhone ? import('./fields/rare.ts').then((chunk) => chunk.registerRareRenderers()) : undefined,
    // Their rules: a chunk of its own, which a phone form (it needs none of them) does not download.
    hasRareType ? import('../../src/schema/field-rules.ts').then((chunk) => useFieldRules(chunk.FIELD_RULES)) : undefined,
  ]);
  return flow ?? {};
}

/** The focused element, looking inside shadow roots, so focus returns there when a popup closes. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
