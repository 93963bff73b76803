// One uPlot chart of the panel: built from a ChartSpec, fed from the model once per animation frame, re-styled
// when the theme changes. Keyboard: focus the chart, ←/→ move the read-out by one step (Shift: 10), Home/End.
import uPlot from 'uplot';
import { decimate } from './decimate';
import type { PanelModel, Value } from './model';
import { DrawnSeries, type Transform } from './smoothing';
import type { ChartSpec } from './series';
import type { ChartTheme } from './theme';

const HEIGHT = 190;
/** Steps are whole numbers: no 2.5 on the x axis. */
const stepIncrements = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000];

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return Number.parseFloat(v.toPrecision(5)).toString();
}

/** A rate (steps/s) that moves every batch: whole numbers from 10 up, two significant digits below (66.887 → 67). */
export function formatRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 10 ? String(Math.round(v)) : Number.parseFloat(v.toPrecision(2)).toString();
}

function axis(theme: ChartTheme, label?: string): uPlot.Axis {
  return {
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    font: theme.font,
    labelFont: theme.font,
    label,
    values: (_u, splits) => splits.map((v) => formatNumber(v)),
  };
}

export class LineChart {
  readonly figure: HTMLElement;
  private readonly plotHost: HTMLElement;
  private plot: uPlot | undefined;
  private drawn: DrawnSeries[] = [];
  private cursorIdx = -1;

  constructor(
    parent: HTMLElement,
    readonly spec: ChartSpec,
    private theme: ChartTheme,
    private transform: Transform,
    private readonly hiddenRuns: ReadonlySet<string>,
  ) {
    this.figure = document.createElement('figure');
    this.figure.className = 'chart';
    this.figure.tabIndex = 0;
    this.figure.dataset.chart = spec.key;
    this.figure.setAttribute('aria-label', `${spec.title}. Use the left and right arrow keys to read values by step.`);
    const caption = document.createElement('figcaption');
    caption.textContent = spec.title;
    this.plotHost = document.createElement('div');
    this.plotHost.className = 'plot';
    this.figure.append(caption, this.plotHost);
    parent.append(this.figure);
    this.figure.addEventListener('keydown', (e) => this.onKey(e));
    this.build();
  }

  private options(): uPlot.Options {
    const t = this.theme;
    const effective = this.spec.raw ? { smoothing: 0, log: false } : this.transform;
    return {
      width: Math.max(200, this.plotHost.clientWidth || this.figure.clientWidth || 600),
      height: HEIGHT,
      pxAlign: false,
      scales: { x: { time: false }, y: effective.log ? { distr: 3 } : {} },
      axes: [{ ...axis(t, 'step'), incrs: stepIncrements }, axis(t)],
      cursor: { sync: { key: 'loss-lab-steps' }, drag: { x: true, y: false } },
      legend: { live: true },
      series: [
        { label: 'step', value: (_u, v) => (v == null ? '—' : String(v)) },
        ...this.spec.series.map((s) => ({
          label: s.label,
          stroke: t.runs[s.runIndex % t.runs.length],
          width: 1.5,
          dash: s.dashed ? [5, 4] : undefined,
          spanGaps: true,
          points: { show: false },
          show: !this.hiddenRuns.has(s.runId),
          value: (_u: uPlot, v: number | null) => formatNumber(v),
        })),
      ],
    };
  }

  private build(): void {
    this.plot?.destroy();
    this.drawn = this.spec.series.map(() => new DrawnSeries());
    this.plot = new uPlot(this.options(), [[], ...this.spec.series.map(() => [])], this.plotHost);
  }

  /** Rebuilds with new colours or a new transform (log scale is a scale option, so uPlot needs a new instance). */
  restyle(theme: ChartTheme, transform: Transform, model: PanelModel, xs: number[]): void {
    this.theme = theme;
    this.transform = transform;
    this.build();
    this.update(model, xs);
  }

  update(model: PanelModel, xs: number[]): void {
    if (!this.plot) return;
    const t = this.spec.raw ? { smoothing: 0, log: false } : this.transform;
    const data: Value[][] = [];
    let minPoints = Number.POSITIVE_INFINITY;
    this.spec.series.forEach((s, i) => {
      const run = model.runs[s.runIndex];
      const source = run ? s.values(run) : [];
      data.push(this.drawn[i].get(source, xs.length, t));
      minPoints = Math.min(minPoints, this.drawn[i].points);
    });
    this.figure.dataset.minPoints = String(Number.isFinite(minPoints) ? minPoints : 0);
    this.figure.dataset.series = String(this.spec.series.length);
    // More steps than pixels: draw each pixel column's min and max instead of every point (same picture, a
    // fraction of the work). The read-out then shows a column's extremes.
    const buckets = Math.max(200, Math.round(this.plot.width));
    const drawn = xs.length > 2 * buckets ? decimate(xs, data, buckets) : { xs, ys: data };
    const plot = this.plot;
    // batch: uPlot draws now rather than in a microtask, so the view can measure what a redraw costs.
    plot.batch(() => plot.setData([drawn.xs, ...drawn.ys] as uPlot.AlignedData));
  }

  setRunVisible(runId: string, visible: boolean): void {
    this.spec.series.forEach((s, i) => {
      if (s.runId === runId) this.plot?.setSeries(i + 1, { show: visible });
    });
  }

  resize(): void {
    const width = this.plotHost.clientWidth;
    if (this.plot && width > 0 && Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: HEIGHT });
  }

  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  private onKey(e: KeyboardEvent): void {
    const plot = this.plot;
    const n = plot?.data[0]?.length ?? 0;
    if (!plot || n === 0) return;
    const moves: Record<string, (i: number) => number> = {
      ArrowRight: (i) => i + (e.shiftKey ? 10 : 1),
      ArrowLeft: (i) => i - (e.shiftKey ? 10 : 1),
      Home: () => 0,
      End: () => n - 1,
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const start = this.cursorIdx < 0 || this.cursorIdx >= n ? n - 1 : this.cursorIdx;
    this.cursorIdx = Math.min(n - 1, Math.max(0, move(start)));
    const x = plot.data[0][this.cursorIdx];
    plot.setCursor({ left: plot.valToPos(x, 'x'), top: plot.bbox.height / devicePixelRatio / 2 });
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.figure.remove();
  }
}

/** Final original loss (y) against final violation (x), one point per λ. */
function padded(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const lo = min ?? 0;
  const hi = max ?? 1;
  const pad = hi > lo ? (hi - lo) * 0.12 : Math.abs(hi) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

export class TradeoffChart {
  readonly figure: HTMLElement;
  private readonly plotHost: HTMLElement;
  private plot: uPlot | undefined;

  constructor(parent: HTMLElement) {
    this.figure = document.createElement('figure');
    this.figure.className = 'chart tradeoff';
    this.figure.tabIndex = 0;
    this.figure.dataset.chart = 'tradeoff';
    const caption = document.createElement('figcaption');
    caption.textContent = 'Trade-off: final original loss against final violation, one point per λ';
    this.plotHost = document.createElement('div');
    this.plotHost.className = 'plot';
    this.figure.append(caption, this.plotHost);
    parent.append(this.figure);
  }

  render(points: { runIndex: number; label: string; violation: number; original: number }[], theme: ChartTheme): void {
    this.plot?.destroy();
    this.figure.setAttribute(
      'aria-label',
      `Trade-off chart. ${points.map((p) => `${p.label}: violation ${formatNumber(p.violation)}, original loss ${formatNumber(p.original)}`).join('; ')}`,
    );
    if (points.length === 0) return;
    const xs = points.map((p) => p.violation);
    const series = points.map((p, i) => points.map((_, j) => (i === j ? p.original : null)));
    this.plot = new uPlot(
      {
        width: Math.max(200, this.plotHost.clientWidth || 600),
        height: HEIGHT,
        // Padded ranges: a point at the edge of the plot would be cut in half.
        scales: { x: { time: false, range: padded }, y: { range: padded } },
        axes: [axis(theme, 'final violation'), axis(theme, 'final original loss')],
        legend: { live: true },
        series: [
          { label: 'violation', value: (_u, v) => formatNumber(v) },
          ...points.map((p) => ({
            label: p.label,
            stroke: theme.runs[p.runIndex % theme.runs.length],
            fill: theme.runs[p.runIndex % theme.runs.length],
            paths: () => null,
            points: { show: true, size: 10, width: 2, fill: theme.runs[p.runIndex % theme.runs.length] },
            value: (_u: uPlot, v: number | null) => formatNumber(v),
          })),
        ],
      },
      [xs, ...series] as uPlot.AlignedData,
      this.plotHost,
    );
  }

  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.figure.remove();
  }
}
