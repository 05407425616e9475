/**
 * The admin page: sign-in, then one view at a time, chosen by the hash (`#view=deliveries`). Each
 * view is its own file and talks to the relay only through `api.ts`; adding one is an entry in
 * VIEWS. The page keeps the state it shows in signals: components read them, and reading
 * subscribes, so a change re-renders exactly what shows it.
 */
import { type ComponentType, render } from 'preact';
import { signal } from '@preact/signals';
import { checking, signIn, signOut, token } from './api.ts';
import { Deliveries } from './deliveries.tsx';

/**
 * A view downloaded the first time it is shown: the builder carries the form schema and every
 * language's words for its preview, which the deliveries view never needs.
 */
function lazyView(load: () => Promise<ComponentType>): ComponentType {
  const loaded = signal<ComponentType | null>(null);
  const failed = signal('');
  let started = false;
  return function LazyView() {
    if (!started) {
      started = true;
      load().then(
        (View) => (loaded.value = View),
        (error: Error) => (failed.value = `This view could not be loaded: ${error.message}. Reload the page.`),
      );
    }
    const View = loaded.value;
    if (View) return <View />;
    return failed.value ? (
      <p class="error" role="alert">
        {failed.value}
      </p>
    ) : (
      <p>Loading…</p>
    );
  };
}

/** The page's views, in the order the navigation lists them; the first is shown by default. */
const VIEWS: { id: string; title: string; View: ComponentType }[] = [
  { id: 'deliveries', title: 'Deliveries', View: Deliveries },
  { id: 'forms', title: 'Forms', View: lazyView(() => import('./builder/forms.tsx').then((chunk) => chunk.Forms)) },
  { id: 'insight', title: 'Insight', View: lazyView(() => import('./insight/insight.tsx').then((chunk) => chunk.Insight)) },
];

const viewFromHash = () => new URLSearchParams(location.hash.slice(1)).get('view') ?? VIEWS[0]!.id;
const view = signal(viewFromHash());
addEventListener('hashchange', () => (view.value = viewFromHash()));

const draft = signal('');
const refusal = signal('');

function App() {
  if (!token.value) {
    if (checking.value) return <main aria-busy="true" />;
    return (
      <main>
        <h1>leadform admin</h1>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void signIn(draft.value).then((message) => (refusal.value = message));
          }}
        >
          <label for="token">Admin token (LEADFORM_ADMIN_TOKEN)</label>
          <input
            id="token"
            type="password"
            autocomplete="current-password"
            value={draft.value}
            onInput={(e) => (draft.value = e.currentTarget.value)}
            required
          />
          <button type="submit">Sign in</button>
          {refusal.value && (
            <p class="error" role="alert">
              {refusal.value}
            </p>
          )}
        </form>
      </main>
    );
  }
  const shown = VIEWS.find((each) => each.id === view.value) ?? VIEWS[0]!;
  return (
    <main>
      <header>
        <h1>leadform admin</h1>
        {VIEWS.length > 1 && (
          <nav aria-label="Admin">
            {VIEWS.map((each) => (
              <a key={each.id} href={`#view=${each.id}`} aria-current={each === shown ? 'page' : undefined}>
                {each.title}
              </a>
            ))}
          </nav>
        )}
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <shown.View />
    </main>
  );
}

const style = document.createElement('style');
style.textContent = `
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: #111827; }
  header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
  nav a { margin-right: 1rem; } nav a[aria-current="page"] { font-weight: 600; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { border-bottom: 1px solid #e5e7eb; padding: .4rem .5rem; text-align: left; vertical-align: top; }
  section[aria-labelledby="subs"] td:nth-child(6) { max-width: 24rem; overflow-wrap: anywhere; }
  button { font: inherit; padding: .25rem .75rem; margin: .1rem; }
  tr[aria-current="true"] { background: #fef3c7; outline: 2px solid #b45309; outline-offset: -2px; }
  tr[aria-current="true"]:focus { outline-width: 3px; }
  button[aria-pressed="true"] { background: #1d4ed8; color: #fff; }
  pre { background: #f3f4f6; padding: .75rem; overflow-x: auto; white-space: pre-wrap; }
  figure { margin: 1rem 0; } .error { color: #b91c1c; }
  input { font: inherit; margin: 0 .5rem; }
`;
document.head.append(style);
render(<App />, document.getElementById('app')!);
