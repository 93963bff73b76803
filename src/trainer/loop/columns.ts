// The columns of a step's metrics row, in order: total, original, each term's raw and weighted value (then the
// violations, see violationColumns.ts). Which terms a loss reports is known at its first evaluation.
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { Term } from '../../analysis/ir';
import type { StepMetrics } from '../../protocol/trainer';
import type { Tf } from '../backend';
import type { BatchedLoss } from '../interpreter';
import type { LossFn } from '../runLoss';

export class MetricColumns {
  /** The terms the loss reports, in order (set by the first evaluation). */
  private termIds: string[] | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly terms: Term[],
    /** Runs in the batched model. */
    private readonly runs: number,
  ) {}

  get ids(): string[] {
    return this.termIds ?? [];
  }

  private idsOf(out: { terms: Record<string, unknown> }): string[] {
    this.termIds ??= this.terms.map((t) => t.id).filter((id) => out.terms[id] !== undefined);
    return this.termIds;
  }

  /** A run's loss values in metrics order: total, original, each term's raw and weighted. */
  lossParts(out: ReturnType<LossFn>): Scalar[] {
    const parts: Scalar[] = [out.total, out.original];
    for (const id of this.idsOf(out)) {
      const t = out.terms[id];
      parts.push(t ? t.raw : this.tf.scalar(Number.NaN), t ? t.weighted : this.tf.scalar(Number.NaN));
    }
    return parts;
  }

  /** The same for all runs at once, each [K]. */
  lossColumns(out: ReturnType<BatchedLoss>): Tensor[] {
    const columns: Tensor[] = [out.total, out.original];
    for (const id of this.idsOf(out)) {
      const t = out.terms[id];
      columns.push(t ? t.raw : this.tf.fill([this.runs], Number.NaN), t ? t.weighted : this.tf.fill([this.runs], Number.NaN));
    }
    return columns;
  }
}

/** A validation row (total, original, each term's raw value, each violation) as a point's fields; non-finite values left out (JSON has no NaN). */
export function validationFields(row: ArrayLike<number>, ids: string[], violationTerms: Term[]): Partial<StepMetrics> {
  const finite = (entries: [string, number][]) => Object.fromEntries(entries.filter(([, v]) => Number.isFinite(v)));
  const fields: Partial<StepMetrics> = {
    valTerms: finite(ids.map((id, j) => [id, row[2 + j]!])),
    valViolations: finite(violationTerms.map((t, j) => [t.id, row[2 + ids.length + j]!])),
  };
  if (Number.isFinite(row[0]!)) fields.valLoss = row[0]!;
  if (Number.isFinite(row[1]!)) fields.valOriginal = row[1]!;
  return fields;
}

/** The first non-finite value of a point, named by its term when a term is the cause. */
export function nonFinite(p: StepMetrics, terms: Term[]): { term: Term | undefined; what: string } | undefined {
  for (const t of terms) {
    const v = p.terms[t.id];
    if (v && !Number.isFinite(v.raw)) return { term: t, what: `${t.role === 'base' ? 'the base loss' : 'penalty'} value ${v.raw}` };
    if (v && !Number.isFinite(v.weighted)) return { term: t, what: `the weighted value ${v.weighted}` };
  }
  if (!Number.isFinite(p.original)) return { term: undefined, what: `the original loss (${p.original})` };
  if (!Number.isFinite(p.total)) return { term: undefined, what: `the total loss (${p.total})` };
  return undefined;
}
