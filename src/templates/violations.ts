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
      'Share of output values below the lower bound or above the upper bound by more than 1% of (hi − lo) (1e-2 when only one bound is set): a squared-hinge penalty leaves values settled just past the bound, which this tolerance does not count.',
  },
  'output-sparsity': {
    label: 'fraction |ŷ| ≥ 1e-3',
    describe: 'Share of output values whose magnitude is at least 1e-3, i.e. not (near) zero; lower is sparser.',
  },
  'weight-sparsity': {
    label: 'fraction |w| ≥ 1e-3',
    describe: 'Share of kernel weights whose magnitude is at least 1e-3, i.e. not (near) zero; lower is sparser.',
  },
  'non-negativity': {
    label: 'fraction ŷ < −0.01',
    describe:
      'Share of output values below −0.01: a squared penalty on the negative part leaves outputs settled just below 0, which this tolerance does not count.',
  },
  monotone: {
    label: 'fraction of pairs out of order',
    describe: 'Share of adjacent output pairs (ŷ[k], ŷ[k+1]) in which the later value is smaller than the earlier one.',
  },
  parity: {
    label: '|mean ŷ(A) − mean ŷ(B)|',
    describe: 'Absolute difference between the mean prediction of group A and of group B (demographic-parity gap).',
  },
};
