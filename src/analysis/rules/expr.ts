// Reading the IR's expressions: walking, which arguments a node depends on, callee names.
import type { Expr, LossModel, NameRef } from '../ir';
import { childrenOf as children } from '../terms/expr';

export type CallExpr = Extract<Expr, { kind: 'call' }>;
export type MethodExpr = Extract<Expr, { kind: 'method' }>;

/** The direct sub-expressions of a node (one definition, shared with the term splitter). */
export { children };

/** Visits every node, parents first; `ancestors` is the path from the root (nearest last). */
export function walk(e: Expr, visit: (node: Expr, ancestors: readonly Expr[]) => void, ancestors: Expr[] = []): void {
  visit(e, ancestors);
  ancestors.push(e);
  for (const c of children(e)) walk(c, visit, ancestors);
  ancestors.pop();
}

export function collect(e: Expr, pred: (node: Expr, ancestors: readonly Expr[]) => boolean): Expr[] {
  const out: Expr[] = [];
  walk(e, (n, a) => {
    if (pred(n, a)) out.push(n);
  });
  return out;
}

/** Ops and attributes that read a tensor's shape, not its values: `tf.shape(y_pred)[0]` carries no data. */
const SHAPE_OPS = new Set(['shape', 'size', 'numel', 'int_shape', 'get_shape', 'dim', 'ndim', 'rank', 'len', 'ndimension']);
const readsShapeOnly = (e: Expr): boolean =>
  (e.kind === 'attr' && SHAPE_OPS.has(e.name)) ||
  (e.kind === 'call' && SHAPE_OPS.has(lastSegment(e.callee))) ||
  (e.kind === 'method' && SHAPE_OPS.has(e.method));

/** The name references an expression's values depend on (`self.x` counts as 'module'; shapes are not values). */
export function refs(e: Expr): Set<NameRef> {
  const out = new Set<NameRef>();
  const visit = (n: Expr): void => {
    if (readsShapeOnly(n)) return;
    if (n.kind === 'name') out.add(n.ref);
    for (const c of children(n)) visit(c);
  };
  visit(e);
  return out;
}

/** The parameter names an expression's values depend on (shapes are not values), as `refs` walks them. */
export function valueNames(e: Expr): Set<string> {
  const out = new Set<string>();
  const visit = (n: Expr): void => {
    if (readsShapeOnly(n)) return;
    if (n.kind === 'name' && n.ref === 'param') out.add(n.name);
    for (const c of children(n)) visit(c);
  };
  visit(e);
  return out;
}

export const dependsOnPred = (e: Expr): boolean => refs(e).has('yPred');
export const dependsOnData = (e: Expr): boolean => {
  const r = refs(e);
  return r.has('yPred') || r.has('yTrue');
};

/** The last segment of a dotted callee: `tf.math.reduce_sum` → `reduce_sum`. */
export function lastSegment(callee: string): string {
  const i = callee.lastIndexOf('.');
  return i < 0 ? callee : callee.slice(i + 1);
}

/** The op name of a call or method call (`tf.abs(x)` and `x.abs()` are both `abs`), else undefined. */
export function opName(e: Expr): string | undefined {
  if (e.kind === 'call') return lastSegment(e.callee);
  if (e.kind === 'method') return e.method;
  return undefined;
}

/** The tensor an op applies to: the first argument of a call, the object of a method call. */
export function operand(e: CallExpr | MethodExpr): Expr | undefined {
  return e.kind === 'method' ? e.object : e.args[0];
}

/** An argument by keyword or by position (positions count after the operand). */
export function argument(e: CallExpr | MethodExpr, names: readonly string[], position: number): Expr | undefined {
  for (const n of names) if (e.kwargs[n]) return e.kwargs[n];
  return e.kind === 'method' ? e.args[position - 1] : e.args[position];
}

/** A literal number, also `-1` written as a unary minus. */
export function numberValue(e: Expr | undefined): number | undefined {
  if (!e) return undefined;
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') return -e.operand.value;
  if (e.kind === 'unary' && e.op === '+' && e.operand.kind === 'number') return e.operand.value;
  return undefined;
}

export function paramDefault(model: LossModel, name: string): number | undefined {
  const p = model.params.find((q) => q.name === name);
  return typeof p?.default === 'number' ? p.default : undefined;
}
