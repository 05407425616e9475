/**
 * The insight view (`#view=insight&form=ID&from=YYYY-MM-DD&to=YYYY-MM-DD`): for a form and a range
 * of days, the funnel views → starts → submissions → delivered with the conversion rate, drop-off
 * per step and per field, validation errors per field, conversion by campaign, a series over days
 * when the relay gives one, and the form's partial leads. Each chart has its numbers beside it as a
 * table, and each table downloads as CSV. The hash always says what is shown, so a link opens it.
 */
import { computed, effect, signal } from '@preact/signals';
import { api, token } from '../api.ts';
import { Chart, type ChartSeries } from './chart.tsx';
import { loadPartials, Partials } from './partials.tsx';
import { hashOf, type InsightSelection, isDay, lastDays, PRESET_DAYS, presetOf, selectionFromHash } from './range.ts';
import {
  daysTable,
  destinationsTable,
  devicesTable,
  errorsTable,
  fieldsTable,
  type FormStats,
  funnelTable,
  isEmpty,
  sourcesTable,
  stepsTable,
  type TableData,
} from './stats.ts';
import { DataTable } from './table.tsx';
import css from './insight.css?inline';

const selection = signal<InsightSelection>(selectionFromHash(location.hash));
const forms = signal<string[] | null>(null);
/** The stats shown, with the selection they are of, so a late answer for another is never shown. */
const shown = signal<{ of: InsightSelection; stats: FormStats } | null>(null);
const loading = signal(false);
const error = signal<string | null>(null);

const isInsightHash = () => new URLSearchParams(location.hash.slice(1)).get('view') === 'insight';

/** Shows `next` and writes it into the hash (without a history entry per click), so the address is the link to it. */
function choose(next: InsightSelection): void {
  selection.value = next;
  if (isInsightHash()) history.replaceState(null, '', hashOf(next));
}

// A link edited by hand, or the view chosen again from the navigation (`#view=insight` alone keeps what was shown).
addEventListener('hashchange', () => {
  if (!isInsightHash()) return;
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.has('form') || params.has('from') || params.has('to')) selection.value = selectionFromHash(location.hash);
  else choose(selection.peek());
});

async function loadForms(): Promise<void> {
  try {
    const list = await api<{ forms: { id: string }[] }>('/v1/admin/forms');
    forms.value = list.forms.map((form) => form.id);
    const current = selection.peek();
    if (!current.form && forms.value[0]) choose({ ...current, form: forms.value[0] });
  } catch (e) {
    error.value = (e as Error).message;
  }
}

let latest = 0;
async function loadStats(of: InsightSelection): Promise<void> {
  if (!of.form) return;
  const call = ++latest;
  loading.value = true;
  error.value = null;
  try {
    const stats = await api<FormStats>(`/v1/admin/forms/${encodeURIComponent(of.form)}/stats?from=${of.from}&to=${of.to}`);
    if (call === latest) shown.value = { of, stats };
  } catch (e) {
    if (call !== latest) return;
    shown.value = null;
    error.value = (e as Error).message;
  } finally {
    if (call === latest) loading.value = false;
  }
}

let started = false;

/** The view's stylesheet, added to the page the first time the view is shown. */
function addStyle(text: string): void {
  const style = document.createElement('style');
  style.textContent = text;
  document.head.append(style);
}

/** Starts loading once the view is first shown, and again on each sign-in and each change of selection. */
function start(): void {
  if (started) return;
  started = true;
  addStyle(css);
  effect(() => {
    if (token.value) void loadForms();
  });
  effect(() => {
    const of = selection.value;
    if (token.value && of.form) void loadStats(of);
  });
  // The partial leads are the form's, whatever the range: loaded again only for another form.
  const chosenForm = computed(() => selection.value.form);
  effect(() => {
    const form = chosenForm.value;
    if (token.value && form) void loadPartials(form);
  });
}

const chartOf = (table: TableData, columns: string[]): { labels: string[]; series: ChartSeries[] } => ({
  labels: table.rows.map((row) => ((table.headerColumns ?? 1) > 1 ? row.slice(0, table.headerColumns).join(' / ') : String(row[0]))),
  series: columns.map((column) => {
    const at = table.columns.indexOf(column);
    return { label: column, values: table.rows.map((row) => Number(row[at] ?? 0)) };
  }),
});

/** A chart with its table beside it, under one heading; the chart names the table that carries its numbers. */
function Block({
  id,
  title,
  table,
  columns,
  kind,
  filePrefix,
  note,
  layout = 'pair',
}: {
  id: string;
  title: string;
  table: TableData;
  columns: string[];
  kind?: 'bars' | 'lines';
  filePrefix: string;
  note?: string;
  /**
   * Chart and table side by side; the chart above a table too wide to share the row; or above a
   * long table folded away (a day per row), its CSV still one click away.
   * @default 'pair'
   */
  layout?: 'pair' | 'stack' | 'folded';
}) {
  const chart = chartOf(table, columns);
  const drawn = chart.series.some((series) => series.values.some((value) => value > 0));
  return (
    <section aria-labelledby={id} class="block" data-block={table.slug}>
      <h2 id={id}>{title}</h2>
      {note && <p>{note}</p>}
      {table.rows.length === 0 ? (
        <p>Nothing to show for this range.</p>
      ) : (
        <div class={layout === 'pair' ? 'pair' : 'stack'}>
          {drawn && (
            <Chart
              kind={kind}
              labels={chart.labels}
              series={chart.series}
              description={`${kind === 'lines' ? 'Line' : 'Bar'} chart of ${columns.join(', ').toLowerCase()}; the same numbers are in the table "${table.caption}".`}
            />
          )}
          {layout === 'folded' ? (
            <details>
              <summary>Table: {table.caption}</summary>
              <DataTable table={table} filePrefix={filePrefix} />
            </details>
          ) : (
            <DataTable table={table} filePrefix={filePrefix} />
          )}
        </div>
      )}
    </section>
  );
}

function Controls() {
  const current = selection.value;
  const preset = presetOf(current);
  const setDay = (key: 'from' | 'to', value: string) => {
    if (!isDay(value)) return;
    const next = { ...current, [key]: value };
    // A range given backwards is turned round rather than refused: the two days still say what to show.
    choose(next.from <= next.to ? next : { ...next, from: next.to, to: next.from });
  };
  return (
    <form class="controls" aria-label="What to show" onSubmit={(event) => event.preventDefault()}>
      <label>
        Form{' '}
        <select value={current.form ?? ''} onChange={(event) => choose({ ...current, form: event.currentTarget.value || null })}>
          {!current.form && <option value="">Choose a form</option>}
          {current.form && !forms.value?.includes(current.form) && <option value={current.form}>{current.form}</option>}
          {forms.value?.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons inside the form; a fieldset would draw a border and need a legend */}
      <div role="group" aria-label="Range">
        {PRESET_DAYS.map((days) => (
          <button key={days} type="button" aria-pressed={preset === days} onClick={() => choose({ ...current, ...lastDays(days) })}>
            Last {days} days
          </button>
        ))}
      </div>
      <label>
        From <input type="date" value={current.from} max={current.to} onChange={(event) => setDay('from', event.currentTarget.value)} />
      </label>
      <label>
        To <input type="date" value={current.to} min={current.from} onChange={(event) => setDay('to', event.currentTarget.value)} />
      </label>
    </form>
  );
}

/** The funnel's headline: the counts, and the conversion rate as the relay gives it. */
function Headline({ stats }: { stats: FormStats }) {
  // The relay's own rate (submissions per view, to four decimals); without a view there is none to give.
  const conversion = stats.views > 0 ? `${(stats.conversion * 100).toFixed(1)}%` : '—';
  return (
    <dl class="headline">
      {(
        [
          ['Views', stats.views.toLocaleString('en')],
          ['Starts', stats.starts.toLocaleString('en')],
          ['Submissions', stats.submissions.toLocaleString('en')],
          ['Delivered', stats.delivered.toLocaleString('en')],
          ['Conversion', conversion],
        ] as const
      ).map(([term, value]) => (
        <div key={term} data-term={term.toLowerCase()}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Insight() {
  start();
  const current = selection.value;
  const result = shown.value;
  const stats = result?.stats;
  const prefix = result ? `leadform-${result.of.form}-${result.of.from}-${result.of.to}` : '';
  const days = stats && result ? daysTable(stats, result.of.from, result.of.to) : null;
  return (
    <div class="insight">
      <h2 class="view-title">Insight</h2>
      <Controls />
      <p role="status" class="status">
        {loading.value ? 'Loading…' : result ? `Form ${result.of.form}, ${result.of.from} to ${result.of.to} (UTC days).` : ''}
      </p>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {forms.value?.length === 0 && <p>No forms on this relay yet: declare one in the configuration file or build one.</p>}
      {stats && result && isEmpty(stats) && (
        <section class="block empty" aria-labelledby="insight-empty">
          <h2 id="insight-empty">Nothing yet</h2>
          <p>
            No view, start or submission of <code>{result.of.form}</code> from {result.of.from} to {result.of.to}. Once the form is embedded and visited, its
            funnel shows here; try a longer range, or paste an embed snippet from the Deliveries view.
          </p>
        </section>
      )}
      {stats && result && !isEmpty(stats) && (
        <>
          <section aria-labelledby="insight-funnel" class="block" data-block="funnel">
            <h2 id="insight-funnel">Funnel</h2>
            <Headline stats={stats} />
            <div class="pair">
              <Chart
                labels={['Views', 'Starts', 'Submissions', 'Delivered']}
                series={[{ label: 'Count', values: [stats.views, stats.starts, stats.submissions, stats.delivered] }]}
                description={`Bar chart of the funnel: views ${stats.views}, starts ${stats.starts}, submissions ${stats.submissions}, delivered ${stats.delivered}; the same numbers are in the table "Funnel".`}
              />
              <DataTable table={funnelTable(stats)} filePrefix={prefix} />
            </div>
          </section>
          {days && (
            <Block
              id="insight-days"
              title="Over days"
              table={days}
              columns={['Views', 'Starts', 'Submissions', 'Delivered']}
              kind="lines"
              layout="folded"
              filePrefix={prefix}
            />
          )}
          {stats.steps.length > 0 && (
            <Block id="insight-steps" title="Drop-off per step" table={stepsTable(stats)} columns={['Reached', 'Abandoned']} filePrefix={prefix} />
          )}
          <Block id="insight-fields" title="Drop-off per field" table={fieldsTable(stats)} columns={['Reached', 'Abandoned']} filePrefix={prefix} />
          <Block
            id="insight-errors"
            title="Validation errors per field"
            table={errorsTable(stats)}
            columns={['Errors']}
            filePrefix={prefix}
            note="Visits in which each field showed its error message (once a visit), the most first."
          />
          <Block
            id="insight-sources"
            title="Conversion by campaign"
            table={sourcesTable(stats)}
            columns={['Views', 'Submissions']}
            layout="stack"
            filePrefix={prefix}
          />
          {(stats.byDevice?.length ?? 0) > 0 && (
            <Block id="insight-devices" title="Devices" table={devicesTable(stats)} columns={['Views', 'Starts']} filePrefix={prefix} />
          )}
          {(stats.byDestination?.length ?? 0) > 1 && (
            <Block
              id="insight-destinations"
              title="Destinations"
              table={destinationsTable(stats)}
              columns={['Delivered', 'Dead letters']}
              filePrefix={prefix}
              note="For a form with several destinations, the funnel's delivered is the fewest any of them delivered."
            />
          )}
        </>
      )}
      {current.form && <Partials form={current.form} />}
    </div>
  );
}
