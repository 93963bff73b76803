// A penalty on the model's weights written as TF.js training code writes it: a fold over the weights,
//   let reg = tf.scalar(0);
//   for (const w of model.trainableWeights) { const v = w.read(); if (v.shape.length === 2) reg = reg.add(v.square().sum()); }
// (also `model.weights`, `model.getWeights()`, and `if (…) continue;` to skip some). Each pass's increment becomes an
// `overWeights` node (ir.ts), as Python's `for p in net.parameters(): total += …`: the trainer passes the trial
// model's weights (each layer's kernel, then its bias), and the rules see a penalty with a gradient.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { Expr, NameRef } from '../ir';
import { rangeOf } from '../parsing/range';
import { isZeroStart } from '../terms/linear';
import { readStatements } from './body';
import { convertScript } from './expr';
import type { ScriptScope } from './scope';

/** `model.trainableWeights`, `this.model.weights`, `net.getWeights()`, `model.trainableVariables`: the model's weights. */
const WEIGHTS = /^[\w$.]+\.(trainableWeights|weights|trainableVariables|getWeights\(\)|getWeights\(true\))$/;

const zero = (node: Node): Expr => ({ kind: 'number', value: 0, range: rangeOf(node), text: '0' });
const statementsOf = (n: Node | null): Node[] => (n?.type === 'statement_block' ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : n ? [n] : []);
const isPlaceholder = (e: Expr | undefined, name: string): boolean => e?.kind === 'name' && e.ref === 'loop' && e.name === name;

/** One pass's addition to `acc`, from its value after the pass: `acc + x` → x, a branch that keeps `acc` → 0. */
function increment(after: Expr, acc: string, at: Node): Expr | undefined {
  if (isPlaceholder(after, acc)) return zero(at);
  if (after.kind === 'binary' && after.op === '+' && isPlaceholder(after.left, acc)) return after.right;
  if (after.kind === 'binary' && after.op === '+' && isPlaceholder(after.right, acc)) return after.left;
  if (after.kind === 'conditional') {
    const then = increment(after.then, acc, at);
    const otherwise = increment(after.else, acc, at);
    return then && otherwise ? { ...after, then, else: otherwise } : undefined;
  }
  return undefined;
}

/** `if (c) continue; rest…` → `if (!c) { rest… }`, so the body reader sees the skipped passes as a branch. */
function withoutContinue(stmts: Node[], loopScope: ScriptScope): boolean {
  const k = stmts.findIndex((s) => s.type === 'if_statement' && !s.childForFieldName('alternative') && statementsOf(s.childForFieldName('consequence')).every((c) => c.type === 'continue_statement'));
  if (k < 0) return false;
  readStatements(stmts.slice(0, k), loopScope);
  const kept = { ...loopScope, locals: new Map(loopScope.locals) };
  readStatements(stmts.slice(k + 1), kept);
  const cond = stmts[k]!.childForFieldName('condition');
  if (!cond) return true;
  const test: Expr = { kind: 'unary', op: 'not', operand: convertScript(cond, loopScope), range: rangeOf(cond), text: clipExprText(`!${cond.text}`) };
  for (const [name, v] of kept.locals) {
    const before = loopScope.locals.get(name);
    // biome-ignore lint/suspicious/noThenProperty: `then` is the IR's field name (ir.ts), never awaited
    if (before && v !== before) loopScope.locals.set(name, { kind: 'conditional', test, then: v, else: before, range: rangeOf(stmts[k]!), text: clipExprText(stmts[k]!.text) });
  }
  return true;
}

/**
 * `for (const w of model.trainableWeights) { … acc = acc + f(w) … }` after `acc` was started at zero: sets `acc` to
 * the sum over the weights of `f(w)`. Returns false (nothing read) for any other loop.
 */
export function readWeightLoop(stmt: Node, scope: ScriptScope): boolean {
  const left = stmt.childForFieldName('left');
  const right = stmt.childForFieldName('right');
  if (stmt.childForFieldName('operator')?.text !== 'of' || left?.type !== 'identifier' || !right || !WEIGHTS.test(right.text.replace(/\s+/g, ''))) return false;
  const accs = [...scope.locals.entries()].filter(([, v]) => isZeroStart(v)).map(([n]) => n);
  if (accs.length === 0) return false;
  const refs = new Map<string, NameRef>(scope.refs);
  refs.set(left.text, 'weight');
  const locals = new Map(scope.locals);
  locals.delete(left.text);
  for (const a of accs) locals.set(a, { kind: 'name', name: a, ref: 'loop', range: rangeOf(stmt), text: a });
  const inner: ScriptScope = { ...scope, refs, locals };
  const body = statementsOf(stmt.childForFieldName('body'));
  if (!withoutContinue(body, inner)) readStatements(body, inner);
  for (const a of accs) {
    const inc = increment(inner.locals.get(a)!, a, stmt);
    if (!inc || isPlaceholder(inner.locals.get(a), a)) continue;
    const sum: Expr = { kind: 'overWeights', variable: left.text, body: inc, range: rangeOf(stmt), text: clipExprText(stmt.text) };
    scope.locals.set(a, sum);
    scope.labels.set(sum, a);
  }
  return true;
}
