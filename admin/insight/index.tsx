/**
 * The insight view as the admin page's shell lists it: its code (tables, charts, partials) is a
 * chunk fetched the first time the view is opened, so an operator who only replays dead letters
 * never downloads it, and uPlot comes later still, with the first chart.
 */
import type { ComponentType } from 'preact';
import { signal } from '@preact/signals';

const view = signal<ComponentType | null>(null);
const failed = signal<string | null>(null);
let loading = false;

export function Insight() {
  if (failed.value) {
    return (
      <p role="alert" class="error">
        The insight view could not be loaded ({failed.value}); reload the page to try again.
      </p>
    );
  }
  const View = view.value;
  if (View) return <View />;
  if (!loading) {
    loading = true;
    import('./insight.tsx').then(
      (module) => (view.value = module.Insight),
      (error: Error) => (failed.value = error.message),
    );
  }
  return <p role="status">Loading the insight view…</p>;
}
