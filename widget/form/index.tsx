/**
 * The form bundle's entry, imported by the loader on first need. `boot(relay)` returns the two
 * things the loader calls: `mount` for an element and `command` for a `LeadForm(...)` call.
 */
import { render } from 'preact';
import { FormDefinition } from '../../src/schema/form.ts';
import type { FieldValue } from '../../src/schema/submission.ts';
import { Form, type FormEvent } from './Form.tsx';
import { adoptStyles } from './styles.ts';

type Listener = (detail: Record<string, unknown>) => void;

export function boot(relay: string) {
  const listeners: Record<string, Listener[]> = {};

  const emit = (host: HTMLElement, event: FormEvent | 'ready', detail: Record<string, unknown>) => {
    host.dispatchEvent(new CustomEvent(`leadform:${event}`, { bubbles: true, composed: true, detail }));
    for (const listener of listeners[event] ?? []) {
      try {
        listener(detail);
      } catch (error) {
        console.warn('[leadform] listener failed', error);
      }
    }
    const dataLayer = (window as { dataLayer?: unknown[] }).dataLayer;
    if (Array.isArray(dataLayer)) dataLayer.push({ event: `leadform_${event}`, ...detail });
  };

  const mount = async (host: HTMLElement, options: { form: string; prefill?: Record<string, FieldValue> }) => {
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    adoptStyles(root);
    const response = await fetch(`${relay}/v1/forms/${encodeURIComponent(options.form)}`);
    if (!response.ok) throw new Error(`form "${options.form}" could not be loaded (HTTP ${response.status})`);
    const definition = FormDefinition.parse(await response.json());
    render(
      <Form definition={definition} relay={relay} prefill={options.prefill ?? {}} emit={(event, detail) => emit(host, event, detail)} />,
      root,
    );
    host.style.minHeight = '';
    emit(host, 'ready', { formId: definition.id });
  };

  const command = (args: unknown[]) => {
    const [name, first, second] = args as [string, unknown, unknown];
    if (name === 'on' && typeof first === 'string' && typeof second === 'function') {
      (listeners[first] ??= []).push(second as Listener);
    } else if (name === 'render' && first && typeof first === 'object') {
      const { form, target, prefill } = first as { form: string; target: string | HTMLElement; prefill?: Record<string, FieldValue> };
      const host = typeof target === 'string' ? document.querySelector<HTMLElement>(target) : target;
      if (host) void mount(host, { form, ...(prefill ? { prefill } : {}) }).catch(warn);
      else warn(`render: no element matches ${String(target)}`);
    } else {
      warn(`unknown command ${String(name)}`);
    }
  };

  return {
    mount: (host: HTMLElement, options: { form: string }) => void mount(host, options).catch(warn),
    command,
  };
}

function warn(message: unknown) {
  console.warn('[leadform]', message);
}
