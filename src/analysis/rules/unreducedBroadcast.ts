// LL111: a penalty left element-wise (shaped like y_pred) next to a per-sample base loss. (batch,) + (batch, 1)
// broadcasts to (batch, batch) without an error, and (batch,) + (batch, k) fails or mixes samples; in PyTorch a
// non-scalar total makes `.backward()` fail.
import { reducePenalty } from '../fixes/reduce';
import { termLabel } from './format';
import { type Rank, rankOf } from './shape';
import type { Check, Report } from './types';

const SHAPE: Record<Rank, string> = {
  elem: 'is element-wise, shaped like the prediction (batch, outputs)',
  sample: 'is per-sample (batch,)',
  scalar: 'is a scalar',
  unknown: 'has an unknown shape',
};

export const checkUnreducedBroadcast: Check = (ctx) => {
  const { model } = ctx;
  const base = model.terms.find((t) => t.role === 'base');
  if (!base) return [];
  const baseRank = rankOf(base.expr, model.framework);
  const out: Report[] = [];
  for (const t of model.terms) {
    if (t.role !== 'penalty') continue;
    const r = rankOf(t.expr, model.framework);
    const perSampleClash = (baseRank === 'sample' && r === 'elem') || (baseRank === 'elem' && r === 'sample');
    const torchNotScalar = model.framework === 'pytorch' && baseRank === 'scalar' && (r === 'elem' || r === 'sample');
    if (!perSampleClash && !torchNotScalar) continue;
    const why = torchNotScalar
      ? 'the total is not a scalar, so `.backward()` fails (or averages something else than intended)'
      : 'adding them broadcasts (batch,) against (batch, outputs): with one output the sum silently becomes (batch, batch), otherwise it fails';
    const fix = r === 'elem' ? reducePenalty(ctx.text, t, model.framework, baseRank === 'scalar' ? 'scalar' : 'sample') : undefined;
    out.push({
      range: t.range,
      termId: t.id,
      message:
        `Penalty ${termLabel(t)} ${SHAPE[r]} while ${termLabel(base)} ${SHAPE[baseRank]}: ${why}. ` +
        'Reduce the penalty to the same shape (e.g. a mean over the last axis).',
      fixes: fix ? [fix] : [],
    });
  }
  return out;
};
