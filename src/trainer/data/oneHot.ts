// A loss that one-hot encodes its whole target itself (`tf.oneHot(yTrue.reshape([-1]).toInt(), NUM_CLASSES)`,
// `F.one_hot(target, num_classes=6)`, `to_categorical(y_true, 10)`) takes class indices, one per sample, and its
// prediction has one output per class. A one-hot of one target column (`tf.oneHot(yTrue.slice([0, 1], [-1, 1]), 2)`
// beside an age column) is not: the target keeps its columns. Pure data over the IR.
import type { Expr, LossModel } from '../../analysis/ir';
import { nodesOf } from '../../analysis/terms/expr';

/** One-hot encoders, with where their depth is passed (`tf.oneHot(indices, depth)`, `F.one_hot(t, num_classes=K)`). */
const encoders: Readonly<Record<string, { at: number; keyword: string }>> = {
  oneHot: { at: 1, keyword: 'depth' },
  one_hot: { at: 1, keyword: 'num_classes' },
  to_categorical: { at: 1, keyword: 'num_classes' },
};

/** Methods and calls that keep every value of the target: casts, and reshapes to one axis. */
const keepingMethods = new Set(['toInt', 'toFloat', 'asType', 'long', 'int', 'float', 'to', 'type', 'reshape', 'view', 'flatten', 'squeeze', 'ravel', 'detach', 'cuda', 'cpu']);
const keepingCalls = /(^|\.)(cast|reshape|squeeze|flatten|ravel)$/;

/** Whether `e` is the whole target, cast or reshaped (`yTrue.reshape([-1]).toInt()`, `tf.cast(y_true, 'int32')`). */
function wholeTarget(e: Expr): boolean {
  if (e.kind === 'name') return e.ref === 'yTrue';
  if (e.kind === 'method') return keepingMethods.has(e.method) && wholeTarget(e.object);
  if (e.kind === 'call') return keepingCalls.test(e.callee) && !!e.args[0] && wholeTarget(e.args[0]);
  return false;
}

/** `e` when it one-hot encodes the whole target, with its depth expression. */
export function oneHotOfTarget(e: Expr): { callee: string; depth: Expr | undefined } | undefined {
  if (e.kind !== 'call') return undefined;
  const at = encoders[e.callee.split('.').pop() ?? ''];
  if (!at || !e.args[0] || !wholeTarget(e.args[0])) return undefined;
  return { callee: e.callee, depth: e.kwargs[at.keyword] ?? e.args[at.at] };
}

/** The first one-hot encoding of the whole target in the loss, if any. */
export function targetOneHot(loss: LossModel): { callee: string; depth: Expr | undefined } | undefined {
  for (const root of loss.terms.length > 0 ? loss.terms.map((t) => t.expr) : [loss.body]) {
    for (const n of nodesOf(root)) {
      const found = oneHotOfTarget(n);
      if (found) return found;
    }
  }
  return undefined;
}
