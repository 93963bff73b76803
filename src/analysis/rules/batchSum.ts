// LL108: a sum over every element (or over axis 0) inside a penalty. The penalty then grows with the batch
// size while the base loss is a mean, so the effective λ changes whenever the batch size does.
import { sumToMean } from '../fixes/ops';
import type { Expr, LossModel } from '../ir';
import { childrenOf } from '../terms/expr';
import { argument, type CallExpr, collect, type MethodExpr, numberValue, operand, opName, walk } from './expr';
import { code, termLabel } from './format';
import type { Check, Report } from './types';

const SUMS = new Set(['reduce_sum', 'sum', 'nansum']);
/**
 * Norms over every element unless given an axis (`torch.norm(x, p=2)`, `tf.norm(x)`, `x.norm()`): the square root of
 * a sum over the batch, so they grow with the batch size too (as √n). Their axis comes after the order.
 */
const NORMS = new Set(['norm']);

/**
 * What a norm is taken of, when it is the batch's outputs or targets themselves or an element-wise residual of them
 * (`outputs - batch_x`, the other side a name or a number): a norm of a Gram, an attribute or a per-sample tensor argument may have no batch axis left.
 */
function isBatchResidual(e: Expr): boolean {
  if (e.kind === 'name') return e.ref === 'yPred' || e.ref === 'yTrue';
  if (e.kind === 'number') return false;
  if (e.kind !== 'binary' || !['+', '-', '*'].includes(e.op)) return false;
  const sides = [e.left, e.right];
  return sides.some(isBatchResidual) && sides.every((x) => x.kind === 'number' || x.kind === 'name' || isBatchResidual(x));
}

/** Does the axis argument include the batch axis (absent, None, 0, or a tuple with 0)? */
function coversBatch(axis: Expr | undefined): boolean {
  if (!axis || axis.kind === 'none') return true;
  if (axis.kind === 'number') return axis.value === 0;
  if (axis.kind === 'tuple') return axis.items.some((i) => i.kind === 'number' && i.value === 0);
  return false;
}

const DIVIDES = new Set(['div', 'divide', 'true_divide', 'truediv']);

/**
 * True when the sum is part of a division, through sums, products and signs only: a hand-normalised sum (`.sum() /
 * n`, `lam * x.sum() / n`, `(a.sum() + b.sum()) / (2 * n)`, `x.sum().div(n)`, an accumulator of sums divided after
 * its loop), a ratio, or the count a ratio divides by (`hits / groups.sum(dim=0)`).
 */
function normalised(node: Expr, ancestors: readonly Expr[]): boolean {
  let child = node;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    // the numerator of a division is normalised; a sum in its denominator is a count that normalises (a group's
    // size in `positives / (group_sizes + eps)`, a rate), not a penalty growing with the batch
    if (a.kind === 'binary' && (a.op === '/' || a.op === '//')) return true;
    if ((a.kind === 'call' && DIVIDES.has(opName(a) ?? '') && (a.args[0] === child || a.args[1] === child)) || (a.kind === 'method' && DIVIDES.has(a.method))) return true;
    if (a.kind === 'binary' && a.op === '*' && isReciprocal(a.left === child ? a.right : a.left)) return true;
    // an accumulator over a loop (`smooth += x.sum()`) adds its passes: a division of its total divides each
    const accumulates = a.kind === 'loop' && a.body === child && !!a.accumulator;
    // a reduction of it passes it on (`group_sizes.sum() - group_sizes`, the size of the rest, then divided by)
    const reduces = (a.kind === 'call' ? a.args[0] === child : a.kind === 'method' && a.object === child) && REDUCTIONS.has(opName(a) ?? '');
    // a root or magnitude of it is still a batch total (`r = cov.sum() / torch.sqrt(va.sum() * vb.sum())`, a Pearson
    // correlation: a ratio of batch totals)
    const rescales = (a.kind === 'call' ? a.args[0] === child : a.kind === 'method' && a.object === child) && ROOTS.has(opName(a) ?? '');
    if (!((a.kind === 'binary' && ['+', '-', '*'].includes(a.op)) || a.kind === 'unary' || accumulates || reduces || rescales)) return false;
    child = a;
  }
  return false;
}

/** Elementwise functions a total passes through on its way to a division, still a total. */
const ROOTS: ReadonlySet<string> = new Set(['sqrt', 'abs', 'square']);

const COMPARISONS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=', '==', '!=']);
/** Ops whose result carries no gradient back: a sum read through them never scales what is trained. */
const FREEZES: ReadonlySet<string> = new Set(['item', 'detach', 'numpy', 'tolist', 'stop_gradient', 'dataSync', 'arraySync']);

/**
 * True when the sum's value never scales a trained quantity: it is compared (`if mask.sum() == 0:`, a `where`'s
 * test), read out without gradient (`gap.sum().item()`, `.detach()`), or multiplied by a literal zero (`x.sum() *
 * 0.0`, the graph-keeping zero of a branch that adds nothing).
 */
function scalesNothing(ancestors: readonly Expr[]): boolean {
  return ancestors.some(
    (a) =>
      (a.kind === 'binary' && (COMPARISONS.has(a.op) || (a.op === '*' && (numberValue(a.left) === 0 || numberValue(a.right) === 0)))) ||
      ((a.kind === 'method' || a.kind === 'call') && FREEZES.has(opName(a) ?? '')),
  );
}

/** `1 / n`, `1.0 / x.numel()`: multiplying by it divides. */
const isReciprocal = (e: Expr): boolean => e.kind === 'binary' && e.op === '/' && e.left.kind === 'number';

/** Reductions that take the batch axis away when they run over it (`reduce_mean(h, axis=0)` is per unit). */
const REDUCTIONS = new Set(['reduce_sum', 'sum', 'nansum', 'reduce_mean', 'mean', 'nanmean', 'reduce_max', 'max', 'amax', 'reduce_min', 'min', 'amin', 'norm', 'std', 'var', 'logsumexp', 'reduce_logsumexp', 'prod', 'reduce_prod']);

/** A weight-named tensor argument (`enc_weight`, `kernel`): a weight matrix, with no batch axis. */
const WEIGHT_NAME = /^(w|weights?|kernel|[a-z]+_(weights?|kernel|w))$/i;

/**
 * Keras itself divides what an activity regularizer returns by the batch size before adding it to the loss
 * (tf.keras Layer: `mean_activity_loss = activity_loss / batch_size`, "make activity regularization strength
 * batch-agnostic"), so its sum over the batch is a mean by the time it is trained.
 */
const normalisedByFramework = (model: LossModel): boolean => model.regularizes?.on === 'activity' && model.framework === 'keras';

/**
 * The names that hold a batch axis: the prediction and the target, and the loss's per-sample tensor arguments
 * (`z`, `h`, `mu`: role 'tensor'); not a regularizer's kernel or bias, nor a weight-named argument, nor what a
 * Keras activity regularizer reads (above).
 */
function batchNames(model: LossModel): (e: Extract<Expr, { kind: 'name' }>) => boolean {
  if ((model.regularizes && model.regularizes.on !== 'activity') || normalisedByFramework(model)) return () => false;
  const tensors = new Set(model.params.filter((p) => p.role === 'tensor' && !WEIGHT_NAME.test(p.name)).map((p) => p.name));
  return (e) => e.ref === 'yPred' || e.ref === 'yTrue' || tensors.has(e.name);
}

type BatchName = ReturnType<typeof batchNames>;

/** Whether `e` still has the batch axis of what it reads: not once a reduction ran over that axis. */
function readsBatch(e: Expr, names: BatchName): boolean {
  if (e.kind === 'name') return names(e);
  const op = opName(e);
  if (op && REDUCTIONS.has(op) && coversBatch(argument(e as CallExpr | MethodExpr, ['axis', 'dim'], 1))) return false;
  return childrenOf(e).some((c) => readsBatch(c, names));
}

/** A tensor sum over every element or the batch axis of something read from the data, not normalised by hand. */
function isBatchSum(n: Expr, ancestors: readonly Expr[], names: BatchName): boolean {
  const op = opName(n);
  if (!op || !(SUMS.has(op) || NORMS.has(op))) return false;
  const call = n as CallExpr | MethodExpr;
  const x = operand(call);
  if (!x || !readsBatch(x, names) || (NORMS.has(op) && !isBatchResidual(x))) return false;
  // Python's builtin sum() over a list is not a tensor reduction.
  if (call.kind === 'call' && call.callee === 'sum') return false;
  if (!coversBatch(argument(call, ['axis', 'dim'], NORMS.has(op) ? 2 : 1))) return false;
  // `reduce_sum(x) / batch_size`, `(dx.sum() + dy.sum()) / (bs * c * h * w)`: a mean written by hand.
  return !normalised(n, ancestors) && !scalesNothing(ancestors);
}

/**
 * A framework loss summed over the batch by its keyword: `reduction='sum'`, or PyTorch's older `size_average=False`
 * (the classic VAE example's `F.binary_cross_entropy(recon, x, reduction='sum')` beside its summed KL).
 */
const sumsByKeyword = (n: Expr): boolean => {
  if (n.kind !== 'call') return false;
  const { reduction, size_average: average } = n.kwargs;
  return (reduction?.kind === 'string' && reduction.value === 'sum') || (average?.kind === 'bool' && !average.value);
};

export const checkBatchSum: Check = (ctx) => {
  const out: Report[] = [];
  // a closure that optimises a variable directly (factor tables, an image) has no batch: its sums are over weights
  if (ctx.model.optimisedDirectly) return out;
  // `torch.sum(err + lam * balance)` split into terms, or a base with reduction='sum': the base sums over the batch
  // too, so their ratio holds.
  const base = ctx.model.terms.find((t) => t.role === 'base');
  const names = batchNames(ctx.model);
  const batchSum = (n: Expr, ancestors: readonly Expr[]): boolean => isBatchSum(n, ancestors, names);
  const baseSums = !!base && (collect(base.expr, batchSum).length > 0 || collect(base.expr, sumsByKeyword).length > 0);
  for (const t of ctx.model.terms) {
    // a term weighted by a literal zero scales nothing (LL103 says the weight turns it off)
    if (t.role !== 'penalty' || numberValue(t.weight) === 0) continue;
    walk(t.expr, (n, ancestors) => {
      // F.mse_loss(…, reduction='sum') inside a penalty: the same batch-size scaling, chosen by a keyword.
      const reduction = n.kind === 'call' ? n.kwargs.reduction : undefined;
      if (reduction?.kind === 'string' && reduction.value === 'sum' && !baseSums) {
        const written = ctx.text.slice(reduction.range);
        out.push({
          range: n.range,
          termId: t.id,
          message:
            `Penalty ${termLabel(t)} uses ${code(`reduction='sum'`)}: its scale grows with the batch size while the base loss is a mean, ` +
            'so the effective λ changes with the batch size. Use reduction=\'mean\'.',
          fixes: [{ title: "Use reduction='mean' (batch-size independent)", edits: [{ range: reduction.range, newText: written.replace('sum', 'mean') }], isPreferred: true }],
        });
        return;
      }
      if (!batchSum(n, ancestors) || baseSums) return;
      const call = n as CallExpr | MethodExpr;
      const norm = NORMS.has(opName(call) ?? '');
      // a mean of a norm is not the norm: no quick fix, the message says what to do
      const fix = norm ? undefined : sumToMean(ctx.text, call);
      const written = call.kind === 'call' ? call.callee : `.${call.method}()`;
      out.push({
        range: n.range,
        termId: t.id,
        message:
          `Penalty ${termLabel(t)} ${norm ? 'takes one norm over the whole batch' : 'sums over the batch'} (${written} without a feature axis): its scale grows with the ` +
          `batch size while the base loss is a mean, so the effective λ changes with the batch size. ${norm ? 'Take the norm per sample (a feature axis) and average it.' : 'Use a mean.'}`,
        fixes: fix ? [fix] : [],
      });
    });
  }
  return out;
};
