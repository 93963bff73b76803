// The summary shown when the runs end: one row per run (λ, final original loss and violation, best step, speed,
// status) and, for trials that did not end as a sweep, the trade-off chart of final values.
import { TradeoffChart, formatNumber, formatRate } from './chartView';
import { el } from './dom';
import type { PanelModel } from './model';
import { summaryRows, tradeoffPoints, violationHeading } from './summary';
import type { ChartTheme } from './theme';

const COLUMNS = ['Run', 'λ', 'Final original loss', 'Final violation', 'Best step', 'Steps/s', 'Status'];

export class SummaryView {
  readonly section = el('section', { id: 'summary', 'aria-label': 'Summary', hidden: '' });
  private readonly body = el('tbody');
  /** The violation column heading, named after the measured metric when there is one. */
  private readonly violationHead: HTMLTableCellElement;
  private readonly tradeoffHost = el('div', { id: 'tradeoff' });
  private readonly tradeoff: TradeoffChart;

  constructor() {
    const table = el('table', { id: 'summary-table' });
    const headRow = el('tr');
    const heads = COLUMNS.map((h) => el('th', { scope: 'col' }, h));
    headRow.append(...heads);
    this.violationHead = heads[COLUMNS.indexOf('Final violation')];
    const head = el('thead');
    head.append(headRow);
    table.append(el('caption', {}, 'Summary per run'), head, this.body);
    this.section.append(table, this.tradeoffHost);
    this.tradeoff = new TradeoffChart(this.tradeoffHost);
  }

  /** The trade-off chart's canvas while it is shown (for the PNG export). */
  get tradeoffCanvas(): HTMLCanvasElement | undefined {
    return this.section.hidden || this.tradeoffHost.hidden ? undefined : this.tradeoff.canvas;
  }

  render(m: PanelModel, theme: ChartTheme): void {
    const ended = ['done', 'stopped', 'failed', 'crashed'].includes(m.status) && m.runs.length > 0;
    this.section.hidden = !ended;
    if (!ended) return;
    const rows = summaryRows(m);
    const key = JSON.stringify(rows);
    if (this.section.dataset.key === key) return;
    this.section.dataset.key = key;
    this.violationHead.textContent = violationHeading(m);
    this.body.replaceChildren(...rows.map((r) => this.row(m, r, theme)));
    // Once the runs read as a sweep, the Pareto front above is the trade-off chart; this one stays for trials that
    // ended otherwise (a crash, a failure) and still have final values to compare.
    this.tradeoffHost.hidden = m.sweepReady;
    if (!m.sweepReady) this.tradeoff.render(tradeoffPoints(m), theme);
  }

  /** Redraws the trade-off chart in a new theme or scale, when it is shown. */
  restyle(m: PanelModel, theme: ChartTheme): void {
    if (this.tradeoffCanvas) this.tradeoff.render(tradeoffPoints(m), theme);
  }

  private row(m: PanelModel, r: ReturnType<typeof summaryRows>[number], theme: ChartTheme): HTMLTableRowElement {
    const tr = el('tr', { 'data-run': r.runId });
    const name = el('th', { scope: 'row' });
    const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.background = theme.runs[(m.run(r.runId)?.index ?? 0) % theme.runs.length];
    name.append(swatch, document.createTextNode(r.label));
    tr.append(
      name,
      el('td', {}, formatNumber(r.lambda)),
      el('td', {}, formatNumber(r.finalOriginal)),
      el('td', {}, formatNumber(r.finalViolation)),
      el('td', {}, r.bestStep === null ? '—' : String(r.bestStep)),
      el('td', {}, formatRate(r.stepsPerSecond)),
      el('td', {}, r.status),
    );
    return tr;
  }
}
