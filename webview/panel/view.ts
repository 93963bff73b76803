// The panel's DOM: header (backend, steps/s, progress, Stop, Re-run, export), error banners, controls (log scale,
// smoothing, one toggle per run), the charts, the summary table and trade-off chart when training ends, and a
// polite live region with a text summary for screen readers. Redraws at most once per animation frame.
import type { HostToWebview } from '../../src/protocol';
import { LineChart, TradeoffChart, formatNumber, formatRate } from './chartView';
import type { HostChannel } from './host';
import { toCsv } from './csv';
import { type Change, PanelModel, type PanelError, summaryRows, textSummary, tradeoffPoints, violationHeading } from './model';
import { chartSpecs } from './series';
import { SweepView } from './sweepView';
import { type ChartTheme, onThemeChange, readTheme } from './theme';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
/** A vscode-elements custom element (registered by the bundle import in main.ts). */
const vsc = (tag: `vscode-${string}`, attrs: Record<string, string> = {}, text?: string): HTMLElement => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

/** How often the screen-reader summary may change while training (it is polite, but not chatty). */
const LIVE_SUMMARY_MS = 5000;
const SAVE_STATE_MS = 3000;
/**
 * While a trial streams, charts are redrawn at most this often: ten pictures a second read as live, and the
 * webview shares its thread with the editor around it in a browser-hosted VS Code.
 */
const STREAM_FRAME_MS = 100;

export class PanelView {
  readonly model = new PanelModel();
  private theme: ChartTheme = readTheme();
  private transform = { smoothing: 0, log: false };
  private readonly hiddenRuns = new Set<string>();
  private charts: LineChart[] = [];
  private tradeoff: TradeoffChart | undefined;
  private xs: number[] = [];
  private pending: { structure: boolean; data: boolean; status: boolean } = { structure: false, data: false, status: false };
  private frame = 0;
  private timer = 0;
  private lastDrawStart = 0;
  private lastDrawEnd = 0;
  private lastDrawCost = 0;
  private lastLive = 0;
  private lastSave = 0;
  /** Frames drawn so far and the time they took (the render bench reads them). */
  framesDrawn = 0;
  drawMsTotal = 0;

  /** True when every message received so far is drawn (tests wait for it). */
  get settled(): boolean {
    return this.frame === 0 && this.timer === 0;
  }

  private readonly title = el('h1', { id: 'title' }, 'Loss Lab training');
  private readonly backend = el('span', { id: 'backend' }, '');
  /** Which tfjs-node file ran when it came from outside Loss Lab (the workspace, a folder the user named). */
  private readonly native = el('p', { id: 'native', class: 'native', role: 'note', hidden: '' });
  private readonly speed = el('span', { id: 'steps-per-second' }, '');
  private readonly pid = el('span', { id: 'pid' }, '');
  private readonly statusText = el('span', { id: 'status' }, 'idle');
  /** The trainer's pid, shown while it runs; after, only in the status's tooltip (and the output channel). */
  private readonly pidField = labelled('Trainer pid', this.pid);
  private readonly progress = vsc('vscode-progress-bar', { id: 'progress', 'aria-label': 'Training progress' });
  private readonly progressText = el('span', { id: 'progress-text' }, '');
  private readonly stopButton = vsc('vscode-button', { id: 'stop', disabled: '' }, 'Stop');
  /** When Stop was clicked in this trial (epoch ms), 0 before: the header says "stopping…" until the trainer confirms. */
  private stopAskedAt = 0;
  private readonly rerunButton = vsc('vscode-button', { id: 'rerun', secondary: '', disabled: '' }, 'Re-run');
  private readonly sweepButton = vsc('vscode-button', { id: 'sweep-lambda', secondary: '', disabled: '' }, 'Sweep λ');
  private readonly sweep = new SweepView({
    useLambda: (choice) => this.host.send({ type: 'use-lambda', ...choice }),
    focus: (runId) => this.focusRun(runId),
    tolerance: (epsilon) => {
      this.model.sweepOverride = epsilon;
      this.pending.status = true;
      this.schedule();
    },
  });
  private readonly csvButton = vsc('vscode-button', { id: 'export-csv', secondary: '' }, 'Export CSV');
  private readonly pngButton = vsc('vscode-button', { id: 'export-png', secondary: '' }, 'Export PNG');
  private readonly errors = el('section', { id: 'errors', 'aria-label': 'Errors' });
  /** What the trial model and data are, and why (one line each). */
  private readonly trialModel = el('p', { id: 'trial-model', class: 'trial-what' });
  private readonly trialData = el('p', { id: 'trial-data', class: 'trial-what' });
  private readonly runToggles = el('div', { id: 'run-toggles', role: 'group', 'aria-label': 'Show or hide runs' });
  private readonly logToggle = vsc('vscode-checkbox', { id: 'log-scale', label: 'Log scale' });
  private readonly smoothing = el('input', { id: 'smoothing', type: 'range', min: '0', max: '0.99', step: '0.01', value: '0', 'aria-label': 'Smoothing (exponential moving average)' });
  private readonly smoothingValue = el('output', { id: 'smoothing-value', for: 'smoothing' }, '0');
  private readonly chartsHost = el('section', { id: 'charts', 'aria-label': 'Charts' });
  private readonly summary = el('section', { id: 'summary', 'aria-label': 'Summary', hidden: '' });
  private readonly summaryBody = el('tbody');
  /** The summary's violation column heading, named after the measured metric when there is one. */
  private violationHead: HTMLTableCellElement | undefined;
  private readonly tradeoffHost = el('div', { id: 'tradeoff' });
  private readonly live = el('div', { id: 'live-summary', class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  private readonly empty = el('p', { id: 'empty', class: 'empty' }, 'Run “Loss Lab: Train with Constraint” with the cursor in a loss function.');

  constructor(
    root: HTMLElement,
    private readonly host: HostChannel,
  ) {
    this.layout(root);
    this.wire();
    onThemeChange(() => this.restyle());
    new ResizeObserver(() => {
      for (const c of this.charts) c.resize();
      this.sweep.resize();
    }).observe(this.chartsHost);
  }

  private layout(root: HTMLElement): void {
    const header = el('header');
    const meta = el('div', { class: 'meta' });
    meta.append(
      labelled('Status', this.statusText),
      labelled('Backend', this.backend),
      labelled('Speed', this.speed),
      labelled('Progress', this.progressText),
      this.pidField,
    );
    const actions = el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Training actions' });
    actions.append(this.stopButton, this.rerunButton, this.sweepButton, this.csvButton, this.pngButton);
    header.append(this.title, meta, this.native, this.trialModel, this.trialData, this.progress, actions);

    const controls = el('section', { class: 'controls', 'aria-label': 'Chart options' });
    const smoothLabel = el('label', { for: 'smoothing', class: 'smoothing' }, 'Smoothing ');
    smoothLabel.append(this.smoothing, this.smoothingValue);
    controls.append(this.logToggle, smoothLabel, this.runToggles);

    const table = el('table', { id: 'summary-table' });
    const caption = el('caption', {}, 'Summary per run');
    const head = el('thead');
    const headRow = el('tr');
    for (const h of ['Run', 'λ', 'Final original loss', 'Final violation', 'Best step', 'Steps/s', 'Status']) {
      const th = el('th', { scope: 'col' }, h);
      if (h === 'Final violation') this.violationHead = th;
      headRow.append(th);
    }
    head.append(headRow);
    table.append(caption, head, this.summaryBody);
    this.summary.append(table, this.tradeoffHost);
    this.tradeoff = new TradeoffChart(this.tradeoffHost);

    // The answer (recommendation, front, table) on top; the curves below.
    root.append(header, this.errors, this.sweep.section, controls, this.empty, this.chartsHost, this.summary, this.live);
  }

  private wire(): void {
    this.stopButton.addEventListener('click', () => {
      this.host.send({ type: 'stop' });
      // Said at once: the trainer confirms after its current step and its summaries (about half a second).
      this.stopAskedAt = Date.now();
      document.body.dataset.stoppingShownAt = String(this.stopAskedAt);
      this.updateHeader();
    });
    this.rerunButton.addEventListener('click', () => this.host.send({ type: 'rerun' }));
    this.sweepButton.addEventListener('click', () => this.host.send({ type: 'sweep' }));
    this.csvButton.addEventListener('click', () => this.host.send({ type: 'export', format: 'csv', data: toCsv(this.model) }));
    this.pngButton.addEventListener('click', () => {
      const png = this.renderPng();
      if (png) this.host.send({ type: 'export', format: 'png', data: png });
    });
    this.logToggle.addEventListener('change', () => {
      this.transform = { ...this.transform, log: (this.logToggle as unknown as { checked: boolean }).checked };
      this.restyle();
    });
    this.smoothing.addEventListener('input', () => {
      const s = Number(this.smoothing.value);
      this.smoothingValue.textContent = s.toFixed(2);
      this.transform = { ...this.transform, smoothing: s };
      this.pending.data = true;
      this.schedule();
    });
  }

  handle(msg: HostToWebview): void {
    const change: Change = this.model.apply(msg);
    if (change === 'none') return;
    // when the trial's first point is painted (epoch ms): the e2e tests measure command → first point drawn with it
    if (change === 'reset') {
      delete document.body.dataset.firstPointDrawnAt;
      this.stopAskedAt = 0;
    }
    if (change === 'reset' || change === 'structure') this.pending.structure = true;
    if (change === 'data') this.pending.data = true;
    this.pending.status = true;
    this.schedule();
  }

  /**
   * Next animation frame, but never sooner than twice the last redraw's cost after it ended (and, while streaming,
   * STREAM_FRAME_MS after the last one began): however much data streams in, drawing takes at most a third of the
   * main thread and the editor around the panel stays responsive.
   */
  private schedule(): void {
    if (this.frame || this.timer) return;
    // A new chart structure draws at once; a stop or an end waits at most one streaming frame.
    const streaming = this.model.status === 'running' && !this.pending.structure;
    const earliest = Math.max(this.lastDrawEnd + 2 * this.lastDrawCost, streaming ? this.lastDrawStart + STREAM_FRAME_MS : 0);
    const wait = earliest - performance.now();
    const request = () => {
      this.timer = 0;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const start = performance.now();
        this.lastDrawStart = start;
        this.draw();
        this.lastDrawEnd = performance.now();
        this.lastDrawCost = this.lastDrawEnd - start;
        this.drawMsTotal += this.lastDrawCost;
      });
    };
    if (wait > 1) this.timer = window.setTimeout(request, wait);
    else request();
  }

  private draw(): void {
    const { structure, data } = this.pending;
    this.pending = { structure: false, data: false, status: false };
    if (structure) this.rebuildCharts();
    if (structure || data) this.updateCharts();
    if (this.model.length > 0 && this.charts.length > 0) document.body.dataset.firstPointDrawnAt ??= String(Date.now());
    this.updateHeader();
    this.updateSummary();
    this.sweep.update(this.model, this.theme);
    this.updateLive(structure);
    this.saveState();
    this.framesDrawn++;
  }

  private rebuildCharts(): void {
    for (const c of this.charts) c.destroy();
    // No runs yet (starting, or failed before training): no empty chart frames.
    const specs = this.model.runs.length ? chartSpecs(this.model) : [];
    this.charts = specs.map((spec) => new LineChart(this.chartsHost, spec, this.theme, this.transform, this.hiddenRuns));
    this.empty.hidden = this.model.runs.length > 0 || this.model.status !== 'idle';
    this.runToggles.replaceChildren(
      ...this.model.runs.map((run) => {
        const box = vsc('vscode-checkbox', { label: run.spec.label, 'data-run': run.spec.id });
        if (!this.hiddenRuns.has(run.spec.id)) box.setAttribute('checked', '');
        box.style.setProperty('--run-colour', this.theme.runs[run.index % this.theme.runs.length]);
        box.classList.add('run-toggle');
        box.addEventListener('change', () => {
          const visible = (box as unknown as { checked: boolean }).checked;
          if (visible) this.hiddenRuns.delete(run.spec.id);
          else this.hiddenRuns.add(run.spec.id);
          for (const c of this.charts) c.setRunVisible(run.spec.id, visible);
        });
        return box;
      }),
    );
  }

  private updateCharts(): void {
    const n = this.model.length;
    for (let i = this.xs.length; i < n; i++) this.xs.push(i);
    this.xs.length = n;
    for (const c of this.charts) c.update(this.model, this.xs);
  }

  private restyle(): void {
    this.theme = readTheme();
    for (const c of this.charts) c.restyle(this.theme, this.transform, this.model, this.xs);
    for (const box of this.runToggles.querySelectorAll<HTMLElement>('.run-toggle')) {
      const run = this.model.run(box.dataset.run ?? '');
      if (run) box.style.setProperty('--run-colour', this.theme.runs[run.index % this.theme.runs.length]);
    }
    if (!this.summary.hidden && !this.tradeoffHost.hidden) this.tradeoff?.render(tradeoffPoints(this.model), this.theme);
    this.sweep.update(this.model, this.theme);
  }

  /** A clicked point of the front: only that run's curves (undefined: every run again). */
  private focusRun(runId: string | undefined): void {
    for (const run of this.model.runs) {
      const visible = runId === undefined || run.spec.id === runId;
      if (visible) this.hiddenRuns.delete(run.spec.id);
      else this.hiddenRuns.add(run.spec.id);
      for (const c of this.charts) c.setRunVisible(run.spec.id, visible);
    }
    for (const box of this.runToggles.querySelectorAll<HTMLElement>('.run-toggle')) {
      toggleAttr(box, 'checked', !this.hiddenRuns.has(box.dataset.run ?? ''));
      (box as unknown as { checked: boolean }).checked = !this.hiddenRuns.has(box.dataset.run ?? '');
    }
  }

  private updateHeader(): void {
    const m = this.model;
    this.title.textContent = m.title || 'Loss Lab training';
    const running = m.status === 'running' || m.status === 'starting';
    const stopping = running && this.stopAskedAt > 0;
    this.statusText.textContent = stopping ? 'stopping…' : m.status;
    // when the shown status last changed (epoch ms): the e2e tests measure click → "stopped" shown with it
    if (document.body.dataset.status !== m.status) document.body.dataset.statusShownAt = String(Date.now());
    document.body.dataset.status = m.status;
    this.backend.textContent = m.started ? m.started.backend : '—';
    this.backend.title = m.started?.backendReason ?? '';
    const native = m.started?.native;
    toggleAttr(this.native, 'hidden', !native);
    this.native.textContent = native
      ? `Loaded ${native.origin === 'workspace' ? "the workspace's" : 'a'} tfjs-node ${native.version} from ${native.file}${native.started ? '' : ` — it did not start; running on ${m.started?.backend ?? '…'}`}`
      : '';
    const trial = m.started?.trial;
    this.trialModel.textContent = trial ? `Model: ${trial.model}` : '';
    this.trialData.textContent = trial ? `Data: ${trial.data}` : '';
    this.trialModel.hidden = !trial;
    this.trialData.hidden = !trial;
    this.speed.textContent = m.stepsPerSecond ? `${formatRate(m.stepsPerSecond)} steps/s` : '—';
    this.pid.textContent = m.pid === undefined ? '—' : String(m.pid);
    const alive = m.status === 'starting' || m.status === 'running';
    toggleAttr(this.pidField, 'hidden', !alive || m.pid === undefined);
    this.statusText.title = m.pid === undefined ? '' : `Trainer process ${m.pid}${alive ? '' : ' (ended)'}`;
    const { step, steps } = m.progress;
    this.progressText.textContent = steps ? `${step} / ${steps}` : '—';
    const bar = this.progress as unknown as { value?: number; max: number; indeterminate: boolean };
    bar.max = Math.max(1, steps);
    bar.value = step;
    bar.indeterminate = m.status === 'starting';
    toggleAttr(this.stopButton, 'disabled', !running || stopping);
    toggleAttr(this.rerunButton, 'disabled', running || m.title === '');
    toggleAttr(this.sweepButton, 'disabled', running || m.title === '' || (m.started !== undefined && m.penaltyTerms.length === 0));
    this.renderErrors();
  }

  private renderErrors(): void {
    const m = this.model;
    const items = m.errors.map((e) => ({ text: describeError(e), file: e.file, line: e.line }));
    if (m.status === 'crashed' && m.exitMessage) items.push({ text: m.exitMessage, file: undefined, line: undefined });
    const key = JSON.stringify(items);
    if (this.errors.dataset.key === key) return;
    this.errors.dataset.key = key;
    this.errors.replaceChildren(
      ...items.map((item) => {
        const banner = el('div', { class: 'error', role: 'alert' });
        banner.append(el('span', { class: 'message' }, item.text));
        if (item.line !== undefined) {
          const reveal = vsc('vscode-button', { secondary: '', class: 'reveal' }, 'Show in code');
          const { file, line } = item;
          reveal.addEventListener('click', () => this.host.send({ type: 'reveal', file, line }));
          banner.append(reveal);
        }
        return banner;
      }),
    );
  }

  private updateSummary(): void {
    const m = this.model;
    const ended = ['done', 'stopped', 'failed', 'crashed'].includes(m.status) && m.runs.length > 0;
    this.summary.hidden = !ended;
    if (!ended) return;
    const rows = summaryRows(m);
    const key = JSON.stringify(rows);
    if (this.summary.dataset.key === key) return;
    this.summary.dataset.key = key;
    if (this.violationHead) this.violationHead.textContent = violationHeading(m);
    this.summaryBody.replaceChildren(
      ...rows.map((r) => {
        const tr = el('tr', { 'data-run': r.runId });
        const name = el('th', { scope: 'row' });
        const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
        const run = m.run(r.runId);
        swatch.style.background = this.theme.runs[(run?.index ?? 0) % this.theme.runs.length];
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
      }),
    );
    // Once the runs read as a sweep, the Pareto front above is the trade-off chart; this one stays for trials that
    // ended otherwise (a crash, a failure) and still have final values to compare.
    this.tradeoffHost.hidden = m.sweepReady;
    if (!m.sweepReady) this.tradeoff?.render(tradeoffPoints(m), this.theme);
  }

  private updateLive(force: boolean): void {
    const now = performance.now();
    const settled = this.model.status !== 'running';
    if (!force && !settled && now - this.lastLive < LIVE_SUMMARY_MS) return;
    const text = textSummary(this.model);
    if (this.live.textContent !== text) this.live.textContent = text;
    this.lastLive = now;
  }

  private saveState(): void {
    const now = performance.now();
    if (this.model.status === 'running' && now - this.lastSave < SAVE_STATE_MS) return;
    this.lastSave = now;
    this.host.saveState(this.model.state());
  }

  /** Every chart stacked into one image, on the theme's background. */
  private renderPng(): string | undefined {
    const parts = [
      ...(this.model.sweepReady ? [{ title: 'Pareto front', canvas: this.sweep.canvas }] : []),
      ...this.charts.map((c) => ({ title: c.spec.title, canvas: c.canvas })),
      ...(this.summary.hidden || this.tradeoffHost.hidden ? [] : [{ title: 'Trade-off', canvas: this.tradeoff?.canvas }]),
    ]
      .filter((p): p is { title: string; canvas: HTMLCanvasElement } => p.canvas !== undefined);
    if (parts.length === 0) return undefined;
    const ratio = window.devicePixelRatio || 1;
    const titleHeight = Math.round(20 * ratio);
    const width = Math.max(...parts.map((p) => p.canvas.width));
    const height = parts.reduce((h, p) => h + p.canvas.height + titleHeight, titleHeight);
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    const g = out.getContext('2d');
    if (!g) return undefined;
    g.fillStyle = this.theme.background;
    g.fillRect(0, 0, width, height);
    g.fillStyle = this.theme.foreground;
    g.font = `${Math.round(13 * ratio)}px sans-serif`;
    g.fillText(this.model.title, 8 * ratio, 15 * ratio);
    let y = titleHeight;
    for (const p of parts) {
      g.fillText(p.title, 8 * ratio, y + 15 * ratio);
      g.drawImage(p.canvas, 0, y + titleHeight);
      y += titleHeight + p.canvas.height;
    }
    return out.toDataURL('image/png');
  }
}

function labelled(label: string, value: HTMLElement): HTMLElement {
  const span = el('span', { class: 'field' });
  span.append(el('span', { class: 'label' }, `${label}: `), value);
  return span;
}

function toggleAttr(e: Element, name: string, on: boolean): void {
  if (on) e.setAttribute(name, '');
  else e.removeAttribute(name);
}

function describeError(e: PanelError): string {
  const place = e.file && e.line ? `${e.file.split(/[\\/]/).pop()}:${e.line}` : e.line ? `${e.cell ? `cell ${e.cell}, ` : ''}line ${e.line}` : '';
  const where = [place, e.runId ? `run ${e.runId}` : '', e.step !== undefined ? `step ${e.step}` : '']
    .filter(Boolean)
    .join(', ');
  return `${e.message}${where ? ` (${where})` : ''}`;
}
