// What an extra tensor argument is, read from how the loss USES it, for the arguments its name does not settle
// (tensorArgs.ts): `tau * (y - q)` is a quantile level, `torch.mul(u, neg).sum(dim=1)` an embedding dotted with the
// prediction, `for p in params:` a list of weights. (A scalar added as a term of its own, `… + 0.01 * surprise`, is
// refused: a codebook or KL loss computed inside the model has no stand-in the trial could honestly give.) A table of
// usage rules, first match wins; each says what the trial provides and why, with the line, for the panel header.
// Pure data over the IR (no tfjs), as tensorArgs.ts.
import type { Expr, LossModel } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';

/**
 * What the trial gives an argument read by its use:
 *   embedding     a block of the last hidden layer's activations as wide as the prediction (an embedding the loss
 *                 dots with the prediction, as a ranking loss's negative item): the ranking term has a gradient
 *   level         synthetic levels in (0, 1), one per output column ((j + ½) / P), of the prediction's shape: a
 *                 quantile level the loss multiplies a residual by, or subtracts an indicator from
 *   positive      a synthetic positive tensor of the prediction's shape (values in [0.5, 1.5]): under a log or a
 *                 square root, or a divisor
 *   coefficient   a synthetic weight per element in (0, 1), of the prediction's shape: multiplies the prediction,
 *                 the target or a term made of them
 *   weight-list   the trial model's weight matrices, as `model.parameters()`: the loss iterates it
 *   per-sample    one value per sample from the model (the mean of the last hidden layer's activations): the loss adds
 *                 it to, or multiplies it with, a per-sample reduction of the prediction (`(y ** 2).sum(dim=1) + logdet`)
 *   ids           synthetic integer ids in range of the axis it indexes, one per sample: the loss indexes a tensor
 *                 with it (`scores.gather(1, idx)`, `emb[idx]`, `tf.gather(x, idx)`, `x.index_select(0, idx)`)
 */
export type UsageKind = 'embedding' | 'per-sample' | 'level' | 'positive' | 'coefficient' | 'weight-list' | 'ids';

/** What an id argument indexes: the tensor (prediction, target, or another), the axis, and the ids' own shape. */
export interface IndexUse {
  of: 'prediction' | 'target' | 'other';
  axis: number;
  /** [B, 1] (torch's gather takes an index of the input's rank) rather than [B]. */
  column: boolean;
}

export interface Usage {
  kind: UsageKind;
  /** Why, as the header says it: "the loss multiplies it with the residual `y - q` (line 30)". */
  because: string;
  /** 1-based line of the use the rule read. */
  line: number;
  /** For 'ids': what it indexes. */
  index?: IndexUse;
}

/** One occurrence of the argument: the node, and its ancestors nearest first (through wrappers that keep values). */
interface Use {
  node: Expr;
  parent: Expr | undefined;
  /** The parent's parent: a product's reduction makes it a dot product. */
  grandparent: Expr | undefined;
  /** Whether a wrapper between the name and `node` adds an axis (`idx.unsqueeze(1)`, `idx[:, None]`). */
  widened: boolean;
  /** The term whose whole expression the argument is, if it is one. */
  wholeTerm: boolean;
}

const MUL_CALLS = /(^|\.)(mul|multiply)$/;
const DOT_CALLS = /(^|\.)(dot|matmul|mm|bmm|inner|cosine_similarity|tensordot)$/;
const POSITIVE_CALLS = /(^|\.)(log|log1p|log2|log10|sqrt|rsqrt|lgamma|digamma)$/;
const ADD_SUB_CALLS = /(^|\.)(add|subtract|sub)$/;
const COMPARISONS = new Set(['<', '<=', '>', '>=']);
/** Ops that pass a tensor's values on unchanged (a cast, a new axis, a device move): the use is their parent's. */
const TRANSPARENT_METHODS = new Set(['float', 'double', 'to', 'cuda', 'cpu', 'unsqueeze', 'view', 'reshape', 'expand_as', 'type', 'detach', 'type_as', 'asScalar']);
const TRANSPARENT_CALLS = /(^|\.)(cast|expand_dims|reshape|convert_to_tensor|unsqueeze|constant|as_tensor|tensor)$/;

const isRef = (e: Expr, ref: 'yPred' | 'yTrue'): boolean => e.kind === 'name' && e.ref === ref;
const reads = (e: Expr, ref: 'yPred' | 'yTrue'): boolean => isRef(e, ref) || childrenOf(e).some((c) => reads(c, ref));
const line = (e: Expr): number => e.range.startLine + 1;

/** The operands of an elementwise product (`a * b`, `torch.mul(a, b)`), if `e` is one. */
function productOperands(e: Expr): Expr[] | undefined {
  if (e.kind === 'binary' && e.op === '*') return [e.left, e.right];
  if (e.kind === 'call' && MUL_CALLS.test(e.callee) && e.args.length === 2) return e.args;
  if (e.kind === 'method' && (e.method === 'mul' || e.method === 'multiply') && e.args.length === 1) return [e.object, e.args[0]!];
  return undefined;
}

/** The operands of a dot product, a matrix product or a cosine similarity. */
function dotOperands(e: Expr): Expr[] | undefined {
  if (e.kind === 'binary' && e.op === '@') return [e.left, e.right];
  if (e.kind === 'call' && DOT_CALLS.test(e.callee) && e.args.length >= 2) return e.args.slice(0, 2);
  if (e.kind === 'method' && DOT_CALLS.test(e.method) && e.args.length === 1) return [e.object, e.args[0]!];
  return undefined;
}

const others = (operands: Expr[], node: Expr): Expr[] => operands.filter((o) => o !== node);

/** Comparisons written as calls or methods (`diff.ge(0)`, `torch.lt(e, 0)`, `tf.math.less(e, 0)`). */
const COMPARISON_NAMES = /(^|\.)(ge|gt|le|lt|greater|greater_equal|less|less_equal|greaterEqual|lessEqual)$/;

/** A 0/1 indicator: a comparison, possibly cast (`(e < 0).float()`, `diff.ge(0).float()`, `tf.cast(e < 0, tf.float32)`). */
function isIndicator(e: Expr): boolean {
  if (e.kind === 'binary') return COMPARISONS.has(e.op);
  if ((e.kind === 'method' && COMPARISON_NAMES.test(e.method)) || (e.kind === 'call' && COMPARISON_NAMES.test(e.callee))) return true;
  if (e.kind === 'method' && TRANSPARENT_METHODS.has(e.method)) return isIndicator(e.object);
  if (e.kind === 'call' && TRANSPARENT_CALLS.test(e.callee) && e.args[0]) return isIndicator(e.args[0]);
  return false;
}

/** A residual: a signed difference of the target and the prediction (`y - q`), not a squared or absolute error. */
const isResidual = (e: Expr): boolean => e.kind === 'binary' && e.op === '-' && reads(e, 'yTrue') && reads(e, 'yPred');

interface Rule {
  kind: UsageKind;
  /** The words after "because", for a matching use; undefined when the use does not match. */
  match: (u: Use) => string | undefined;
}

const REDUCTIONS = /(^|\.)(sum|mean|norm|logsumexp|reduce_sum|reduce_mean|reduce_logsumexp|amax|amin)$/;
const LAST_AXIS = new Set([1, -1]);

/** One value per sample: a reduction of the prediction over its last axis without keepdim (`(y ** 2).sum(dim=1)`). */
function perSample(e: Expr): boolean {
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/')) return perSample(e.left) || perSample(e.right);
  if (e.kind === 'unary') return perSample(e.operand);
  const keeps = (kw: Record<string, Expr>) => ['keepdim', 'keepdims'].some((k) => kw[k]?.kind === 'bool' && (kw[k] as { value?: boolean }).value === true);
  if (e.kind === 'method' && REDUCTIONS.test(e.method) && !keeps(e.kwargs)) {
    const axis = literal(e.args[0] ?? e.kwargs['dim'] ?? e.kwargs['axis']);
    return axis !== undefined && LAST_AXIS.has(axis) && reads(e.object, 'yPred');
  }
  if (e.kind === 'call' && REDUCTIONS.test(e.callee) && e.args[0] && !keeps(e.kwargs)) {
    const axis = literal(e.args[1] ?? e.kwargs['dim'] ?? e.kwargs['axis']);
    return axis !== undefined && LAST_AXIS.has(axis) && reads(e.args[0], 'yPred');
  }
  return false;
}

/** Whether `outer` sums or averages `inner` over its last axis (`inner.sum(dim=1)`, `tf.reduce_sum(inner, axis=-1)`). */
function sumsLastAxis(outer: Expr, inner: Expr): boolean {
  const axis =
    outer.kind === 'method' && outer.object === inner && /^(sum|mean)$/.test(outer.method)
      ? literal(outer.args[0] ?? outer.kwargs['dim'] ?? outer.kwargs['axis'])
      : outer.kind === 'call' && outer.args[0] === inner && /(^|\.)(sum|mean|reduce_sum|reduce_mean)$/.test(outer.callee)
        ? literal(outer.args[1] ?? outer.kwargs['dim'] ?? outer.kwargs['axis'])
        : undefined;
  return axis !== undefined && LAST_AXIS.has(axis);
}

const literal = (e: Expr | undefined): number | undefined =>
  e?.kind === 'number' ? e.value : e?.kind === 'unary' && e.op === '-' && e.operand.kind === 'number' ? -e.operand.value : undefined;

const indexed = (x: Expr): IndexUse['of'] => (reads(x, 'yPred') ? 'prediction' : reads(x, 'yTrue') ? 'target' : 'other');

/** The tensor the use indexes and along which axis (`x.gather(1, idx)`, `tf.gather(x, idx, axis=1)`, `x[:, idx]`). */
function indexUse(u: Use): { object: Expr; index: IndexUse } | undefined {
  const p = u.parent;
  if (!p) return undefined;
  const at = (object: Expr, axis: number | undefined, column: boolean) => (axis === undefined ? undefined : { object, index: { of: indexed(object), axis, column: column && !u.widened } });
  if (p.kind === 'method' && p.method === 'gather' && p.args[1] === u.node) return at(p.object, literal(p.args[0] ?? p.kwargs['dim']), true);
  if (p.kind === 'method' && p.method === 'index_select' && p.args[1] === u.node) return at(p.object, literal(p.args[0] ?? p.kwargs['dim']), false);
  if (p.kind === 'call' && p.callee === 'torch.gather' && p.args[2] === u.node && p.args[0]) return at(p.args[0], literal(p.args[1]), true);
  if (p.kind === 'call' && /(^|\.)index_select$/.test(p.callee) && p.args[2] === u.node && p.args[0]) return at(p.args[0], literal(p.args[1]), false);
  if (p.kind === 'call' && /(^|\.)(gather|take)$/.test(p.callee) && p.args[1] === u.node && p.args[0]) return at(p.args[0], literal(p.args[2] ?? p.kwargs['axis']) ?? 0, false);
  if (p.kind === 'subscript' && p.object !== u.node) {
    const axis = p.index.findIndex((it) => it.kind === 'index' && it.value === u.node);
    return axis >= 0 && !p.index.some((it) => it.kind === 'ellipsis' || it.kind === 'newaxis') ? at(p.object, axis, false) : undefined;
  }
  return undefined;
}

/** The usage rules, first match wins (over all the argument's uses, rule by rule). */
const RULES: readonly Rule[] = [
  {
    kind: 'ids',
    match: (u) => {
      const found = indexUse(u);
      return found && u.parent ? `the loss indexes axis ${found.index.axis} of \`${found.object.text}\` with it (\`${u.parent.text}\`, line ${line(u.parent)})` : undefined;
    },
  },
  {
    kind: 'weight-list',
    match: (u) => (u.parent?.kind === 'loop' && u.parent.iterable === u.node ? `the loss iterates it as a list of tensors (\`${u.parent.text.split('\n')[0]!.trim()}\`, line ${line(u.parent)})` : undefined),
  },
  {
    kind: 'embedding',
    match: (u) => {
      const p = u.parent;
      // a dot product with the prediction: a dot call, or a product summed over the last axis (`(u * neg).sum(dim=1)`)
      const ops = p && (dotOperands(p) ?? (u.grandparent && sumsLastAxis(u.grandparent, p) ? productOperands(p) : undefined));
      const pred = ops ? others(ops, u.node).find((o) => isRef(o, 'yPred')) : undefined;
      return pred && p ? `the loss pairs it with the prediction \`${pred.text}\` as an embedding (\`${p.text}\`, line ${line(p)})` : undefined;
    },
  },
  {
    kind: 'per-sample',
    match: (u) => {
      const p = u.parent;
      const ops = p?.kind === 'binary' && (p.op === '+' || p.op === '-' || p.op === '*') ? [p.left, p.right] : undefined;
      const row = ops && p ? others(ops, u.node).find(perSample) : undefined;
      return row && p ? `the loss combines it with \`${row.text}\`, one value per sample (line ${line(p)})` : undefined;
    },
  },
  {
    kind: 'level',
    match: (u) => {
      const p = u.parent;
      if (!p) return undefined;
      const residual = productOperands(p) && others(productOperands(p)!, u.node).find(isResidual);
      if (residual) return `the loss multiplies it with the residual \`${residual.text}\` (line ${line(p)})`;
      const subtracted = subtractionOperands(p);
      const indicator = subtracted && others(subtracted, u.node).find(isIndicator);
      if (indicator) return `the loss subtracts the indicator \`${indicator.text}\` from it (line ${line(p)})`;
      return p.kind === 'binary' && COMPARISONS.has(p.op) && reads(p, 'yPred') ? `the loss compares it with the prediction (\`${p.text}\`, line ${line(p)})` : undefined;
    },
  },
  {
    kind: 'positive',
    match: (u) => {
      const p = u.parent;
      if (p?.kind === 'call' && POSITIVE_CALLS.test(p.callee) && p.args[0] === u.node) return `the loss takes \`${p.callee}\` of it (line ${line(p)})`;
      if (p?.kind === 'method' && POSITIVE_CALLS.test(p.method) && p.object === u.node) return `the loss takes \`.${p.method}()\` of it (line ${line(p)})`;
      if (p?.kind === 'binary' && p.op === '/' && p.right === u.node) return `the loss divides by it (\`${p.text}\`, line ${line(p)})`;
      return undefined;
    },
  },
  {
    kind: 'coefficient',
    match: (u) => {
      const ops = u.parent && productOperands(u.parent);
      const data = ops && others(ops, u.node).find((o) => reads(o, 'yPred') || reads(o, 'yTrue'));
      return data && u.parent ? `the loss multiplies \`${data.text}\` by it (line ${line(u.parent)})` : undefined;
    },
  },
];

function subtractionOperands(e: Expr): Expr[] | undefined {
  if (e.kind === 'binary' && e.op === '-') return [e.left, e.right];
  if (e.kind === 'call' && ADD_SUB_CALLS.test(e.callee) && !/add$/.test(e.callee) && e.args.length === 2) return e.args;
  return undefined;
}

/** What the trainer evaluates: each term and its weight, or the whole body when the loss has no terms. */
function roots(loss: LossModel): { expr: Expr; term: boolean }[] {
  if (loss.terms.length === 0) return [{ expr: loss.body, term: false }];
  return loss.terms.flatMap((t) => [{ expr: t.expr, term: true }, ...(t.weight ? [{ expr: t.weight, term: false }] : [])]);
}

/** Every use of the argument `name`, with the parent that gives it its meaning (skipping value-keeping wrappers). */
function usesOf(loss: LossModel, name: string): Use[] {
  const out: Use[] = [];
  const visit = (e: Expr, ancestors: Expr[], termRoot: Expr | undefined): void => {
    if (e.kind === 'name' && e.name === name && (e.ref === 'param' || e.ref === 'captured')) {
      let node: Expr = e;
      let i = 0;
      let widened = false;
      while (i < ancestors.length && passesOn(ancestors[i]!, node)) {
        widened ||= addsAxis(ancestors[i]!);
        node = ancestors[i++]!;
      }
      out.push({ node, parent: ancestors[i], grandparent: ancestors[i + 1], widened, wholeTerm: node === termRoot });
      return;
    }
    for (const c of childrenOf(e)) visit(c, [e, ...ancestors], termRoot);
  };
  for (const r of roots(loss)) visit(r.expr, [], r.term ? r.expr : undefined);
  return out;
}

/** `x.unsqueeze(1)`, `x[:, None]`, `tf.expand_dims(x, 1)`: a wrapper that adds an axis. */
const addsAxis = (e: Expr): boolean =>
  (e.kind === 'method' && e.method === 'unsqueeze') || (e.kind === 'call' && /(^|\.)(expand_dims|unsqueeze)$/.test(e.callee)) || (e.kind === 'subscript' && e.index.some((it) => it.kind === 'newaxis'));

/** Whether `outer` passes the value of `inner` on unchanged (a cast, a new axis, `.to(device)`). */
function passesOn(outer: Expr, inner: Expr): boolean {
  if (outer.kind === 'method') return outer.object === inner && TRANSPARENT_METHODS.has(outer.method);
  if (outer.kind === 'call') return outer.args[0] === inner && TRANSPARENT_CALLS.test(outer.callee);
  if (outer.kind === 'subscript') return outer.object === inner && outer.index.every((it) => it.kind === 'newaxis' || (it.kind === 'slice' && !it.start && !it.stop && !it.step) || it.kind === 'ellipsis');
  return false;
}

const cache = new WeakMap<LossModel, Map<string, Usage | undefined>>();

/** The usage of `name` by the first rule any of its uses meets; undefined when no rule applies. */
export function usageOf(loss: LossModel, name: string): Usage | undefined {
  const byName = cache.get(loss) ?? new Map<string, Usage | undefined>();
  cache.set(loss, byName);
  if (byName.has(name)) return byName.get(name);
  const uses = usesOf(loss, name);
  let found: Usage | undefined;
  for (const rule of RULES) {
    for (const u of uses) {
      const because = rule.match(u);
      if (because) {
        const index = rule.kind === 'ids' ? indexUse(u)?.index : undefined;
        found = { kind: rule.kind, because, line: line(u.node), ...(index ? { index } : {}) };
        break;
      }
    }
    if (found) break;
  }
  byName.set(name, found);
  return found;
}
