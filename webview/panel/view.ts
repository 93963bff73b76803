// The panel's DOM: header (backend, steps/s, progress, Stop, Re-run, export), error banners, controls (log scale,
// smoothing, one toggle per run), the charts, the summary table and trade-off chart when training ends, and a
// polite live region with a text summary for screen readers. Redraws at most once per animation frame.
import type { HostToWebview } from '../../src/protocol';
import { LineChart, formatRate } from './chartView';
import { el, labelled, toggleAttr, vsc } from './dom';
import { ErrorsView } from './errorsView';
import type { HostChannel } from './host';
import { toCsv } from './csv';
import { type Change, PanelModel } from './model';
import { stackCharts } from './pngExport';
import { textSummary } from './summary';
import { chartSpecs } from './series';
import { SummaryView } from './summaryView';
import { SweepView } from './sweepView';
import { type ChartTheme, onThemeChange, readTheme } from './theme';

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
  private readonly errors: ErrorsView;
  /** What the trial model and data are, and why (one line each). */
  private readonly trialModel = el('p', { id: 'trial-model', class: 'trial-what' });
  private readonly trialData = el('p', { id: 'trial-data', class: 'trial-what' });
  private readonly runToggles = el('div', { id: 'run-toggles', role: 'group', 'aria-label': 'Show or hide runs' });
  private readonly logToggle = vsc('vscode-checkbox', { id: 'log-scale', label: 'Log scale' });
  private readonly smoothing = el('input', { id: 'smoothing', type: 'range', min: '0', max: '0.99', step: '0.01', value: '0', 'aria-label': 'Smoothing (exponential moving average)' });
  private readonly smoothingValue = el('output', { id: 'smoothing-value', for: 'smoothing' }, '0');
  private readonly chartsHost = el('section', { id: 'charts', 'aria-label': 'Charts' });
  private readonly summary = new SummaryView();
  private readonly live = el('div', { id: 'live-summary', class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  private readonly empty = el('p', { id: 'empty', class: 'empty' }, 'Run “Loss Lab: Train with Constraint” with the cursor in a loss function.');

  constructor(
    root: HTMLElement,
    private readonly host: HostChannel,
  ) {
    this.errors = new ErrorsView(host);
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

    // The answer (recommendation, front, table) on top; the curves below.
    root.append(header, this.errors.section, this.sweep.section, controls, this.empty, this.chartsHost, this.summary.section, this.live);
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
    this.summary.render(this.model, this.theme);
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
    this.summary.restyle(this.model, this.theme);
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
    this.errors.render(m);
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
    return stackCharts(
      this.model.title,
      [
        ...(this.model.sweepReady ? [{ title: 'Pareto front', canvas: this.sweep.canvas }] : []),
        ...this.charts.map((c) => ({ title: c.spec.title, canvas: c.canvas })),
        { title: 'Trade-off', canvas: this.summary.tradeoffCanvas },
      ],
      this.theme,
    );
  }
}
