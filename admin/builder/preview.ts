/**
 * The live preview: the draft rendered by the real widget bundle the relay serves
 * (`/v1/widget/form.js`), not a look-alike. The bundle's `boot` reads each form's definition from
 * a map of responses, so the builder hands it the draft's public definition with the built-in
 * words of the language being edited, as `GET /v1/forms/{id}` would, and nothing leaves the page.
 *
 * Every render is a form of its own (`preview-N`): the widget keeps each definition it has read,
 * and a form id that no relay knows means the preview can never send a lead.
 */
import { catalogueLanguage, catalogueOf } from '../../src/relay/catalogues.ts';
import { type FormConfig, publicDefinition } from '../../src/relay/config.ts';
import type { Draft } from './model.ts';

interface Core {
  mount(host: HTMLElement, options: { form: string }): void;
}

const WIDGET = '/v1/widget/form.js';
const definitions = new Map<string, Promise<Response>>();
let core: Promise<Core> | undefined;
let renders = 0;

/**
 * Renders `draft` in `locale` into `container`, replacing the previous render once the new one
 * is ready, so the preview never blinks empty while the visitor-side code works.
 * Resolves false when the widget could not render it (the reason goes to `onProblem`).
 */
export async function renderPreview(container: HTMLElement, draft: Draft, locale: string, onProblem: (message: string) => void): Promise<boolean> {
  try {
    core ??= import(/* @vite-ignore */ WIDGET).then((module: { boot(relay: string, options: { definitions: Map<string, Promise<Response>> }): Core }) =>
      module.boot(location.origin, { definitions }),
    );
    const id = `preview-${++renders}`;
    const definition = publicDefinition(id, { allowedOrigins: [], minFillMs: 0, ...draft, locale } as FormConfig);
    const language = catalogueLanguage(locale, locale);
    const served = { ...definition, catalogue: { language, messages: catalogueOf(language) } };
    definitions.set(id, Promise.resolve(new Response(JSON.stringify(served), { headers: { 'Content-Type': 'application/json' } })));
    const host = document.createElement('div');
    host.dataset.preview = id;
    host.hidden = true;
    const ready = new Promise<boolean>((resolve) => {
      host.addEventListener('leadform:ready', () => resolve(true), { once: true });
      host.addEventListener('leadform:error', () => resolve(false), { once: true });
    });
    container.append(host);
    (await core).mount(host, { form: id });
    const shown = await ready;
    // A later render may have finished first; only the newest one stays.
    if (container.lastElementChild === host) {
      for (const older of [...container.children]) if (older !== host) older.remove();
      host.hidden = false;
    } else host.remove();
    if (!shown) onProblem('The preview could not render this draft.');
    return shown;
  } catch (error) {
    onProblem(`The preview could not load the widget: ${(error as Error).message}`);
    return false;
  }
}
