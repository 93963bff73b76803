// The answer on top of the panel when the runs end: the recommendation with its reasons and "Use λ = x", the Pareto
// front (validation base loss against violation, log axes when the values span decades, the front joined and
// marked, infeasible runs grey, the recommended run ringed; hover names a point, click focuses its curves), and
// one row per λ with feasibility in words and icons. While a sweep trains, only the grid and why.
import uPlot from 'uplot';
import { choiceText, fmt, type RunVerdict, type SweepResult } from '../../src/sweep';
import { el } from './dom';
import { type FrontPoint, frontAxisLabel, frontPoints } from './frontPoints';
import type { PanelModel } from './model';
import type { ChartTheme } from './theme';

const button = (text: string, attrs: Record<string, string> = {}) => {
  const b = document.createElement('vscode-button');
  for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
  b.textContent = text;
  return b;
};

/** Log axes when the positive values span at least two decades. */
export function useLog(values: number[]): boolean {
  if (values.length < 2 || values.some((v) => !(v > 0))) return false;
  return Math.max(...values) / Math.min(...values) >= 100;
}

const gradCell = (r: RunVerdict): string => {
  const word = (v?: string) => (v && v !== 'balanced' ? ` (${v})` : '');
  if (r.grad.start === undefined && r.grad.end === undefined) return '—';
  return `${fmt(r.grad.start)}${word(r.grad.startVerdict)} → ${fmt(r.grad.end)}${word(r.grad.endVerdict)}`;
};

/** What "Use λ" writes: the run's λ, or every penalty's when the sweep varied several. */
export interface LambdaChoice {
  lambda: number;
  lambdas?: { id: string; label: string; value: number }[];
}

/** A run's choice: with several penalty λs, each one's value in the loss's order. */
function runChoice(r: RunVerdict, result: SweepResult): LambdaChoice {
  const lambdas = result.penalties?.flatMap((p) => (r.lambdas?.[p.id] !== undefined ? [{ ...p, value: r.lambdas[p.id]! }] : []));
  return { lambda: r.lambda, ...(lambdas ? { lambdas } : {}) };
}

/** The front column: on the front, and with several constraints on which one's own front (loss against it alone). */
function frontCell(r: RunVerdict, result: SweepResult): string {
  const own = result.fronts ? result.constraints.filter((c) => result.fronts![c.id]?.includes(r.runId)).map((c) => c.label) : [];
  const parts = [...(r.onFront ? ['◆ on the front'] : []), ...(own.length > 0 ? [`front of ${own.join(', ')}`] : [])];
  return parts.join('; ');
}

export interface SweepViewEvents {
  useLambda: (choice: LambdaChoice) => void;
  /** A point was clicked: show only this run's curves (undefined: all again). */
  focus: (runId: string | undefined) => void;
  /** ε was edited (undefined: cleared): judge the runs again. */
  tolerance: (epsilon: number | undefined) => void;
}

export class SweepView {
  readonly section = el('section', { id: 'sweep', 'aria-label': 'Choose λ', hidden: '' });
  private readonly grid = el('p', { id: 'sweep-grid', hidden: '' });
  private readonly answer = el('div', { id: 'sweep-answer', hidden: '' });
  private readonly headline = el('p', { id: 'recommendation', role: 'status' });
  private readonly reasons = el('ul', { id: 'recommendation-reasons' });
  private readonly useButton = button('Use λ', { id: 'use-recommended' });
  private readonly frontHost = el('figure', { id: 'pareto', class: 'chart', tabindex: '0' });
  /** With several constraints: draw the overall front or one constraint's own. */
  private readonly frontPick = el('div', { id: 'pareto-constraint', class: 'front-pick', hidden: '' });
  /** The constraint whose front is drawn (undefined: the overall one). */
  private frontOf: string | undefined;
  private last: { result: SweepResult; theme: ChartTheme } | undefined;
  private readonly hover = el('p', { id: 'pareto-hover', class: 'hover' }, 'Hover a point for its λ and numbers; click it to show only its curves.');
  private readonly epsilon = el('input', { id: 'sweep-tolerance', type: 'number', min: '0', step: 'any', placeholder: 'each constraint’s own', 'aria-describedby': 'sweep-tolerance-help' });
  private readonly tableBody = el('tbody');
  private readonly tableHead = el('tr');
  private plot: uPlot | undefined;
  private key = '';
  private focused: string | undefined;
  private recommended: LambdaChoice | undefined;

  constructor(private readonly events: SweepViewEvents) {
    const table = el('table', { id: 'sweep-table' });
    const head = el('thead');
    head.append(this.tableHead);
    table.append(el('caption', {}, 'Runs judged against the constraints (validation split)'), head, this.tableBody);
    this.frontHost.append(el('figcaption', {}, 'Pareto front: validation base loss against violation, one point per λ'));
    const plotHost = el('div', { class: 'plot' });
    this.frontHost.append(this.frontPick, plotHost, this.hover);
    const actions = el('div', { class: 'actions' });
    const epsilonLabel = el('label', { for: 'sweep-tolerance' }, 'Tolerance ε for every constraint: ');
    const help = el('span', { id: 'sweep-tolerance-help', class: 'help' }, ' (empty: each constraint’s own ε, else lossLab.sweep.tolerance)');
    epsilonLabel.append(this.epsilon, help);
    actions.append(this.useButton, epsilonLabel);
    this.epsilon.addEventListener('change', () => {
      const v = this.epsilon.value.trim() === '' ? undefined : Number(this.epsilon.value);
      this.events.tolerance(v !== undefined && Number.isFinite(v) && v >= 0 ? v : undefined);
    });
    this.answer.append(this.headline, this.reasons, actions, this.frontHost, table);
    this.section.append(this.grid, this.answer);
    this.useButton.addEventListener('click', () => {
      if (this.recommended === undefined) return;
      // What was asked for, as the button said it: the e2e tests compare it with the code the host writes.
      this.useButton.dataset.sent = this.useButton.textContent ?? '';
      this.events.useLambda(this.recommended);
    });
  }

  update(model: PanelModel, theme: ChartTheme): void {
    const grid = model.started?.grid;
    this.grid.hidden = !grid;
    if (grid) this.grid.textContent = grid.penalties ? `Grid: ${model.runs.length} runs — ${grid.reason}: ${grid.penalties.map((p) => `${p.label} centred on ${fmt(p.centre)}`).join(', ')}.` : `Grid: ${model.runs.length} λ values centred on ${fmt(grid.centre)} — ${grid.reason}.`;
    const ready = model.sweepReady;
    this.answer.hidden = !ready;
    this.section.hidden = !grid && !ready;
    if (!ready) {
      this.key = '';
      this.epsilon.value = '';
      return;
    }
    const result = model.sweepResult();
    const key = JSON.stringify([result.runs.map((r) => [r.runId, r.valLoss, r.violation, r.feasible]), result.recommendation?.runId, result.constraints.map((c) => c.epsilon), theme.foreground]);
    if (key === this.key) return;
    this.key = key;
    this.renderAnswer(result);
    this.renderTable(model, result);
    this.last = { result, theme };
    this.renderFrontPick(result);
    this.renderFront(result, theme);
  }

  /** One radio per front: the overall one, then each constraint's; shown only with several constraints. */
  private renderFrontPick(result: SweepResult): void {
    const many = result.constraints.length > 1 && result.fronts !== undefined;
    this.frontPick.hidden = !many;
    if (!many) {
      this.frontOf = undefined;
      this.frontPick.replaceChildren();
      return;
    }
    if (this.frontOf !== undefined && !result.constraints.some((c) => c.id === this.frontOf)) this.frontOf = undefined;
    const group = document.createElement('vscode-radio-group');
    group.setAttribute('aria-label', 'Front drawn against');
    const options = [{ id: '', label: 'every constraint (worst violation / ε)' }, ...result.constraints.map((c) => ({ id: c.id, label: c.label }))];
    for (const o of options) {
      const radio = document.createElement('vscode-radio');
      radio.setAttribute('name', 'pareto-constraint');
      radio.setAttribute('value', o.id);
      radio.setAttribute('label', o.label);
      radio.dataset.constraint = o.id;
      if ((this.frontOf ?? '') === o.id) radio.setAttribute('checked', '');
      radio.addEventListener('change', () => {
        if (!(radio as unknown as { checked: boolean }).checked) return;
        this.frontOf = o.id === '' ? undefined : o.id;
        if (this.last) this.renderFront(this.last.result, this.last.theme);
      });
      group.append(radio);
    }
    this.frontPick.replaceChildren(el('span', { class: 'label' }, 'Front against: '), group);
  }

  private renderAnswer(result: SweepResult): void {
    const rec = result.recommendation;
    this.recommended = rec ? { lambda: rec.lambda, ...(rec.lambdas ? { lambdas: rec.lambdas } : {}) } : undefined;
    this.headline.textContent = rec ? `${rec.feasible ? '✓' : '⚠'} ${rec.headline}` : 'No recommendation: no run finished with measured values.';
    this.headline.dataset.feasible = String(!!rec?.feasible);
    const items = [...(rec?.reasons ?? []), ...(rec?.tryNext.length ? [`Try: ${rec.tryNext.join('; ')}`] : [])];
    const tolerances = result.constraints.map((c) => `'${c.label}' is met when ≤ ${fmt(c.epsilon)} (${c.source})`);
    this.reasons.replaceChildren(...[...items, ...tolerances].map((t) => el('li', {}, t)));
    this.useButton.textContent = rec ? `Use ${choiceText(rec)}` : 'Use λ';
    delete this.useButton.dataset.sent;
    if (rec) this.useButton.removeAttribute('disabled');
    else this.useButton.setAttribute('disabled', '');
  }

  private renderTable(model: PanelModel, result: SweepResult): void {
    const many = result.constraints.length > 1;
    const perConstraint = result.constraints.flatMap((c) => {
      const tag = many ? ` (${c.label})` : '';
      return [`Violation${tag}`, `Feasible${tag}`, 'Last 20% feasible', 'Feasible from step'];
    });
    this.tableHead.replaceChildren(...['λ', 'Validation base loss', ...perConstraint, '‖λ∇P‖/‖∇L‖ start → end', 'Front', ''].map((h) => el('th', { scope: 'col' }, h)));
    const rec = result.recommendation?.runId;
    this.tableBody.replaceChildren(
      ...result.runs.map((r) => {
        const tr = el('tr', { 'data-run': r.runId, 'data-feasible': String(r.feasible) });
        if (r.runId === rec) tr.classList.add('recommended');
        const label = model.run(r.runId)?.spec.label ?? `λ = ${fmt(r.lambda)}`;
        const choice = runChoice(r, result);
        const use = button(`Use ${choiceText(choice)}`, { secondary: '', class: 'use-lambda', 'data-lambda': String(r.lambda) });
        use.addEventListener('click', () => this.events.useLambda(choice));
        tr.append(
          el('th', { scope: 'row' }, `${label}${r.runId === rec ? ' ★ recommended' : ''}`),
          el('td', {}, fmt(r.valLoss)),
          ...r.constraints.flatMap((c) => [
            el('td', {}, fmt(c.finalViolation)),
            el('td', { class: c.feasible ? 'ok' : 'bad' }, c.feasible ? '✓ feasible' : '✗ not feasible'),
            el('td', {}, `${Math.round(c.feasibleShare * 100)}%`),
            el('td', {}, c.firstFeasibleStep === undefined ? '—' : String(c.firstFeasibleStep)),
          ]),
          el('td', {}, gradCell(r)),
          el('td', {}, frontCell(r, result)),
          el('td', {}, ''),
        );
        tr.lastElementChild!.append(use);
        return tr;
      }),
    );
  }

  private renderFront(result: SweepResult, theme: ChartTheme): void {
    this.plot?.destroy();
    this.plot = undefined;
    const runs = frontPoints(result, this.frontOf);
    const choices = new Map(result.runs.map((r) => [r.runId, choiceText(runChoice(r, result))]));
    const describe = (r: FrontPoint) => `${choices.get(r.runId)}: validation base loss ${fmt(r.valLoss)}, violation ${fmt(r.violation)}, ${r.feasible ? 'feasible' : 'not feasible'}${r.onFront ? ', on the front' : ''}`;
    this.frontHost.dataset.constraint = this.frontOf ?? '';
    const plotHost = this.frontHost.querySelector('.plot') as HTMLElement;
    this.frontHost.setAttribute(
      'aria-label',
      `Pareto front, ${frontAxisLabel(result, this.frontOf)}. ${runs.map(describe).join('; ')}`,
    );
    if (runs.length === 0) return;
    const xs = runs.map((r) => r.violation);
    const ys = runs.map((r) => r.valLoss);
    const only = (keep: (r: FrontPoint) => boolean) => runs.map((r) => (keep(r) ? r.valLoss : null));
    const recId = result.recommendation?.runId;
    const accent = theme.runs[0]!;
    const logX = useLog(xs);
    const logY = useLog(ys);
    const scatter = { paths: () => null } as unknown as Partial<uPlot.Series>;
    this.plot = new uPlot(
      {
        width: Math.max(240, plotHost.clientWidth || 600),
        height: 240,
        scales: { x: { time: false, distr: logX ? 3 : 1 }, y: { distr: logY ? 3 : 1 } },
        axes: [
          { stroke: theme.foreground, grid: { stroke: theme.grid }, label: `${frontAxisLabel(result, this.frontOf)}${logX ? ', log' : ''}` },
          { stroke: theme.foreground, grid: { stroke: theme.grid }, label: `base loss (validation)${logY ? ', log' : ''}` },
        ],
        legend: { show: false },
        cursor: { points: { show: false } },
        series: [
          {},
          { label: 'not feasible', stroke: theme.muted, ...scatter, points: { show: true, size: 9, width: 2, stroke: theme.muted, fill: theme.background } },
          { label: 'feasible', stroke: accent, ...scatter, points: { show: true, size: 9, width: 2, stroke: accent, fill: accent } },
          { label: 'Pareto front', stroke: accent, width: 2, spanGaps: true, points: { show: true, size: 13, width: 2, stroke: accent, fill: 'transparent' } },
          { label: 'recommended', stroke: theme.foreground, ...scatter, points: { show: true, size: 19, width: 3, stroke: theme.foreground, fill: 'transparent' } },
        ],
        hooks: {
          setCursor: [
            (u) => {
              const i = u.cursor.idx;
              const r = i === null || i === undefined ? undefined : runs[i];
              this.hover.textContent = r ? `${describe(r)}${r.runId === recId ? ', recommended' : ''}` : this.hover.textContent;
            },
          ],
        },
      },
      [xs, only((r) => !r.feasible), only((r) => r.feasible), only((r) => r.onFront), only((r) => r.runId === recId)] as uPlot.AlignedData,
      plotHost,
    );
    const plot = this.plot;
    plot.over.addEventListener('click', () => {
      const i = plot.cursor.idx;
      const r = i === null || i === undefined ? undefined : runs[i];
      this.focused = r && r.runId !== this.focused ? r.runId : undefined;
      this.events.focus(this.focused);
      this.hover.textContent = this.focused ? `Showing the curves of ${choices.get(r!.runId)} only; click it again to show all.` : 'Showing every run.';
    });
  }

  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  resize(): void {
    const host = this.frontHost.querySelector('.plot') as HTMLElement | null;
    if (this.plot && host?.clientWidth) this.plot.setSize({ width: host.clientWidth, height: 240 });
  }
}
