// Reading and reporting the measured steps. Each step's metrics stay on the backend as one kept tensor until a
// message is due (at most `maxMessagesPerSecond`): then every pending step is read with one dataSync, checked for
// NaN/Inf (a run that diverges ends, with the term and line to blame), and the reported steps are sent.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Term } from '../../analysis/ir';
import type { StepMetrics, TrainerToHost } from '../../protocol/trainer';
import type { Tf } from '../backend';
import { describeGradientIssue, type GradientIssue } from '../gradientCheck';
import type { RunTracker } from '../metrics/tracker';
import { type MetricColumns, nonFinite, validationFields } from './columns';
import { describeRunaway, runawayTerm } from './runaway';
import type { ConstrainedTerm } from './violationColumns';

export interface PendingStep {
  step: number;
  /** The runs measured at this step, in order. */
  runs: number[];
  metrics: Tensor;
  /** Validation totals of the same runs, when this step validates. */
  val?: Tensor;
}

export interface ReporterOptions {
  tf: Tf;
  trackers: RunTracker[];
  columns: MetricColumns;
  terms: Term[];
  violationTerms: ConstrainedTerm[];
  steps: number;
  reportEvery: number;
  maxMessagesPerSecond: number;
  sourceFile?: string;
  send: (message: TrainerToHost) => void;
  /** A term whose gradient is non-finite before training: the cause a diverged run names (../gradientCheck.ts). */
  gradientIssue?: GradientIssue;
  /** Step → run → each penalty's gradient-norm ratio (gradRatios.ts): sent with that step's point. */
  gradRatioRows: Map<number, Map<number, Record<string, number>>>;
}

export class Reporter {
  private pending: PendingStep[] = [];
  private lastSent = Number.NEGATIVE_INFINITY;
  readonly startedAt = performance.now();
  /** Steps trained so far (for the speed). */
  stepsRun = 0;
  private readonly interval: number;

  constructor(private readonly o: ReporterOptions) {
    this.interval = 1000 / o.maxMessagesPerSecond;
  }

  /** Metrics tensors kept and not yet read (tests watch the tensor count). */
  get pendingTensors(): number {
    return this.pending.reduce((n, p) => n + (p.val ? 2 : 1), 0);
  }

  /** Keeps a step's metrics; sends what is pending when a message is due. */
  add(step: PendingStep): void {
    this.pending.push(step);
    this.stepsRun = step.step + 1;
    if (performance.now() - this.lastSent >= this.interval) this.flush();
  }

  /** The last message, still at the rate: sends everything pending, the last step included. */
  async finish(): Promise<void> {
    const wait = this.interval - (performance.now() - this.lastSent);
    if (this.pending.length > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.flush(true);
  }

  /** Frees what was never read (the loop ended by an error). */
  dispose(): void {
    for (const p of this.pending) {
      p.metrics.dispose();
      p.val?.dispose();
    }
    this.pending = [];
  }

  /**
   * Reads every pending step with one dataSync, checks for NaN/Inf, sends one metrics message with the reported
   * steps (`final`: the last pending step is reported too, so a stopped run's chart ends where it stopped).
   */
  private flush(final = false): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const values = this.read(batch);
    const { columns, violationTerms, trackers, gradRatioRows } = this.o;
    const ids = columns.ids;
    const width = 2 + 2 * ids.length + violationTerms.length;
    const valWidth = 2 + ids.length + violationTerms.length;
    const points: StepMetrics[] = [];
    let offset = 0;
    for (const p of batch) {
      const valOffset = offset + p.runs.length * width;
      const reported = p.step % this.o.reportEvery === 0 || !!p.val || p.step === this.o.steps - 1 || (final && p === batch.at(-1));
      p.runs.forEach((k, i) => {
        const tracker = trackers[k]!;
        if (tracker.status === 'diverged') return;
        const point = this.point(tracker.run.id, p.step, values.subarray(offset + i * width, offset + (i + 1) * width), ids);
        if (p.val) Object.assign(point, validationFields(values.subarray(valOffset + i * valWidth, valOffset + (i + 1) * valWidth), ids, violationTerms));
        const ratios = gradRatioRows.get(p.step)?.get(k);
        if (ratios) point.gradRatios = ratios;
        const bad = nonFinite(point, this.o.terms);
        if (bad) {
          this.diverge(k, p.step, bad);
          return;
        }
        tracker.record(point);
        if (reported || ratios) points.push(point);
        gradRatioRows.get(p.step)?.delete(k);
      });
      offset = valOffset + (p.val ? p.runs.length * valWidth : 0);
    }
    this.lastSent = performance.now();
    const elapsed = (this.lastSent - this.startedAt) / 1000;
    // Steps between two reported ones send nothing: the next message is at most `interval` away anyway.
    if (points.length > 0) this.o.send({ type: 'metrics', points, stepsPerSecond: elapsed > 0 ? this.stepsRun / elapsed : 0 });
  }

  /** All pending steps' values in one read. */
  private read(batch: PendingStep[]): Float32Array | Int32Array | Uint8Array {
    const { tf } = this.o;
    const all = tf.tidy(() => tf.concat(batch.flatMap((p) => (p.val ? [p.metrics, p.val] : [p.metrics])).map((t) => tf.reshape(t, [-1]))));
    const values = all.dataSync();
    all.dispose();
    for (const p of batch) {
      p.metrics.dispose();
      p.val?.dispose();
    }
    return values;
  }

  /** One run's row of a step: total, original, each term's raw and weighted value, each violation. */
  private point(runId: string, step: number, row: ArrayLike<number>, ids: string[]): StepMetrics {
    const { violationTerms } = this.o;
    return {
      runId,
      step,
      total: row[0]!,
      original: row[1]!,
      terms: Object.fromEntries(ids.map((id, j) => [id, { raw: row[2 + 2 * j]!, weighted: row[3 + 2 * j]! }])),
      violations: Object.fromEntries(violationTerms.map((t, j) => [t.id, row[2 + 2 * ids.length + j]!]).filter(([, v]) => Number.isFinite(v))),
    };
  }

  /** Ends run k at `stepIndex`: says which value went non-finite, in which term and on which line. */
  private diverge(k: number, stepIndex: number, found: { term: Term | undefined; what: string }): void {
    const tracker = this.o.trackers[k]!;
    // Every term goes NaN once a non-finite gradient has reached the weights (the first update): the term whose
    // gradient did is the cause.
    const issue = stepIndex <= 1 ? this.o.gradientIssue : undefined;
    const bad = issue ? { term: issue.term, what: 'the loss' } : found;
    // The line where the term's value is computed (its definition, e.g. `p = ...`), not where it is added.
    const line = bad.term ? (bad.term.expr?.range ?? bad.term.range).startLine + 1 : undefined;
    const where = bad.term ? ` in term ${bad.term.id} '${bad.term.label}' (line ${line})` : '';
    const runaway = issue ? undefined : runawayTerm(tracker.final, this.o.terms);
    const before = runaway && runaway.term !== bad.term ? describeRunaway(runaway, (runaway.term.expr?.range ?? runaway.term.range).startLine + 1) : '';
    const message = issue
      ? `run ${tracker.run.label || tracker.run.id}: ${bad.what} is not finite at step ${stepIndex}: ${describeGradientIssue(issue)}`
      : `run ${tracker.run.label || tracker.run.id}: ${bad.what} is not finite at step ${stepIndex}${where}${before}`;
    tracker.end('diverged', performance.now(), message);
    tracker.stepsDone = stepIndex;
    this.o.send({
      type: 'error',
      kind: 'non-finite',
      message,
      step: stepIndex,
      runId: tracker.run.id,
      fatal: false,
      ...(bad.term ? { term: bad.term.id, location: { line: line!, ...(this.o.sourceFile ? { file: this.o.sourceFile } : {}) } } : {}),
    });
    this.o.send({ type: 'run-ended', summary: tracker.summary(this.startedAt, performance.now()) });
  }
}
