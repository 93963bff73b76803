// Reads a function body statement by statement: assignments become locals (inlined into later uses), `+=` grows
// them, `if`/`else` with returns or assignments becomes a conditional, `with`/`try` bodies are read in line, and a
// loop body is read once (its variable stands for the iterable). The result is the returned expression.
import type { Node } from 'web-tree-sitter';
import type { BinaryOp, Expr } from '../ir';
import { clipExprText } from '../exprText';
import { rangeOf } from '../parsing/range';
import { convertExpr } from './expr';
import { type Scope, forkScope } from './scope';

const augmentedOps: Readonly<Record<string, BinaryOp>> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '//=': '//', '**=': '**', '%=': '%', '@=': '@' };

export interface Returned {
  value: Expr;
  /** The last `return` value node as written (quick fixes rewrite it). */
  node: Node;
}

function setLocal(scope: Scope, name: string, value: Expr): void {
  scope.locals.set(name, value);
  if (!scope.labels.has(value)) scope.labels.set(value, name);
}

function assign(left: Node, value: Expr, scope: Scope, rightNode: Node): void {
  if (left.type === 'identifier') {
    setLocal(scope, left.text, value);
    return;
  }
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
    const targets = left.namedChildren.filter((n): n is Node => !!n && n.type === 'identifier');
    targets.forEach((t, i) => {
      const item = value.kind === 'tuple' && value.items.length === targets.length ? value.items[i] : undefined;
      setLocal(scope, t.text, item ?? { kind: 'unsupported', what: 'tuple unpacking', range: rangeOf(rightNode), text: clipExprText(rightNode.text) });
    });
  }
}

function expressionStatement(stmt: Node, scope: Scope): void {
  const inner = stmt.namedChild(0);
  if (!inner) return;
  if (inner.type === 'assignment') {
    const left = inner.childForFieldName('left');
    const right = inner.childForFieldName('right');
    if (left && right) assign(left, convertExpr(right, scope), scope, right);
  } else if (inner.type === 'augmented_assignment') {
    const left = inner.childForFieldName('left');
    const right = inner.childForFieldName('right');
    const op = augmentedOps[inner.childForFieldName('operator')?.type ?? ''];
    if (!left || !right || left.type !== 'identifier') return;
    const old = convertExpr(left, scope);
    if (!op) {
      setLocal(scope, left.text, { kind: 'unsupported', what: 'augmented assignment', range: rangeOf(inner), text: clipExprText(inner.text) });
      return;
    }
    const grown: Expr = { kind: 'binary', op, left: old, right: convertExpr(right, scope), range: rangeOf(inner), text: clipExprText(inner.text) };
    scope.locals.set(left.text, grown);
    scope.labels.set(grown, left.text);
  }
}

function conditional(test: Expr, then: Expr, otherwise: Expr, node: Node): Expr {
  if (then === otherwise) return then;
  return { kind: 'conditional', test, then, else: otherwise, range: rangeOf(node), text: clipExprText(node.text) };
}

/** Locals after an if/else where neither branch returned: each changed local becomes a conditional. */
function mergeLocals(scope: Scope, test: Expr, a: Scope, b: Scope, node: Node): void {
  const names = new Set([...a.locals.keys(), ...b.locals.keys()]);
  for (const name of names) {
    const va = a.locals.get(name);
    const vb = b.locals.get(name);
    if (va === vb) {
      if (va) scope.locals.set(name, va);
      continue;
    }
    const merged = va && vb ? conditional(test, va, vb, node) : (va ?? vb);
    if (merged) setLocal(scope, name, merged);
  }
}

/** The statements of a block, or of an elif/else clause's body. */
const statementsOf = (block: Node | null): Node[] => (block?.namedChildren ?? []).filter((n): n is Node => !!n && n.type !== 'comment');

function readIf(stmt: Node, rest: Node[], scope: Scope, clauses: Node[]): Returned | undefined {
  const condition = stmt.childForFieldName('condition');
  const test: Expr = condition ? convertExpr(condition, scope) : { kind: 'unsupported', what: 'condition', range: rangeOf(stmt), text: clipExprText(stmt.text) };
  const thenScope = forkScope(scope);
  const thenRet = readBlock(statementsOf(stmt.childForFieldName('consequence')), thenScope);
  const elseScope = forkScope(scope);
  const [next, ...more] = clauses;
  let elseRet: Returned | undefined;
  if (next?.type === 'elif_clause') elseRet = readIf(next, [], elseScope, more);
  else if (next?.type === 'else_clause') elseRet = readBlock(statementsOf(next.childForFieldName('body')), elseScope);
  if (thenRet && elseRet) return { value: conditional(test, thenRet.value, elseRet.value, stmt), node: elseRet.node };
  if (thenRet || elseRet) {
    const continuing = thenRet ? elseScope : thenScope;
    scope.locals = continuing.locals;
    const after = readBlock(rest, scope);
    if (!after) return thenRet ?? elseRet;
    const value = thenRet ? conditional(test, thenRet.value, after.value, stmt) : conditional(test, after.value, (elseRet as Returned).value, stmt);
    return { value, node: after.node };
  }
  mergeLocals(scope, test, thenScope, elseScope, stmt);
  return readBlock(rest, scope);
}

/** A `for` or `while` loop, read once: the locals it changes take the value of one pass. */
function readLoop(stmt: Node, scope: Scope): void {
  const left = stmt.childForFieldName('left');
  const iterable = stmt.childForFieldName('right');
  const body = forkScope(scope);
  if (left?.type === 'identifier' && iterable) {
    body.locals.set(left.text, { kind: 'unsupported', what: `loop variable ${left.text}`, range: rangeOf(iterable), text: clipExprText(iterable.text) });
  }
  readBlock(statementsOf(stmt.childForFieldName('body')), body);
  for (const [name, value] of body.locals) if (name !== left?.text && scope.locals.get(name) !== value) setLocal(scope, name, value);
}

/** Reads statements in order; returns the returned expression when the block returns on every path it reads. */
export function readBlock(stmts: Node[], scope: Scope): Returned | undefined {
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    switch (stmt.type) {
      case 'expression_statement':
        expressionStatement(stmt, scope);
        break;
      case 'return_statement': {
        const value = stmt.namedChildren.find((c) => c && c.type !== 'comment');
        return value ? { value: convertExpr(value, scope), node: value } : undefined;
      }
      case 'if_statement': {
        const clauses = stmt.childrenForFieldName('alternative').filter((c): c is Node => !!c);
        return readIf(stmt, stmts.slice(i + 1), scope, clauses);
      }
      case 'with_statement':
        return readBlock([...statementsOf(stmt.childForFieldName('body')), ...stmts.slice(i + 1)], scope);
      case 'try_statement':
        return readBlock([...statementsOf(stmt.childForFieldName('body')), ...stmts.slice(i + 1)], scope);
      case 'for_statement':
      case 'while_statement':
        readLoop(stmt, scope);
        break;
      default:
        break; // nested defs, pass, asserts, raise, while, …: nothing the loss value depends on that we can model
    }
  }
  return undefined;
}

export { statementsOf };
