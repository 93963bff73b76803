// Reads a TS/JS function body: `const`/`let` locals are inlined, `+=` grows them, `if`/`else` becomes a conditional,
// `try` bodies are read in line. The result is the returned expression.
import { staticTest } from './staticTest';
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { BinaryOp, Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { nameNegated } from '../terms/label';
import { scriptCallableValue } from './callables';
import { convertScript } from './expr';
import { forkScriptScope, type ScriptScope } from './scope';
import { readWeightLoop } from './weightLoops';

const augmentedOps: Readonly<Record<string, BinaryOp>> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '**=': '**', '%=': '%' };

export interface ScriptReturned {
  value: Expr;
  node: Node;
  /** Returned by one branch of an `if` whose other branch runs past the statements read: what follows them decides the rest. */
  fallsThrough?: true;
}

function setLocal(scope: ScriptScope, name: string, value: Expr): void {
  scope.locals.set(name, value);
  if (scope.labels.has(value) && !scope.weakLabels?.has(value)) return;
  scope.labels.set(value, name); // the caller's name for a helper's value replaces the helper's
  scope.weakLabels?.delete(value);
  nameNegated(scope.labels, value, name);
}

/** `const [mean, logVar, recon] = yPred`: each name is an item of the value, as Python's tuple unpacking (`unpacked`). */
function destructured(pattern: Node, value: Expr, scope: ScriptScope): void {
  // an element's place is the commas before it: `const [, h, w] = img.shape` binds h to item 1 (a hole has no node)
  let at = 0;
  const items: [number, Node][] = [];
  for (const c of pattern.children) {
    if (c?.type === ',') at++;
    else if (c?.isNamed && c.type !== 'comment') items.push([at, c]);
  }
  for (const [i, item] of items) {
    if (item.type !== 'identifier') continue; // a default or a rest element: left unread
    const index: Expr = { kind: 'number', value: i, range: rangeOf(item), text: String(i) };
    setLocal(scope, item.text, { kind: 'subscript', object: value, index: [{ kind: 'index', value: index }], unpacked: true, range: value.range, text: `${value.text}[${i}]` });
  }
}

const statementsOf = (node: Node | null | undefined): Node[] => {
  if (!node) return [];
  if (node.type !== 'statement_block') return [node];
  return node.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
};

function declaration(stmt: Node, scope: ScriptScope): void {
  for (const d of stmt.namedChildren) {
    if (d?.type !== 'variable_declarator' || scope.skipped?.has(d.id)) continue;
    const name = d.childForFieldName('name');
    const value = d.childForFieldName('value');
    if (name?.type === 'identifier' && value) setLocal(scope, name.text, convertScript(value, scope));
    else if (name?.type === 'array_pattern' && value) destructured(name, convertScript(value, scope), scope);
  }
}

function expressionStatement(stmt: Node, scope: ScriptScope): void {
  const e = stmt.namedChild(0);
  const left = e?.childForFieldName('left');
  const right = e?.childForFieldName('right');
  if (!e || !left || !right || left.type !== 'identifier') return;
  if (e.type === 'assignment_expression') setLocal(scope, left.text, convertScript(right, scope));
  else if (e.type === 'augmented_assignment_expression') {
    const op = augmentedOps[e.childForFieldName('operator')?.type ?? ''];
    const old = convertScript(left, scope);
    const grown: Expr = op
      ? { kind: 'binary', op, left: old, right: convertScript(right, scope), range: rangeOf(e), text: clipExprText(e.text) }
      : { kind: 'unsupported', what: 'augmented assignment', range: rangeOf(e), text: clipExprText(e.text) };
    scope.locals.set(left.text, grown);
    scope.labels.set(grown, left.text);
  }
}

function conditional(test: Expr, then: Expr, otherwise: Expr, node: Node): Expr {
  return then === otherwise ? then : { kind: 'conditional', test, then, else: otherwise, range: rangeOf(node), text: clipExprText(node.text) };
}

function readIf(stmt: Node, rest: Node[], scope: ScriptScope): ScriptReturned | undefined {
  const cond = stmt.childForFieldName('condition');
  const test: Expr = cond ? convertScript(cond, scope) : { kind: 'unsupported', what: 'condition', range: rangeOf(stmt), text: clipExprText(stmt.text) };
  const a = forkScriptScope(scope);
  const b = forkScriptScope(scope);
  const thenRet = readStatements(statementsOf(stmt.childForFieldName('consequence')), a);
  const alt = stmt.childForFieldName('alternative');
  const altStatements = alt ? alt.namedChildren.filter((n): n is Node => !!n).flatMap((n) => statementsOf(n)) : [];
  // a test the module's settings decide: only the branch they take runs
  const decided = cond ? staticTest(cond, scope.settings, (name) => scope.locals.has(name) || scope.refs.has(name)) : undefined;
  if (decided !== undefined) return readStatements([...(decided ? statementsOf(stmt.childForFieldName('consequence')) : altStatements), ...rest], scope);
  let elseRet = alt ? readStatements(altStatements, b) : undefined;
  // `else if (k === 'l1') { return … }` with no final else, then `return loss` after the chain: the chain's fall
  // through runs the statements after it, so the else branch is read with them
  if (elseRet?.fallsThrough && rest.length > 0) {
    const c = forkScriptScope(scope);
    elseRet = readStatements([...altStatements, ...rest], c);
    b.locals = c.locals;
  }
  if (thenRet && elseRet) return { value: conditional(test, thenRet.value, elseRet.value, stmt), node: elseRet.node };
  if (thenRet || elseRet) {
    scope.locals = (thenRet ? b : a).locals;
    const after = readStatements(rest, scope);
    if (!after) return { ...((thenRet ?? elseRet) as ScriptReturned), fallsThrough: true };
    const value = thenRet ? conditional(test, thenRet.value, after.value, stmt) : conditional(test, after.value, (elseRet as ScriptReturned).value, stmt);
    return { value, node: after.node };
  }
  for (const name of new Set([...a.locals.keys(), ...b.locals.keys()])) {
    const va = a.locals.get(name);
    const vb = b.locals.get(name);
    const merged = va && vb ? conditional(test, va, vb, stmt) : (va ?? vb);
    if (merged && merged !== scope.locals.get(name)) setLocal(scope, name, merged);
  }
  return readStatements(rest, scope);
}

export function readStatements(stmts: Node[], scope: ScriptScope): ScriptReturned | undefined {
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    switch (stmt.type) {
      case 'lexical_declaration':
      case 'variable_declaration':
        declaration(stmt, scope);
        break;
      case 'expression_statement':
        expressionStatement(stmt, scope);
        break;
      case 'return_statement': {
        const value = stmt.namedChildren.find((c) => c && c.type !== 'comment');
        return value ? { value: convertScript(value, scope), node: value } : undefined;
      }
      case 'if_statement':
        return readIf(stmt, stmts.slice(i + 1), scope);
      case 'statement_block':
        return readStatements([...statementsOf(stmt), ...stmts.slice(i + 1)], scope);
      case 'for_in_statement':
        readWeightLoop(stmt, scope);
        break;
      case 'try_statement':
        return readStatements([...statementsOf(stmt.childForFieldName('body')), ...stmts.slice(i + 1)], scope);
      default:
        break;
    }
  }
  return undefined;
}

/** The returned expression of a function body (a block, or an arrow's expression body). */
export function readScriptBody(body: Node, scope: ScriptScope): ScriptReturned | undefined {
  if (body.type !== 'statement_block') return { value: convertScript(body, scope), node: body };
  const stmts = statementsOf(body);
  // `function excess(x) {…}` inside the body (hoisted, as JS does): a local function closing over this scope
  for (const s of stmts) {
    const name = s.type === 'function_declaration' ? s.childForFieldName('name')?.text : undefined;
    if (name) scope.locals.set(name, scriptCallableValue(s, s, scope));
  }
  return readStatements(stmts, scope);
}
