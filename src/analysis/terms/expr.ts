// Small readers over the IR's expressions, shared by the term splitter, the constraint table and both front ends.

import { clipExprText } from '../exprText';
import type { Expr, IndexItem, NameRef, SourceRange } from '../ir';
import { spanOf } from '../parsing/range';

export type CallLike = Extract<Expr, { kind: 'call' | 'method' }>;

function indexChildren(items: IndexItem[]): Expr[] {
  const out: Expr[] = [];
  for (const it of items) {
    if (it.kind === 'index') out.push(it.value);
    else if (it.kind === 'slice') for (const e of [it.start, it.stop, it.step]) if (e) out.push(e);
  }
  return out;
}

export function childrenOf(e: Expr): Expr[] {
  switch (e.kind) {
    case 'attr':
      return [e.object];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'conditional':
      return [e.test, e.then, e.else];
    case 'call':
      // a class built on the spot (`tf.keras.losses.get(self.main)(y, p)`): its constructor's arguments are read too
      return [...e.args, ...Object.values(e.kwargs), ...(e.ctorArgs ?? [])];
    case 'method':
      return [e.object, ...e.args, ...Object.values(e.kwargs)];
    case 'subscript':
      return [e.object, ...indexChildren(e.index)];
    case 'tuple':
      return e.items;
    case 'overWeights':
      return [e.body];
    case 'loop':
      return [e.iterable, ...(e.init ? [e.init] : []), ...(e.filter ? [e.filter] : []), e.body];
    case 'number':
    case 'string':
    case 'bool':
    case 'none':
    case 'name':
      return [];
    case 'unsupported':
      return e.returnsNothing?.discarded ? [e.returnsNothing.discarded] : [];
    default:
      return exprFields(e);
  }
}

const isExpr = (x: unknown): x is Expr => !!x && typeof x === 'object' && 'kind' in x && 'range' in x && 'text' in x;

/**
 * The sub-expressions of a node kind this reader does not list (one added to the IR later, e.g. a loop over
 * `tf.unstack(y_pred)`): every field that holds an expression or a list of them, so a rule never misses that a
 * term reads the prediction through it.
 */
function exprFields(e: Expr): Expr[] {
  const out: Expr[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === 'range') continue;
    if (isExpr(v)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (isExpr(x)) out.push(x);
  }
  return out;
}

/** `e` and every expression under it, parents first (the children of `childrenOf`). */
export function* nodesOf(e: Expr): Generator<Expr> {
  yield e;
  for (const c of childrenOf(e)) yield* nodesOf(c);
}

/**
 * `value` (expressions as plain data, nested in arrays and objects) rebuilt with `replace`'s node where it gives one,
 * each other expression rebuilt from its rebuilt fields and passed through `after`; ranges are kept as they are.
 */
export function rebuild<T>(value: T, replace: (node: Expr) => Expr | undefined, after: (node: Expr) => Expr = (n) => n): T {
  if (Array.isArray(value)) return value.map((v) => rebuild(v, replace, after)) as T;
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  const expr = typeof node.kind === 'string';
  const replaced = expr ? replace(node as unknown as Expr) : undefined;
  if (replaced) return replaced as T;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'range' ? v : rebuild(v, replace, after)]));
  return (expr ? after(out as unknown as Expr) : out) as T;
}

/** The expression as written, ignoring spaces and parentheses: `1 - mix` and `(1-mix)` are alike. */
export const writtenKey = (e: Expr): string => e.text.replace(/[\s()]/g, '');

/** True when `pred` holds for the node or any node below it. */
export function some(e: Expr, pred: (e: Expr) => boolean): boolean {
  if (pred(e)) return true;
  return childrenOf(e).some((c) => some(c, pred));
}

export function mentionsRef(e: Expr, ref: NameRef): boolean {
  return some(e, (n) => n.kind === 'name' && n.ref === ref);
}

export const isYPred = (e: Expr): boolean => e.kind === 'name' && e.ref === 'yPred';

/** The last segment of a callee or method name, lower-cased: `tf.math.reduce_sum` → `reduce_sum`. */
export function opName(e: Expr): string | undefined {
  if (e.kind === 'call') return e.callee.slice(e.callee.lastIndexOf('.') + 1).toLowerCase();
  if (e.kind === 'method') return e.method.toLowerCase();
  return undefined;
}

/** The operands of a call or method in call order (a method's object first: `x.sum(1)` → [x, 1]). */
export function operandsOf(e: CallLike): Expr[] {
  return e.kind === 'call' ? e.args : [e.object, ...e.args];
}

/** A binary node built by a front end (tfjs `a.add(b)` → `a + b`), spanning its operands. */
export function binary(op: Extract<Expr, { kind: 'binary' }>['op'], left: Expr, right: Expr, range?: SourceRange, text?: string): Expr {
  return { kind: 'binary', op, left, right, range: range ?? spanOf(left.range, right.range), text: clipExprText(text ?? `${left.text} ${op} ${right.text}`) };
}
