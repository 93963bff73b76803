// The rank a loss reads an activation argument with, from the axes it reduces it over: `tf.reduce_sum(tf.square(h1),
// axis=[1, 2, 3])` reads a conv layer's feature map [B, H, W, C] (rank 4). The trial's hidden activations are
// [B, units]: such an argument gets them as [B, 1, …, 1, units], so a reduction over the feature-map axes sums
// the units per sample, as the user's sums each sample's feature map.
import type { Expr, LossModel } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';
import { evaluatedExprs } from './interpreter/unsupported';

const reads = (e: Expr, name: string): boolean => (e.kind === 'name' && e.name === name) || childrenOf(e).some((c) => reads(c, name));

/** The literal axes of a reduction (`axis=[1, 2, 3]`, `dim=(1, 2)`, `axis=3`), non-negative ones only. */
function axesOf(e: Expr | undefined): number[] {
  if (e?.kind === 'number') return e.value >= 0 ? [e.value] : [];
  return e?.kind === 'tuple' ? e.items.flatMap(axesOf) : [];
}

/** Reductions by their last name part (`tf.reduce_sum`, `K.sum`, `torch.mean`, `x.sum`). */
const REDUCTIONS: ReadonlySet<string> = new Set(['sum', 'mean', 'max', 'min', 'prod', 'amax', 'amin', 'logsumexp', 'std', 'var', 'reduce_sum', 'reduce_mean', 'reduce_max', 'reduce_min', 'reduce_prod', 'reduce_std', 'reduce_variance', 'reduce_logsumexp']);
const lastPart = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

/** The reduction's operand and axis argument: `f(x, axis=…)` / `f(x, axes)`, `x.sum(dim=…)` / `x.sum(axes)`. */
function reduction(e: Expr): { operand: Expr; axis: Expr | undefined } | undefined {
  if (e.kind === 'call' && e.args[0] && REDUCTIONS.has(lastPart(e.callee))) return { operand: e.args[0], axis: e.kwargs.axis ?? e.kwargs.dim ?? e.args[1] };
  if (e.kind === 'method' && REDUCTIONS.has(e.method)) return { operand: e.object, axis: e.kwargs.axis ?? e.kwargs.dim ?? e.args[0] };
  return undefined;
}

/** The rank the loss reads `name` with: 1 + the largest axis it reduces it over, at least 2. */
export function argRank(loss: LossModel, name: string): number {
  let rank = 2;
  const visit = (e: Expr): void => {
    const r = reduction(e);
    if (r && reads(r.operand, name)) for (const axis of axesOf(r.axis)) rank = Math.max(rank, Math.min(axis + 1, 4));
    for (const c of childrenOf(e)) visit(c);
  };
  for (const e of evaluatedExprs(loss)) visit(e);
  return rank;
}

/**
 * Whether the loss reads `name` as a sequence [B, T, C] and takes differences along its time axis (`feats[:, 1:, :] -
 * feats[:, :-1, :]`, a temporal smoothness or curvature penalty): a subscript of three axes that slices the second.
 * Such an argument gets the hidden activations as [B, T, units / T] (sequenceSteps), not [B, 1, units], whose one
 * step would leave the differences empty.
 */
export function slicesTime(loss: LossModel, name: string): boolean {
  let found = false;
  const visit = (e: Expr): void => {
    if (e.kind === 'subscript' && e.object.kind === 'name' && e.object.name === name && e.index.length === 3) {
      const time = e.index[1];
      if (time?.kind === 'slice' && (time.start || time.stop)) found = true;
    }
    for (const c of childrenOf(e)) visit(c);
  };
  for (const e of evaluatedExprs(loss)) visit(e);
  return found;
}

/** The time steps of a sequence cut from `units` hidden units: the largest divisor of units not above its square root. */
export function sequenceSteps(units: number): number {
  let steps = 1;
  for (let t = 1; t * t <= units; t++) if (units % t === 0) steps = t;
  return steps;
}
