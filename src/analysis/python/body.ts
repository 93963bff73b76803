// Reads a function body statement by statement: assignments become locals (inlined into later uses), `+=` grows
// them, `if`/`else` with returns or assignments becomes a conditional, `with`/`try` bodies are read in line, and a
// loop body is read once (its variable stands for the iterable). The result is the returned expression.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { BinaryOp, Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { some } from '../terms/expr';
import { namedByCallee, nameNegated } from '../terms/label';
import { callableValue, definedCallable, nameCallable } from './callables';
import { dictEntrySet, mergedDict } from './dictUpdates';
import { dictEntries, dictViewSource, nameByKey, passBindings } from './dictValues';
import { convertExpr } from './expr';
import { setHelperReader } from './helperCalls';
import { returnedLoss, totalKey, tupleLossItem } from './inline';
import { kerasLayerLoop } from './kerasLayerLoops';
import { collectOf, coupledFold, foldOf, loopName, loopVariables, type Partner } from './loops';
import { layerParameters, type ModuleLoop, moduleLoop } from './moduleLoops';
import { forkScope, type Scope } from './scope';
import { guardTruth, staticTruth } from './static';
import { isTrivia } from './trivia';

const augmentedOps: Readonly<Record<string, BinaryOp>> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '//=': '//', '**=': '**', '%=': '%', '@=': '@' };

export interface Returned {
  value: Expr;
  /** The last `return` value node as written (quick fixes rewrite it). */
  node: Node;
}

/** The (weak) name a value had before a variable's name took it over; undefined when it had none. */
const namedBefore = new WeakMap<Expr, string | undefined>();

/** The name `value` had before a variable took it over (`loss_function` for `loss = loss_function(y, p)`). */
export const nameBeforeVariable = (value: Expr): string | undefined => namedBefore.get(value);

function setLocal(scope: Scope, name: string, value: Expr): void {
  scope.locals.set(name, value);
  nameCallable(value, name);
  if (!scope.labels.has(value) || scope.weakLabels?.has(value)) {
    if (!namedBefore.has(value)) namedBefore.set(value, scope.labels.get(value));
    scope.labels.set(value, name);
    scope.weakLabels?.delete(value);
    nameNegated(scope.labels, value, name);
  }
}

/** Whether `part` is one of the terms `value` adds or subtracts (`loss + lam * reg` holds `loss`). */
function isSummandOf(part: Expr, value: Expr): boolean {
  if (value === part) return true;
  return value.kind === 'binary' && (value.op === '+' || value.op === '-') && (isSummandOf(part, value.left) || isSummandOf(part, value.right));
}

/**
 * `loss = criterion(out, y)` then `loss = loss + lam * reg` (or `loss += …`): the variable names the total, so
 * the value it first held goes back to the name it had (`criterion`), or to none when a call names it by its
 * callee (`F.cross_entropy(…)`).
 */
function renameGrownStart(scope: Scope, name: string, grown: Expr): void {
  const start = scope.locals.get(name);
  if (!start || start === grown || scope.labels.get(start) !== name || !namedBefore.has(start) || !isSummandOf(start, grown)) return;
  const before = namedBefore.get(start);
  // a raw formula (`torch.mean((out - y) ** 2)`) is better named by the variable than rendered
  if (before === undefined && !namedByCallee(start)) return;
  if (before === undefined) scope.labels.delete(start);
  else {
    scope.labels.set(start, before);
    scope.weakLabels?.add(start);
  }
}

function assign(left: Node, value: Expr, scope: Scope, rightNode: Node): void {
  const entrySet = dictEntrySet(left, value, scope);
  if (entrySet) {
    scope.locals.set(entrySet.name, entrySet.dict);
    return;
  }
  if (left.type === 'identifier') {
    renameGrownStart(scope, left.text, value);
    setLocal(scope, left.text, value);
    return;
  }
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
    const items = left.namedChildren.filter((n): n is Node => !!n && !isTrivia(n));
    const targets = items.filter((n) => n.type === 'identifier');
    const starred = targets.length !== items.length;
    for (const [i, t] of targets.entries()) {
      setLocal(scope, t.text, starred ? { kind: 'unsupported', what: 'starred tuple unpacking', range: rangeOf(rightNode), text: clipExprText(rightNode.text) } : unpacked(value, i, targets.length, t));
    }
  }
}

/**
 * Item `i` of a tuple unpacking `a, b = value`: the tuple's item, else `value[i]` as Python indexes any sequence
 * (`bs, c, h, w = img.size()`, `n, k = y_pred.shape`, `mu, logvar = out`); the trainer evaluates the index.
 */
function unpacked(value: Expr, i: number, count: number, target: Node): Expr {
  if (value.kind === 'tuple') {
    if (value.items.length === count) return value.items[i];
    return { kind: 'unsupported', what: `unpacking ${value.items.length} values into ${count} names`, range: value.range, text: value.text };
  }
  const index: Expr = { kind: 'number', value: i, range: rangeOf(target), text: String(i) };
  return { kind: 'subscript', object: value, index: [{ kind: 'index', value: index }], unpacked: true, range: value.range, text: `${value.text}[${i}]` };
}

/** `outs.append(x)`: in a loop body, x is recorded (the loop makes the list); outside, the list literal grows. */
function appendCall(call: Node, scope: Scope): boolean {
  const fn = call.childForFieldName('function');
  const target = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
  if (fn?.childForFieldName('attribute')?.text !== 'append' || target?.type !== 'identifier') return false;
  const list = scope.locals.get(target.text);
  const argNodes = call.childForFieldName('arguments')?.namedChildren.filter((n): n is Node => !!n && !isTrivia(n)) ?? [];
  if (!list || argNodes.length !== 1) return false;
  const value = convertExpr(argNodes[0], scope);
  if (scope.appends && list.kind === 'tuple' && list.items.length === 0 && !scope.appends.has(target.text)) {
    scope.appends.set(target.text, value);
    if (scope.guard) scope.appendGuards?.set(target.text, scope.guard);
  } else if (!scope.appends && list.kind === 'tuple') setLocal(scope, target.text, { ...list, items: [...list.items, value] });
  else setLocal(scope, target.text, { kind: 'unsupported', what: `list '${target.text}' appended to in this way`, range: rangeOf(call), text: call.text });
  return true;
}

/**
 * `t.scatter_(1, idx, 0.9)`, `t.clamp_(min=0)` on a local: PyTorch's in-place ops change `t` and return it, so `t`
 * holds the call's value from here on.
 */
function inPlaceCall(call: Node, scope: Scope): void {
  const fn = call.childForFieldName('function');
  const target = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
  const method = fn?.childForFieldName('attribute')?.text ?? '';
  if (target?.type !== 'identifier' || !/^[a-z][a-z0-9_]*[a-z0-9]_$/.test(method) || !scope.locals.has(target.text)) return;
  setLocal(scope, target.text, convertExpr(call, scope));
}

const parsedFlags = /^[\w.]+\.parse_(known_)?args\(\s*\)$/;

function expressionStatement(stmt: Node, scope: Scope): void {
  const inner = stmt.namedChild(0);
  if (!inner) return;
  if (inner.type === 'call') {
    if (!appendCall(inner, scope)) inPlaceCall(inner, scope);
    return;
  }
  if (inner.type === 'assignment') {
    const left = inner.childForFieldName('left');
    const right = inner.childForFieldName('right');
    // `args = parser.parse_args()`: the flags' namespace, whose `args.lam` reads the flag's default (argparse.ts)
    if (left?.type === 'identifier' && right && parsedFlags.test(right.text)) {
      scope.locals.delete(left.text);
      return;
    }
    if (!left || !right) return;
    // `a = b = torch.tensor(0.0)`: every target of a chained assignment holds the innermost value
    const targets = [left];
    let value: Node = right;
    for (let next = value; next.type === 'assignment'; next = value) {
      const [l, r] = [next.childForFieldName('left'), next.childForFieldName('right')];
      if (!l || !r) break;
      targets.push(l);
      value = r;
    }
    const converted = convertExpr(value, scope);
    for (const t of targets) assign(t, converted, scope, value);
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
    renameGrownStart(scope, left.text, grown);
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
    const merged = va && vb ? (mergedDict(va, vb, scope, (x, y) => conditional(test, x, y, node), node) ?? conditional(test, va, vb, node)) : (va ?? vb);
    if (merged) setLocal(scope, name, merged);
  }
}

/** The statements of a block, or of an elif/else clause's body. */
const statementsOf = (block: Node | null): Node[] => (block?.namedChildren ?? []).filter((n): n is Node => !!n && !isTrivia(n));

function readIf(stmt: Node, rest: Node[], scope: Scope, clauses: Node[]): Returned | undefined {
  const condition = stmt.childForFieldName('condition');
  const test: Expr = condition ? convertExpr(condition, scope) : { kind: 'unsupported', what: 'condition', range: rangeOf(stmt), text: clipExprText(stmt.text) };
  // A branch on a value known before training (`if REDUCTION == 'mean':`): only the branch taken is read.
  const known = staticTruth(test, scope) ?? (addsTerms(stmt, clauses) ? guardTruth(test, scope) : undefined);
  if (known !== undefined) {
    const [next, ...more] = clauses;
    if (known) return readBlock([...statementsOf(stmt.childForFieldName('consequence')), ...rest], scope);
    if (next?.type === 'elif_clause') return readIf(next, rest, scope, more);
    if (next?.type === 'else_clause') return readBlock([...statementsOf(next.childForFieldName('body')), ...rest], scope);
    return readBlock(rest, scope);
  }
  const consequence = statementsOf(stmt.childForFieldName('consequence'));
  if (scope.appends && clauses.length === 0 && consequence.at(-1)?.type === 'continue_statement') return readSkippedPass(stmt, test, consequence, rest, scope);
  const thenScope = guarded(scope, test);
  const thenRet = readBlock(consequence, thenScope);
  const elseScope = guarded(scope, negation(test, stmt));
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

/**
 * `if lam > 0: loss += lam * p` (no else, only assignments): a guard around added terms, which the values the code
 * fixes before training may decide (static.ts guardTruth).
 */
function addsTerms(stmt: Node, clauses: Node[]): boolean {
  if (clauses.length > 0) return false;
  const body = statementsOf(stmt.childForFieldName('consequence'));
  return body.length > 0 && body.every((s) => s.type === 'expression_statement' && ['assignment', 'augmented_assignment'].includes(s.namedChild(0)?.type ?? ''));
}

/** A scope for a branch of a loop body: what it appends is appended only when `test` holds. */
function guarded(scope: Scope, test: Expr): Scope {
  const fork = forkScope(scope);
  if (!scope.appends) return fork;
  const guard: Expr = scope.guard ? { kind: 'binary', op: 'and', left: scope.guard, right: test, range: test.range, text: clipExprText(`${scope.guard.text} and ${test.text}`) } : test;
  return { ...fork, guard };
}

function negation(test: Expr, node: Node): Expr {
  return { kind: 'unary', op: 'not', operand: test, range: rangeOf(node), text: clipExprText(`not (${test.text})`) };
}

/**
 * `if c: continue` in a loop body: the rest of the pass runs only when c is false, as if written under
 * `if not c:` (what it appends is guarded, what it accumulates is added only then).
 */
function readSkippedPass(stmt: Node, test: Expr, consequence: Node[], rest: Node[], scope: Scope): undefined {
  const skipped = guarded(scope, test);
  readBlock(consequence.slice(0, -1), skipped);
  const runs = guarded(scope, negation(test, stmt));
  readBlock(rest, runs);
  mergeLocals(scope, test, skipped, runs, stmt);
  return undefined;
}

/** Names assigned (`x = …`, `x += …`) anywhere in a block, nested blocks included. */
function assignedNames(stmts: Node[]): Set<string> {
  const out = new Set<string>();
  for (const s of stmts) {
    for (const a of s.descendantsOfType(['assignment', 'augmented_assignment'])) {
      const left = a?.childForFieldName('left');
      if (left?.type === 'identifier') out.add(left.text);
    }
  }
  return out;
}

/**
 * A `for` loop: each local it accumulates into becomes a `loop` node (loops.ts), each list it appends to the list
 * of the appended values; the trainer runs them. A `while` loop, or a `for` whose target is not plain names,
 * cannot be modelled: the locals it changes become 'unsupported' nodes naming the loop.
 */
function readLoop(stmt: Node, scope: Scope, over?: Expr): void {
  const stmts = statementsOf(stmt.childForFieldName('body'));
  const assigned = assignedNames(stmts);
  const iterableNode = stmt.type === 'for_statement' ? stmt.childForFieldName('right') : null;
  const declared = stmt.type === 'for_statement' ? loopVariables(stmt.childForFieldName('left')) : undefined;
  if (stmt.type === 'while_statement') {
    readOnce(stmt, scope);
    return;
  }
  if (declared && iterableNode && !over && unrolledOverDict(stmt, stmts, declared, iterableNode, scope)) return;
  if (!declared || !iterableNode) {
    for (const name of assigned) setLocal(scope, name, { kind: 'unsupported', what: 'for loop with this target', range: rangeOf(stmt), text: clipExprText(stmt.text) });
    return;
  }
  let variables = declared;
  let iterable = over ?? convertExpr(iterableNode, scope);
  // `for block in net.modules(): for name, p in block.named_parameters(recurse=False): …` visits each parameter of
  // the model once: the loop over `net.named_parameters()` (moduleLoops.ts)
  const flat = stmts.length === 1 && stmts[0]?.type === 'for_statement' ? layerParameters(iterable, declared, stmts[0].childForFieldName('right')?.text ?? '') : undefined;
  if (flat) {
    readLoop(stmts[0] as Node, scope, flat);
    return;
  }
  const body = forkScope(scope);
  body.appends = new Map();
  body.appendGuards = new Map();
  body.guard = undefined;
  const left = stmt.childForFieldName('left') as Node;
  for (const v of variables) body.locals.set(v, loopName(v, left));
  const accumulators = [...assigned].filter((n) => scope.locals.has(n) && !variables.includes(n));
  // each accumulator's value before the loop (a partner folded first must still start from it)
  const initial = new Map(accumulators.map((a) => [a, scope.locals.get(a) as Expr]));
  for (const a of accumulators) body.locals.set(a, loopName(a, stmt));
  readBlock(stmts, body);
  // `for m in net.modules(): if isinstance(m, nn.Linear): … m.weight …`: the loop over the weights (moduleLoops.ts)
  // (or Keras's `for layer in model.layers: if isinstance(layer, Dense): … layer.kernel …`, kerasLayerLoops.ts)
  const at = { range: rangeOf(stmt), text: clipExprText(stmt.text) };
  // what outlives the loop (its accumulators, its lists with their guards) must read the module only as a weight
  const appends = body.appends;
  const appended = (n: string, v: Expr): Expr => ({ kind: 'tuple', items: [v, body.appendGuards?.get(n) ?? v], ...at });
  const readsAsWeights = (l: ModuleLoop): boolean => accumulators.every((n) => l.rewrite(body.locals.get(n) as Expr)) && [...appends].every(([n, v]) => l.rewrite(appended(n, v)));
  const layers = [moduleLoop(iterable, variables, at), kerasLayerLoop(iterable, variables, at)].find((l): l is ModuleLoop => !!l && readsAsWeights(l));
  if (layers) {
    for (const n of accumulators) body.locals.set(n, layers.rewrite(body.locals.get(n) as Expr) as Expr);
    for (const [n, v] of body.appends) {
      const rewritten = layers.rewrite(appended(n, v)) as Extract<Expr, { kind: 'tuple' }>;
      body.appends.set(n, rewritten.items[0] as Expr);
      if (body.appendGuards?.has(n)) body.appendGuards.set(n, rewritten.items[1] as Expr);
    }
    iterable = layers.iterable;
    variables = layers.variables;
  }
  const changed = accumulators.filter((a) => !isLoopName(body.locals.get(a), a));
  for (const name of assigned) {
    if (variables.includes(name)) continue;
    const after = body.locals.get(name);
    if (!after || isLoopName(after, name)) continue;
    const others = changed.filter((o) => o !== name && readsName(after, o));
    if (!scope.locals.has(name)) {
      setLocal(scope, name, { kind: 'unsupported', what: `'${name}' after the loop that sets it`, range: rangeOf(stmt), text: clipExprText(stmt.text) });
    } else if (others.length > 0) {
      const partners = others.map((o) => ({ name: o, init: initial.get(o) as Expr, after: body.locals.get(o) as Expr }));
      const coupled = foldedWith(name, initial.get(name) ?? (scope.locals.get(name) as Expr), after, partners, variables, iterable, stmt, scope);
      setLocal(scope, name, coupled ?? { kind: 'unsupported', what: `loop updating ${[name, ...others].join(' and ')} together`, range: rangeOf(stmt), text: clipExprText(stmt.text) });
    } else {
      const init = scope.locals.get(name) as Expr;
      const folded = foldOf(name, init, after, variables, iterable, stmt);
      // the sum the loop adds to its start is named by what each pass adds when the code names it (`total +=
      // lam * diff`: `diff`, the start being the base), else by the accumulator (`total`), as the term it becomes
      const added = folded.kind === 'binary' && folded.left === init ? folded.right : undefined;
      const sum = added?.kind === 'binary' ? added.right : undefined;
      const perPass = sum?.kind === 'loop' && sum.body.kind === 'binary' && sum.body.op === '+' ? scope.labels.get(sum.body.right) : undefined;
      for (const part of [added, sum]) if (part) scope.labels.set(part, perPass ?? name);
      setLocal(scope, name, folded);
    }
  }
  for (const [name, value] of body.appends) setLocal(scope, name, collectOf(variables, iterable, value, stmt, body.appendGuards.get(name)));
}

/**
 * `for name, term in terms.items(): loss = loss + W[name] * term` over a dict known entry by entry (dictValues.ts):
 * the body read once per entry, in order, with the entry bound, as Python runs it (each term named by its key).
 * A body that leaves a pass early (`continue`, `break`) is left to the general loop. Returns whether it was read.
 */
function unrolledOverDict(stmt: Node, stmts: Node[], variables: string[], iterableNode: Node, scope: Scope): boolean {
  const view = dictViewSource(iterableNode);
  const entries = view ? dictEntries(convertExpr(view.object, scope), scope) : undefined;
  if (!view || !entries || entries.length === 0) return false;
  if (stmt.descendantsOfType(['continue_statement', 'break_statement', 'return_statement']).length > 0) return false;
  const passes = entries.map((entry) => passBindings(entry, view.view, variables, iterableNode));
  if (passes.some((p) => !p)) return false;
  entries.forEach((entry, i) => {
    nameByKey(entry, scope);
    for (const [name, value] of passes[i] as Map<string, Expr>) scope.locals.set(name, value);
    readBlock(stmts, scope);
  });
  return true;
}

/** A fold adding another accumulator's running value (loops.ts coupledFold), its sum named by that accumulator. */
function foldedWith(name: string, init: Expr, after: Expr, partners: Partner[], variables: string[], iterable: Expr, stmt: Node, scope: Scope): Expr | undefined {
  const coupled = coupledFold(name, init, after, partners, variables, iterable, stmt);
  if (!coupled) return undefined;
  scope.labels.set(coupled.summed, coupled.label);
  return coupled.value;
}

/** A `while` loop, read once: the locals it changes take the value of one pass (its bound is unknown). */
function readOnce(stmt: Node, scope: Scope): void {
  const body = forkScope(scope);
  readBlock(statementsOf(stmt.childForFieldName('body')), body);
  for (const [name, value] of body.locals) if (scope.locals.get(name) !== value) setLocal(scope, name, value);
}

const isLoopName = (e: Expr | undefined, name: string): boolean => e?.kind === 'name' && e.ref === 'loop' && e.name === name;
const readsName = (e: Expr, name: string): boolean => some(e, (n) => isLoopName(n, name));

/** Reads statements in order; returns the returned expression when the block returns on every path it reads. */
export function readBlock(stmts: Node[], scope: Scope): Returned | undefined {
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    switch (stmt.type) {
      case 'expression_statement':
        expressionStatement(stmt, scope);
        break;
      case 'return_statement': {
        return returnedValue(stmt, scope);
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
      case 'function_definition':
      case 'decorated_definition':
        nestedDef(stmt, scope);
        break;
      default:
        break; // nested defs, pass, asserts, raise, while, …: nothing the loss value depends on that we can model
    }
  }
  return undefined;
}

export { statementsOf };

/**
 * What a `return` gives back. The loss's own `return {"loss": total, "rec": rec.detach()}` (or a helper's dict it
 * returns, `return self._step(batch)`) is optimised through its "loss" entry; a helper's dict is returned whole, its
 * entries known, for the caller to pick one (`out["total_loss"].backward()`, expr.ts).
 */
function returnedValue(ret: Node, scope: Scope): Returned | undefined {
  const written = ret.namedChildren.find((c): c is Node => !!c && !isTrivia(c));
  // a helper's dict or tuple is returned whole, for the caller to pick an entry or unpack the items
  if ((written?.type === 'dictionary' || tupleLossItem(written)) && (scope.inlining?.length ?? 0) > 0) return { value: convertExpr(written as Node, scope), node: written as Node };
  const node = returnedLoss(ret);
  if (!node) return undefined;
  const value = convertExpr(node, scope);
  const entries = dictEntries(value, scope);
  const key = entries ? totalKey(entries.map((e) => e.key)) : undefined;
  const loss = entries?.find((e) => e.key === key);
  return { value: loss?.value ?? value, node };
}

/** `def f(…):` inside the function: a local callable closing over the function's scope (callables.ts). */
function nestedDef(stmt: Node, scope: Scope): void {
  const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
  const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
  if (def && name) scope.locals.set(name, callableValue(stmt, definedCallable(def, scope)));
}

/** A body's last statement when it is a bare computation (not a call for its effect, a docstring or `...`): its value. */
function discardedValue(def: Node, scope: Scope): Expr | undefined {
  const last = statementsOf(def.childForFieldName('body')).at(-1);
  const value = last?.type === 'expression_statement' ? last.namedChild(0) : undefined;
  if (!value || !['binary_operator', 'unary_operator', 'parenthesized_expression'].includes(value.type)) return undefined;
  return convertExpr(value, scope);
}

setHelperReader((def, scope) => readBlock(statementsOf(def.childForFieldName('body')), scope)?.value, discardedValue);
