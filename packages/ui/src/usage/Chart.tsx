// One uPlot chart that follows the theme (colours read from the CSS variables, redrawn when `data-theme` changes)
// and the width of its panel (a ResizeObserver). Charts are described as data: bars (optionally stacked) or lines,
// on up to two y axes with their units; the legend shows each series' own value at the cursor.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { stacked } from './series';

export interface ChartSeries {
  label: string;
  /** Index into the chart's palette (--chart-1 …). */
  color: number;
  values: Array<number | null>;
  /** Which y axis: 0 (left) or 1 (right). */
  axis?: 0 | 1;
  dash?: boolean;
  kind?: 'bars' | 'line';
  /** What the legend shows while the cursor is off the chart (a total, a mean); default '–'. */
  summary?: string;
}

export interface ChartSpec {
  x: number[];
  series: ChartSeries[];
  /** Bars of one axis summed on each other. */
  stack?: boolean;
  /** The y axes' unit labels and value formatters. */
  axes: Array<{ label: string; format?: (value: number) => string; max?: number }>;
  /** x values are days (ticks show dates) or instants (dates and times). */
  xKind: 'day' | 'time';
  height?: number;
  /** What the legend's first column shows while the cursor is off the chart (the range). */
  xSummary?: string;
  /** What the legend shows for a value (default: the axis formatter). */
  valueLabel?: (value: number | null, series: ChartSeries) => string;
}

interface Theme {
  fg: string;
  muted: string;
  grid: string;
  border: string;
  palette: string[];
  font: string;
}

function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--fg', '#d7dce4'),
    muted: v('--fg-muted', '#8d95a3'),
    grid: v('--chart-grid', 'rgba(255,255,255,0.06)'),
    border: v('--border-strong', '#343945'),
    palette: Array.from({ length: 8 }, (_, i) => v(`--chart-${i + 1}`, '#7aa7ff')),
    font: `${v('--font-size-tiny', '11px')} ${v('--font-ui', 'sans-serif')}`,
  };
}

/** Changes whenever the root's data-theme does, so charts are made again in the new colours. */
function useThemeKey(): string {
  const [key, setKey] = useState(() => document.documentElement.dataset.theme ?? 'dark');
  useEffect(() => {
    const observer = new MutationObserver(() => setKey(document.documentElement.dataset.theme ?? 'dark'));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return key;
}

const fillOf = (color: string, alpha: number): string => {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return color;
  const n = Number.parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
};

function optionsOf(spec: ChartSpec, theme: Theme, width: number): uPlot.Options {
  const height = spec.height ?? 200;
  const axisFormat = (index: number) => spec.axes[index]?.format ?? ((value: number) => String(value));
  const axis = (index: number): uPlot.Axis => ({
    scale: index === 0 ? 'y' : 'y2',
    side: index === 0 ? 3 : 1,
    label: spec.axes[index]?.label ?? '',
    labelSize: 18,
    labelFont: theme.font,
    font: theme.font,
    stroke: theme.muted,
    grid: { show: index === 0, stroke: theme.grid, width: 1 },
    ticks: { show: false },
    size: 52,
    values: (_u, values) => values.map((value) => (value === null ? '' : axisFormat(index)(value))),
  });
  const bars = uPlot.paths.bars?.({ size: [0.7, 36], align: 0, radius: 0.15 });
  const barSeries = spec.series.filter((series) => (series.kind ?? 'bars') === 'bars');
  const series: uPlot.Series[] = spec.series.map((entry) => {
    const color = theme.palette[entry.color % theme.palette.length] ?? '#7aa7ff';
    const isBars = (entry.kind ?? 'bars') === 'bars';
    const format = (value: number | null) =>
      spec.valueLabel ? spec.valueLabel(value, entry) : value === null ? '–' : axisFormat(entry.axis ?? 0)(value);
    return {
      label: entry.label,
      scale: entry.axis === 1 ? 'y2' : 'y',
      stroke: color,
      width: isBars ? 0 : 2,
      ...(isBars ? { fill: fillOf(color, 0.85), paths: bars } : { fill: undefined }),
      ...(entry.dash ? { dash: [6, 4] } : {}),
      // a dashed line is a threshold (a limit): no points on it
      points: isBars || entry.dash ? { show: false } : { show: true, size: 5, stroke: color, fill: color },
      spanGaps: false,
      // the legend shows the series' own value, not a stacked sum
      value: (_u, _value, _series, index) =>
        index === null || index === undefined ? (entry.summary ?? '–') : format(entry.values[index] ?? null),
    };
  });
  const hasRight = spec.series.some((entry) => entry.axis === 1);
  const dayFormat: uPlot.Axis['values'] = (_u, splits) =>
    splits.map((split) => new Date(split * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }));
  return {
    width,
    height,
    padding: [10, hasRight ? 4 : 12, 0, 4],
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    legend: { show: true, live: true },
    scales: {
      x: {
        time: true,
        ...(spec.xKind === 'day' && barSeries.length > 0
          ? { range: (_u, min, max) => [min - 43_200, max + 43_200] as uPlot.Range.MinMax }
          : {}),
      },
      y: {
        range: (_u, _min, max) => [0, spec.axes[0]?.max ?? niceMax(max)] as uPlot.Range.MinMax,
      },
      y2: { range: (_u, _min, max) => [0, spec.axes[1]?.max ?? niceMax(max)] as uPlot.Range.MinMax },
    },
    axes: [
      {
        font: theme.font,
        stroke: theme.muted,
        grid: { show: false },
        ticks: { show: true, stroke: theme.border, size: 4 },
        ...(spec.xKind === 'day' ? { values: dayFormat, space: 64 } : { space: 80 }),
      },
      axis(0),
      ...(hasRight ? [axis(1)] : []),
    ],
    series: [{ label: spec.xKind === 'day' ? 'Day' : 'Time', value: xLabel(spec.xKind, spec.xSummary) }, ...series],
  };
}

function xLabel(kind: ChartSpec['xKind'], summary = '–') {
  return (_u: uPlot, value: number | null) =>
    value === null
      ? summary
      : kind === 'day'
        ? new Date(value * 1000).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' })
        : new Date(value * 1000).toLocaleString(undefined, {
            month: 'short',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
          });
}

/** A y range that is never empty: [0, 1] for all-zero data, else a little above the top. */
function niceMax(max: number | null): number {
  if (max === null || !Number.isFinite(max) || max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const step = steps.find((s) => s * magnitude >= max * 1.08) ?? 10;
  return step * magnitude;
}

/** The columns uPlot draws: x, then each series (stacked bars as running sums, drawn tallest first). */
export function columnsOf(spec: ChartSpec): uPlot.AlignedData {
  if (!spec.stack) return [spec.x, ...spec.series.map((entry) => entry.values)] as uPlot.AlignedData;
  const sums = stacked(spec.series.map((entry) => entry.values.map((value) => value ?? 0)));
  return [spec.x, ...sums] as uPlot.AlignedData;
}

export function Chart({ spec, testId }: { spec: ChartSpec; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const themeKey = useThemeKey();
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const theme = readTheme();
    // the theme the chart was drawn in (it is drawn again when that changes)
    element.dataset.theme = themeKey;
    // a stack draws its sums from the top one down, so each lower band stays visible over the one above it
    const ordered: ChartSpec = spec.stack ? { ...spec, series: [...spec.series].reverse() } : spec;
    const data = columnsOf(spec);
    const drawn = spec.stack ? ([data[0], ...data.slice(1).reverse()] as uPlot.AlignedData) : data;
    const plot = new uPlot(optionsOf(ordered, theme, Math.max(200, element.clientWidth)), drawn, element);
    let width = element.clientWidth;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth !== width && element.clientWidth > 0) {
        width = element.clientWidth;
        plot.setSize({ width: Math.max(200, width), height: spec.height ?? 200 });
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [spec, themeKey]);
  return <div className="usage-chart__plot" ref={host} data-testid={testId} />;
}
