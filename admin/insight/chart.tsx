/**
 * A chart of a table's numbers, drawn by uPlot on a canvas. uPlot is loaded the first time a chart
 * is drawn, as a chunk of the admin page of its own (the widget never imports it), and the canvas
 * is an image to assistive technology: the numbers themselves are the table beside it.
 */
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';

/** Colours with at least 4.5:1 against white, each series told apart by its name in the legend too. */
export const SERIES_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed'] as const;

export interface ChartSeries {
  label: string;
  values: number[];
}

export interface ChartProps {
  /** What the chart shows, for assistive technology (the canvas's name). */
  description: string;
  /** One per bar group (bars) or per day, YYYY-MM-DD (lines). */
  labels: string[];
  series: ChartSeries[];
  /** Bars across categories, or lines over days. @default 'bars' */
  kind?: 'bars' | 'lines';
}

const AXIS = { stroke: '#374151', grid: { stroke: '#e5e7eb', width: 1 }, ticks: { stroke: '#d1d5db', width: 1 } };
const BAR_ROW_PX = 30;
const LABEL_CHARS = 22;

const shorten = (label: string, chars: number) => (label.length > chars ? `${label.slice(0, chars - 1)}…` : label);
/** Pixels of the axis font per character, and around the names, as drawn at 12 px. */
const CHAR_PX = 7.5;
const LABEL_PAD_PX = 32;
/** Room for the longest row name, but never more than 40% of the chart: on a phone the bars keep the rest. */
const labelSpace = (labels: string[], width: number) =>
  Math.min(Math.round(width * 0.4), LABEL_PAD_PX + CHAR_PX * Math.max(4, ...labels.map((label) => Math.min(LABEL_CHARS, label.length))));
/** A point per day: the day axis steps by whole days, never by hours. */
const DAY_STEPS = [1, 2, 7, 14, 28, 56, 91].map((days) => days * 86_400);
/** Counts are whole: the count axis steps by whole numbers only. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];

/** uPlot's options for the chart; bars run across (a category per row), so long names stay readable on a phone. */
function optionsFor(lib: typeof uPlot, { labels, series, kind = 'bars' }: ChartProps, width: number): uPlot.Options {
  if (kind === 'lines') {
    return {
      width,
      height: 240,
      // The days are UTC days: drawn in the browser's zone, a day west of Greenwich would be labelled the day before.
      tzDate: (seconds) => lib.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { ...AXIS, incrs: DAY_STEPS },
        { ...AXIS, size: 48, incrs: WHOLE_STEPS },
      ],
      series: [{}, ...series.map((each, index) => ({ label: each.label, stroke: SERIES_COLOURS[index % 4], width: 2, points: { show: labels.length < 40 } }))],
    };
  }
  const group = Math.max(1, series.length);
  const labelPx = labelSpace(labels, width);
  const chars = Math.max(4, Math.floor((labelPx - LABEL_PAD_PX) / CHAR_PX));
  const bars = series.map((each, index) => ({
    label: each.label,
    fill: SERIES_COLOURS[index % 4],
    // No outline: a bar of 0 draws nothing rather than a sliver.
    width: 0,
    // Series of one row side by side: each takes its slice of the row.
    paths: lib.paths.bars!({ size: [0.8 / group, 40], align: group === 1 ? 0 : index < group / 2 ? -1 : 1 }),
    points: { show: false },
  }));
  return {
    width,
    height: Math.max(120, labels.length * BAR_ROW_PX * Math.min(group, 2) + 48),
    legend: { show: false },
    cursor: { show: false },
    scales: {
      // dir -1: the first row on top, as in the table beside it.
      x: { time: false, ori: 1, dir: -1, range: [-0.5, labels.length - 0.5] },
      y: { ori: 0, range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.05))] },
    },
    axes: [
      {
        ...AXIS,
        scale: 'x',
        side: 3,
        grid: { show: false },
        splits: () => labels.map((_, index) => index),
        values: (_u, splits) => splits.map((at) => shorten(labels[at] ?? '', chars)),
        size: labelPx,
      },
      { ...AXIS, scale: 'y', side: 2, incrs: WHOLE_STEPS },
    ],
    series: [{}, ...bars],
  };
}

/** The data uPlot takes: x first (row index, or the day in seconds), then each series. */
function dataFor({ labels, series, kind = 'bars' }: ChartProps): uPlot.AlignedData {
  const x = kind === 'lines' ? labels.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000) : labels.map((_, index) => index);
  return [x, ...series.map((each) => each.values)];
}

let loading: Promise<typeof uPlot> | null = null;
/** uPlot and its stylesheet, fetched once as the page's chart chunk. */
function loadUplot(): Promise<typeof uPlot> {
  loading ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css?inline')]).then(([lib, css]) => {
    const style = document.createElement('style');
    style.textContent = css.default;
    document.head.append(style);
    return lib.default;
  });
  return loading;
}

/** A chart and its legend; redrawn when its numbers change, resized with its column. */
export function Chart(props: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  // The props drawn, as text: a new object with the same numbers does not redraw.
  const key = JSON.stringify([props.labels, props.series, props.kind]);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    let plot: uPlot | null = null;
    let stopped = false;
    const observer = new ResizeObserver(() => plot?.setSize({ width: element.clientWidth, height: plot.height }));
    void loadUplot().then((lib) => {
      if (stopped) return;
      plot = new lib(optionsFor(lib, props, element.clientWidth), dataFor(props), element);
      observer.observe(element);
    });
    return () => {
      stopped = true;
      observer.disconnect();
      plot?.destroy();
    };
  }, [key]);
  return (
    <div class="chart">
      {props.series.length > 1 && (
        <ul class="legend" aria-hidden="true">
          {props.series.map((each, index) => (
            <li key={each.label}>
              <span class="swatch" style={{ background: SERIES_COLOURS[index % 4] }} />
              {each.label}
            </li>
          ))}
        </ul>
      )}
      <div ref={holder} role="img" aria-label={props.description} />
    </div>
  );
}
