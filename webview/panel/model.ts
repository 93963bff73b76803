// The training panel's state, kept free of the DOM so it is unit-tested in Node: it applies host messages and
// holds one step-indexed array per series (uPlot's aligned-data layout: x is the step, gaps are null).
import { compactHistory, MAX_SAVED_POINTS } from '../../src/editor/training/history';
import type { HostToWebview, PanelState, RunSpec, RunSummary, StepMetrics, TrainerToHost } from '../../src/protocol';
import { DEFAULT_TOLERANCE, SweepCollector, type SweepResult } from '../../src/sweep';

export type Value = number | null;
type Started = Extract<TrainerToHost, { type: 'started' }>;
type TrainerError = Extract<TrainerToHost, { type: 'error' }>;
export type TermInfo = Started['terms'][number];

export interface RunData {
  spec: RunSpec;
  /** Index in the run order: picks the run's colour. */
  index: number;
  total: Value[];
  original: Value[];
  lambda: Value[];
  /** Raw P per penalty term id. */
  raw: Record<string, Value[]>;
  /** Violation metric per penalty term id (only terms with a recognised constraint have one). */
  violation: Record<string, Value[]>;
  lastStep: number;
  summary?: RunSummary;
  last?: StepMetrics;
}

export type Status = 'idle' | 'starting' | 'running' | 'done' | 'stopped' | 'failed' | 'crashed';

/** What a message changed, so the view redraws only what it must. */
export type Change = 'none' | 'reset' | 'structure' | 'data' | 'status';

export interface PanelError {
  message: string;
  kind: string;
  fatal: boolean;
  runId?: string;
  step?: number;
  op?: string;
  file?: string;
  line?: number;
  /** A notebook cell, whose lines `line` counts. */
  cell?: number;
}

export class PanelModel {
  title = '';
  status: Status = 'idle';
  pid: number | undefined;
  started: Started | undefined;
  runs: RunData[] = [];
  penaltyTerms: TermInfo[] = [];
  /** One past the largest step seen: the length of every series array. */
  length = 0;
  stepsPerSecond = 0;
  wallSeconds: number | undefined;
  errors: PanelError[] = [];
  exitMessage: string | undefined;
  /** Every trainer message since the last reset: what the panel state is rebuilt from. */
  history: TrainerToHost[] = [];
  /** When the shown trial started (PanelState.trial). */
  trial: number | undefined;
  /** Bumped on every data change: caches keyed by it know when to recompute. */
  version = 0;
  /** The trial read as a sweep (src/sweep): the same reading the host and the CLI make. */
  collector = new SweepCollector();
  /** ε for penalties whose constraint has none (lossLab.sweep.tolerance, from the host). */
  sweepTolerance = DEFAULT_TOLERANCE;
  /** ε typed into the panel for every constraint (undefined: each constraint's own, else the setting). */
  sweepOverride: number | undefined;
  private sweepCache: { version: string; result: SweepResult } | undefined;

  apply(msg: HostToWebview): Change {
    switch (msg.type) {
      case 'reset':
        this.clear(msg.title);
        this.trial = msg.trial;
        this.sweepTolerance = msg.sweep?.tolerance ?? DEFAULT_TOLERANCE;
        this.status = 'starting';
        return 'reset';
      case 'restore':
        this.clear(msg.state.title);
        this.trial = msg.state.trial;
        this.sweepTolerance = msg.state.sweep?.tolerance ?? DEFAULT_TOLERANCE;
        for (const m of msg.state.history) this.applyTrainer(m);
        return 'reset';
      case 'trainer':
        return this.applyTrainer(msg.message);
      case 'trainer-exit':
        if (this.status === 'done' || this.status === 'stopped') return 'none';
        this.status = 'crashed';
        this.exitMessage = msg.message;
        return 'status';
    }
  }

  state(): PanelState {
    return {
      title: this.title,
      history: this.history,
      ...(this.trial !== undefined ? { trial: this.trial } : {}),
      sweep: { tolerance: this.sweepTolerance },
    };
  }

  /** Points in `history` since it was last compacted (about). */
  private historyPoints = 0;

  private clear(title: string): void {
    this.title = title;
    this.status = 'idle';
    this.pid = undefined;
    this.started = undefined;
    this.runs = [];
    this.penaltyTerms = [];
    this.length = 0;
    this.stepsPerSecond = 0;
    this.wallSeconds = undefined;
    this.errors = [];
    this.exitMessage = undefined;
    this.history = [];
    this.historyPoints = 0;
    this.collector = new SweepCollector();
    this.sweepCache = undefined;
    this.sweepOverride = undefined;
    this.version++;
  }

  /** Whether the runs ended and can be judged as a sweep: a penalty, and at least one run. */
  get sweepReady(): boolean {
    return ['done', 'stopped'].includes(this.status) && this.penaltyTerms.length > 0 && this.runs.length > 0;
  }

  /** Feasibility, front and recommendation of the ended runs (cached per data version and status). */
  sweepResult(): SweepResult {
    const key = `${this.version}:${this.status}:${this.sweepTolerance}:${this.sweepOverride}`;
    const options = { tolerance: this.sweepTolerance, ...(this.sweepOverride !== undefined ? { override: this.sweepOverride } : {}) };
    if (this.sweepCache?.version !== key) this.sweepCache = { version: key, result: this.collector.analyse(options) };
    return this.sweepCache.result;
  }

  applyTrainer(m: TrainerToHost): Change {
    if (m.type !== 'log') this.history.push(m);
    this.collector.add(m);
    switch (m.type) {
      case 'ready':
        this.pid = m.pid;
        if (this.status === 'idle') this.status = 'starting';
        return 'status';
      case 'started':
        this.started = m;
        this.status = 'running';
        this.penaltyTerms = m.terms.filter((t) => t.role === 'penalty');
        this.runs = m.runs.map((spec, index) => this.newRun(spec, index));
        this.version++;
        return 'structure';
      case 'metrics':
        this.stepsPerSecond = m.stepsPerSecond;
        for (const p of m.points) this.addPoint(p);
        // The charts keep every point; the saved state (cloned on every save) stays bounded.
        this.historyPoints += m.points.length;
        if (this.historyPoints > 2 * MAX_SAVED_POINTS) {
          this.history = compactHistory(this.history);
          this.historyPoints = MAX_SAVED_POINTS;
        }
        this.version++;
        return 'data';
      case 'run-ended': {
        const run = this.run(m.summary.runId);
        if (run) run.summary = m.summary;
        return 'status';
      }
      case 'done':
        for (const s of m.summaries) {
          const run = this.run(s.runId);
          if (run) run.summary = s;
        }
        this.wallSeconds = m.wallSeconds;
        this.status = m.summaries.some((s) => s.status === 'stopped') ? 'stopped' : 'done';
        return 'status';
      case 'error':
        this.errors.push(toPanelError(m));
        if (m.fatal) this.status = 'failed';
        return 'status';
      case 'log':
        return 'none';
    }
  }

  private newRun(spec: RunSpec, index: number): RunData {
    const perTerm = () => Object.fromEntries(this.penaltyTerms.map((t) => [t.id, [] as Value[]]));
    return { spec, index, total: [], original: [], lambda: [], raw: perTerm(), violation: perTerm(), lastStep: -1 };
  }

  run(id: string): RunData | undefined {
    return this.runs.find((r) => r.spec.id === id);
  }

  private addPoint(p: StepMetrics): void {
    const run = this.run(p.runId);
    if (!run) return;
    const i = p.step;
    if (i + 1 > this.length) this.length = i + 1;
    put(run.total, i, finite(p.total));
    put(run.original, i, finite(p.original));
    put(run.lambda, i, run.spec.lambda);
    for (const t of this.penaltyTerms) {
      const term = p.terms[t.id];
      if (term) put(run.raw[t.id], i, finite(term.raw));
      const v = p.violations[t.id];
      if (v !== undefined) put(run.violation[t.id], i, finite(v));
    }
    if (i > run.lastStep) {
      run.lastStep = i;
      run.last = p;
    }
  }

  /** Steps done by the slowest run that is still going (for the progress bar). */
  get progress(): { step: number; steps: number } {
    const steps = this.started?.steps ?? 0;
    // The slowest run still going; once all ended, the furthest any run got (a stopped trial did not reach `steps`).
    const going = this.runs.filter((r) => !r.summary);
    const reached = (r: RunData) => Math.max(r.lastStep + 1, r.summary?.final ? r.summary.final.step + 1 : 0);
    const step = going.length ? Math.min(...going.map(reached)) : this.runs.length ? Math.max(...this.runs.map(reached)) : 0;
    return { step: Math.max(0, Math.min(step, steps)), steps };
  }

  /** Penalty terms that have a violation metric (for the summary and the trade-off). */
  get measuredTerms(): TermInfo[] {
    return this.penaltyTerms.filter((t) => this.runs.some((r) => r.violation[t.id]?.length));
  }
}

function toPanelError(m: TrainerError): PanelError {
  return {
    message: m.message,
    kind: m.kind,
    fatal: m.fatal,
    runId: m.runId,
    step: m.step,
    op: m.op,
    file: m.location?.file,
    line: m.location?.line,
    cell: m.location?.cell,
  };
}

const finite = (v: number): Value => (Number.isFinite(v) ? v : null);

/** Sets a[i], filling any gap before it with nulls. */
function put(a: Value[], i: number, v: Value): void {
  while (a.length < i) a.push(null);
  a[i] = v;
}
