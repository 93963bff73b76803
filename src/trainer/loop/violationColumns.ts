// The violation columns of a metrics row: each recognised constraint's violation, per run. Computed after the
// gradient tape: they are read-only metrics, so they need no saved copies nor backprop.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ConstraintKind, Term } from '../../analysis/ir';
import type { Tf } from '../backend';
import { batchedViolation } from '../batchedViolations';
import { toSampleShape } from '../shapedLoss';
import { constrainedValues, readableConstraint, violationFns } from '../metrics/violations';
import type { BatchedMlp } from '../model/mlp';

export type ConstrainedTerm = Term & { constraint: NonNullable<Term['constraint']> };

export class ViolationColumns {
  readonly terms: ConstrainedTerm[];
  /** Per term, the violation of all runs at once where the kind allows it. */
  private readonly together: ReturnType<typeof batchedViolation>[];

  constructor(
    private readonly tf: Tf,
    private readonly model: BatchedMlp,
    terms: Term[],
    runs: number,
    /** The per-sample shape the loss reads the flat predictions in (a sequence's (T, F)): an order runs along its axes. */
    private readonly sampleShape: readonly number[] = [],
  ) {
    this.terms = terms.filter((t): t is ConstrainedTerm => !!readableConstraint(t));
    this.together = this.terms.map((t) => batchedViolation(tf, runs, t.constraint.kind as ConstraintKind, t.constraint.params, t.constraint.on));
  }

  get any(): boolean {
    return this.terms.length > 0;
  }

  private one(t: ConstrainedTerm, pred: Tensor, yTrue: Tensor, run: number): Tensor {
    const fn = violationFns[t.constraint.kind as ConstraintKind];
    const shaped = toSampleShape(this.tf, pred, this.sampleShape);
    return fn({ tf: this.tf, yPred: constrainedValues(this.tf, shaped, t.constraint.on), yTrue, kernels: () => this.model.runKernels(run) }, t.constraint.params);
  }

  /** Each measured run's violations, [runs, violations], or undefined when the loss has no recognised constraint. */
  perRun(preds: Tensor[], yTrue: Tensor, runs: number[]): Tensor | undefined {
    const values = this.perRunValues(preds, yTrue, runs);
    return values && this.tf.stack(values.map((row) => this.tf.stack(row)));
  }

  /** The same as scalars, run by run (a step stacks them with its loss values at once), or undefined without a recognised constraint. */
  perRunValues(preds: Tensor[], yTrue: Tensor, runs: number[]): Tensor[][] | undefined {
    if (!this.any) return undefined;
    return runs.map((k, i) => this.terms.map((t) => this.one(t, preds[i]!, yTrue, k)));
  }

  /** All runs' violations from their predictions [K, B, …], [K, violations]: together where the kind allows. */
  batched(preds: Tensor, yTrue: Tensor): Tensor {
    const { tf } = this;
    const runPreds = this.together.every((f) => f) ? [] : tf.unstack(preds);
    const columns = this.terms.map((t, j) => {
      const f = this.together[j];
      return f ? f(preds, yTrue) : tf.stack(runPreds.map((p, k) => this.one(t, p, yTrue, k)));
    });
    return tf.stack(columns, 1);
  }
}
