// The trainer's named violation metric per constraint kind: the readable "how far from satisfied" number shown next
// to each penalty's raw value. Lower is better and 0 means the constraint holds on the batch.
import type { ConstraintKind } from '../analysis/ir';
import type { ViolationMetric } from './types';

export const violationMetrics: Record<ConstraintKind, ViolationMetric> = {
  'sum-to-one': {
    label: 'mean |Σp − 1|',
    describe: 'Mean over the samples of the absolute gap between the sum of each output row and its target (1).',
  },
  bounds: {
    label: 'fraction outside [lo, hi] ± 1%',
    describe:
      'Share of output values below the lower bound or above the upper bound by more than 1% of (hi − lo) (1e-2 when only one bound is set): a penalty whose pull fades at the bound (a squared hinge) leaves values settled just past it, which this tolerance does not count.',
  },
  'output-sparsity': {
    label: 'fraction |ŷ| ≥ 1e-3',
    describe: 'Share of output values whose magnitude is at least 1e-3, i.e. not (near) zero; lower is sparser.',
  },
  'weight-sparsity': {
    label: 'fraction |w| ≥ 1e-2',
    describe:
      'Share of kernel weights whose magnitude is at least 1e-2, i.e. not (near) zero; lower is sparser. Under Adam an L1-penalised weight jitters within about one step (the learning rate) of zero instead of settling at it, so smaller weights count as zero.',
  },
  'non-negativity': {
    label: 'fraction ŷ < −0.01',
    describe:
      'Share of output values below −0.01: a penalty whose pull fades near 0 (a squared one) leaves outputs settled just below it, which this tolerance does not count.',
  },
  monotone: {
    label: 'fraction of pairs out of order',
    describe:
      'Share of adjacent output pairs (ŷ[k], ŷ[k+1]) against the order the penalty asks for: the later value smaller than the earlier one, or larger for a penalty on increases.',
  },
  parity: {
    label: '|mean ŷ(A) − mean ŷ(B)|',
    describe: 'Absolute difference between the mean prediction of group A and of group B (demographic-parity gap).',
  },
};
