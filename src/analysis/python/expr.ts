// Python syntax nodes → IR expressions, with locals inlined and callees resolved through the imports.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { BinaryOp, Expr, IndexItem } from '../ir';
import { rangeOf } from '../parsing/range';
import { passedDict } from './callArgumentDict';
import { callableCallee, callableValue, callCallable, conditionalCall, definedCallable, moduleLevel, objectCall } from './callables';
import { dictConstantRead, entriesOf, ownDictSetting } from './dictConstants';
import { dictEntries, dictLookup, dictViewSource, nameByKey, passBindings, withEntries } from './dictValues';
import { followHeldObject, helperCall } from './helperCalls';
import { higherOrderCall } from './higherOrder';
import { resolveCallee } from './imports';
import { graphModelOutput } from './kerasGraph';
import { collectOf, loopName, loopVariables } from './loops';
import { literalOf } from './params';
import { forkScope, type Scope } from './scope';
import { chosenInstanceCall } from './setupInstances';
import { superLossCall } from './superLoss';
import { isTrivia } from './trivia';

type Call = Extract<Expr, { kind: 'call' }>;
type Base<K extends Expr['kind']> = Omit<Extract<Expr, { kind: K }>, 'range' | 'text'>;

const binaryOps: ReadonlySet<string> = new Set(['+', '-', '*', '/', '//', '%', '**', '@', '<', '<=', '>', '>=', '==', '!=', 'and', 'or', '&', '|', '^']);

export function make<K extends Expr['kind']>(node: Node, value: Base<K>): Expr {
  return { ...value, range: rangeOf(node), text: clipExprText(node.text) } as Expr;
}

export const unsupported = (node: Node, what: string): Expr => make<'unsupported'>(node, { kind: 'unsupported', what });

function parseNumber(text: string): number | undefined {
  const v = Number(text.replace(/_/g, ''));
  return Number.isFinite(v) ? v : undefined;
}

/** `a.b.c` when the node is a plain dotted name of identifiers, else undefined. */
export function dottedName(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return undefined;
  const obj = node.childForFieldName('object');
  const attr = node.childForFieldName('attribute');
  const head = obj ? dottedName(obj) : undefined;
  return head && attr ? `${head}.${attr.text}` : undefined;
}

function stringValue(node: Node): string {
  return node.namedChildren
    .filter((c) => c?.type === 'string_content')
    .map((c) => c?.text ?? '')
    .join('');
}

/** `[f(p) for p in xs]` / `(f(p) for p in xs if c)` with one `for` and at most one `if`: a loop node collecting the values. */
function comprehension(node: Node, scope: Scope): Expr {
  const clauses = node.namedChildren.filter((c) => c?.type === 'for_in_clause' || c?.type === 'if_clause');
  const [first, condition] = clauses;
  const filtered = clauses.length === 2 && condition?.type === 'if_clause';
  const clause = (clauses.length === 1 || filtered) && first?.type === 'for_in_clause' ? first : undefined;
  const left = clause?.childForFieldName('left') ?? null;
  const variables = loopVariables(left);
  const source = clause?.childForFieldName('right');
  const body = node.childForFieldName('body');
  if (!variables || !source || !body || !left) return unsupported(node, clauses.length > 1 ? 'comprehension with several clauses' : node.type.replace(/_/g, ' '));
  const overDict = filtered ? undefined : dictComprehension(node, variables, source, body, scope);
  if (overDict) return overDict;
  const iterable = convertExpr(source, scope);
  const inner = forkScope(scope);
  for (const v of variables) inner.locals.set(v, loopName(v, left));
  const test = filtered ? ifClauseTest(condition) : undefined;
  return collectOf(variables, iterable, convertExpr(body, inner), node, test ? convertExpr(test, inner) : undefined);
}

/**
 * `[f(k, v) for k, v in d.items()]` over a dict known entry by entry (dictValues.ts): the list of the body's values,
 * one per entry, each read with the entry bound and named by its key (`{"monotone": pen(p)}` names the term
 * `monotone`); else undefined.
 */
function dictComprehension(node: Node, variables: string[], source: Node, body: Node, scope: Scope): Expr | undefined {
  const view = dictViewSource(source);
  const entries = view ? dictEntries(convertExpr(view.object, scope), scope) : undefined;
  if (!view || !entries || entries.length === 0) return undefined;
  const items: Expr[] = [];
  for (const entry of entries) {
    const bindings = passBindings(entry, view.view, variables, source);
    if (!bindings) return undefined;
    const inner = forkScope(scope);
    for (const [name, value] of bindings) inner.locals.set(name, value);
    const item = convertExpr(body, inner);
    nameByKey(entry, scope);
    items.push(item);
  }
  return make<'tuple'>(node, { kind: 'tuple', items });
}

/** `sum(xs)` over a list known item by item (`sum([a, b])`, an unrolled comprehension): `a + b`, as Python adds them. */
function staticSum(node: Node, fn: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  const [only, ...rest] = applied.args;
  if (fn.type !== 'identifier' || fn.text !== 'sum' || scope.refs.has('sum') || scope.locals.has('sum')) return undefined;
  if (rest.length > 0 || Object.keys(applied.kwargs).length > 0 || only?.kind !== 'tuple' || only.items.length === 0) return undefined;
  return only.items.reduce((acc, item) => make<'binary'>(node, { kind: 'binary', op: '+', left: acc, right: item }));
}

/** `{"k": v, …}` / `dict(k=v, …)` with literal string keys: the dict's value, its entries known (dictValues.ts). */
function dictLiteral(node: Node, value: Expr, scope: Scope): Expr {
  if (node.namedChildren.some((c) => c?.type === 'dictionary_splat')) return mergedDict(node, value, scope);
  const entries = entriesOf(node);
  return entries ? withEntries(value, entries.map(([key, v]) => ({ key, value: convertExpr(v, scope) }))) : value;
}

/**
 * `{**DEFAULTS, **recipe}`, `{**base, "w": 0.3}`: the entries of each part in order, a later key overriding an
 * earlier one, as Python merges them. A parameter's part is what the file's calls pass it (callArgumentDict.ts: the one
 * call's dict, or empty dicts); any other unknown part leaves the dict unknown (refused by name), since it may
 * override any entry.
 */
function mergedDict(node: Node, value: Expr, scope: Scope): Expr {
  const merged = new Map<string, Expr>();
  for (const item of node.namedChildren) {
    if (!item || isTrivia(item)) continue;
    if (item.type === 'pair') {
      const key = literalOf(item.childForFieldName('key') as Node);
      const v = item.childForFieldName('value');
      if (typeof key !== 'string' || !v) return value;
      merged.set(key, convertExpr(v, scope));
      continue;
    }
    const part = item.type === 'dictionary_splat' ? item.namedChildren.find((c): c is Node => !!c && !isTrivia(c)) : undefined;
    const known = part ? dictEntries(convertExpr(part, scope), scope) : undefined;
    const passed = !known && part?.type === 'identifier' ? passedDict(part) : undefined;
    const entries = known ?? (passed === 'empty' ? [] : passed ? dictEntries(convertExpr(passed, scope), scope) : undefined);
    if (!entries) return value;
    for (const e of entries) merged.set(e.key, e.value);
  }
  return withEntries(value, [...merged].map(([key, v]) => ({ key, value: v })));
}

/** `d.get(k)` / `d.get(k, default)` on a dict known entry by entry, with a literal key: the entry or the default. */
function dictGet(fn: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  const obj = fn.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get' ? fn.childForFieldName('object') : undefined;
  if (!obj || applied.args.length < 1 || applied.args.length > 2) return undefined;
  const none: Expr = { kind: 'none', range: rangeOf(fn), text: 'None' };
  return dictLookup(convertExpr(obj, scope), applied.args[0], applied.args[1] ?? none, scope);
}

/** `obj.name` (written so, or as `getattr(obj, "name")` at `node`). */
function convertAttribute(node: Node, obj: Node, name: string, scope: Scope): Expr {
  const isSelf = obj.type === 'identifier' && obj.text === 'self';
  // `self.bound` set in `__init__` to an expression (`torch.tensor(bound)`): that expression, read in place
  const ctorValue = isSelf ? scope.attrValues?.get(name) : undefined;
  if (ctorValue) return ctorValue;
  const object = isSelf ? make<'name'>(obj, { kind: 'name', name: 'self', ref: 'module' }) : convertExpr(obj, scope);
  // `self.cfg.kl_weight` with `self.cfg` a settings class (classScope.ts): the constant `VAEConfig.kl_weight`; the
  // same for a parameter standing for a module-level object (`cfg.l1_weight` with `train(model, CFG)`)
  if (object.kind === 'name' && object.ref === 'global' && object.name !== obj.text) return { kind: 'attr', object, name, range: rangeOf(node), text: `${object.name}.${name}` };
  return make<'attr'>(node, { kind: 'attr', object, name });
}

/**
 * `getattr(obj, "name")` with a literal name and no default is Python's `obj.name`, read as that attribute (a
 * setting, a member of the model). With a default it stays a call: whether the attribute exists is not told here.
 */
function literalGetattr(node: Node, fn: Node, scope: Scope): Expr | undefined {
  if (fn.type !== 'identifier' || fn.text !== 'getattr' || scope.locals.has('getattr') || scope.refs.has('getattr')) return undefined;
  const args = node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !isTrivia(c)) ?? [];
  const [obj, name] = args;
  const literal = name?.type === 'string' ? literalOf(name) : undefined;
  return args.length === 2 && obj && typeof literal === 'string' && /^[A-Za-z_]\w*$/.test(literal) ? convertAttribute(node, obj, literal, scope) : undefined;
}

/** The condition an `if` clause of a comprehension tests. */
const ifClauseTest = (clause: Node | null | undefined): Node | undefined => clause?.namedChildren.find((c): c is Node => !!c && !isTrivia(c));

/** `body` where every `if` clause holds, else 0: `[x for … if a if b]` adds `x if a else 0` when b. */
function guarded(node: Node, guards: Node[], body: Expr, scope: Scope): Expr {
  const zero = make<'number'>(node, { kind: 'number', value: 0 });
  return guards.reduceRight<Expr>((then, g) => {
    const test = ifClauseTest(g);
    return test ? make<'conditional'>(g, { kind: 'conditional', test: convertExpr(test, scope), then, else: zero }) : then;
  }, body);
}

/** Device and bookkeeping calls that change nothing a loss computes: `.cuda()`, `.cpu()`, `.to(device)`. */
function isDeviceMove(method: string, argNodes: Node[]): boolean {
  if (method === 'cuda' || method === 'cpu') return true;
  // `.to(torch.float32)`/`.to(dtype=…)`/`.to(other_tensor)` are casts or moves the trainer evaluates itself
  return method === 'to' && argNodes.length > 0 && argNodes.every((a) => a.type !== 'keyword_argument' && /(^|\.)(device|dev|DEVICE)$|^['"](cuda|cpu)/.test(a.text));
}

/** `*args` / `**kwargs` passed on in a call (converted as unsupported 'list splat' / 'dictionary splat'). */
const isSplat = (e: Expr): boolean => e.kind === 'unsupported' && /\bsplat$/.test(e.what);

function convertArgs(list: Node | null, scope: Scope): { args: Expr[]; kwargs: Record<string, Expr>; splat?: number[] } {
  // `sum(p.abs().sum() for p in xs)`: the generator is the whole argument list
  if (list?.type === 'generator_expression') return { args: [comprehension(list, scope)], kwargs: {} };
  const args: Expr[] = [];
  const kwargs: Record<string, Expr> = {};
  const splat: number[] = [];
  for (const a of list?.namedChildren ?? []) {
    if (!a || isTrivia(a)) continue;
    // `*x.shape[:2]`, `*size`: its items in its place (Expr `splat`); a bare `*args` handed on stays unsupported
    const starred = a.type === 'list_splat' ? a.namedChildren.find((c) => c && !isTrivia(c)) : undefined;
    if (starred && starred.type !== 'identifier') {
      splat.push(args.length);
      args.push(convertExpr(starred, scope));
    } else if (starred && scope.locals.has(starred.text)) {
      splat.push(args.length);
      args.push(convertExpr(starred, scope));
    } else if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      // where a tensor lives changes nothing the loss computes (`torch.tensor(b, device=device)`)
      if (name && value && name !== 'device') kwargs[name] = convertExpr(value, scope);
    } else if (a.type === 'generator_expression') {
      args.push(comprehension(a, scope));
    } else {
      args.push(convertExpr(a, scope));
    }
  }
  return splat.length > 0 ? { args, kwargs, splat } : { args, kwargs };
}

/** A call applied to a constructed object (`criterion(p, t)` after `criterion = nn.MSELoss()`): the constructor's callee. */
export function applyInstance(node: Node, ctor: Call, applied: { args: Expr[]; kwargs: Record<string, Expr> }): Expr {
  return make<'call'>(node, { kind: 'call', callee: ctor.callee, args: applied.args, kwargs: { ...ctor.kwargs, ...applied.kwargs }, ...(ctor.args.length > 0 ? { ctorArgs: ctor.args } : {}) });
}

/** The comprehension that is a call's only argument: `sum(x for x in xs)`, `sum([x for x in xs])`. */
function onlyComprehension(list: Node | null): Node | undefined {
  if (list?.type === 'generator_expression') return list;
  const args = list?.namedChildren.filter((c) => c && !isTrivia(c)) ?? [];
  const only = args.length === 1 ? args[0] : undefined;
  return only && (only.type === 'generator_expression' || only.type === 'list_comprehension') ? only : undefined;
}

/**
 * `sum(<body> for <p> in <model>.parameters())`, `sum(<body> for <n>, <p> in <model>.named_parameters() if <test>)`:
 * the sum over the model's parameters (an `overWeights` node); an `if` clause adds 0 for the parameters it skips.
 */
function parameterSum(node: Node, fn: Node, scope: Scope): Expr | undefined {
  if (fn.type !== 'identifier' || fn.text !== 'sum' || scope.refs.has('sum') || scope.locals.has('sum')) return undefined;
  const comprehension = onlyComprehension(node.childForFieldName('arguments'));
  const clauses = comprehension?.namedChildren.filter((c) => c?.type === 'for_in_clause' || c?.type === 'if_clause') ?? [];
  const guards = clauses.filter((c): c is Node => c?.type === 'if_clause');
  const clause = clauses.length === guards.length + 1 && clauses[0]?.type === 'for_in_clause' ? clauses[0] : undefined;
  const variables = loopVariables(clause?.childForFieldName('left') ?? null);
  const source = clause?.childForFieldName('right');
  const sourceFn = source?.type === 'call' ? source.childForFieldName('function') : undefined;
  const body = comprehension?.childForFieldName('body');
  const method = sourceFn?.type === 'attribute' ? sourceFn.childForFieldName('attribute')?.text : undefined;
  const [nameVariable, variable] = method === 'named_parameters' && variables?.length === 2 ? variables : [undefined, method === 'parameters' && variables?.length === 1 ? variables[0] : undefined];
  if (!body || !variable || !comprehension) return undefined;
  // the whole model's parameters (`model.parameters()`, `self.net.parameters()`); a member's (`model.fc1.parameters()`)
  // are that layer's alone, which the trainer reads as a plain loop
  if (!isWholeModel(sourceFn?.childForFieldName('object') ?? null)) return undefined;
  // The loop variable shadows any local or parameter of the same name inside the body.
  const inner: Scope = { ...forkScope(scope), refs: new Map([...scope.refs, [variable, 'weight' as const]]) };
  inner.locals.delete(variable);
  if (nameVariable) inner.locals.set(nameVariable, loopName(nameVariable, clause as Node));
  const summed = guarded(comprehension, guards, convertExpr(body, inner), inner);
  return make<'overWeights'>(node, { kind: 'overWeights', variable, body: summed, ...(nameVariable ? { nameVariable } : {}) });
}

/** A model as a whole: a name, or a module's attribute (`self.net`), not a member of one (`model.fc1`). */
export function isWholeModel(object: Node | null): boolean {
  if (object?.type === 'identifier') return true;
  return object?.type === 'attribute' && object.childForFieldName('object')?.text === 'self';
}

/**
 * `model.fc.parameters()` with `model` no import: the weights of a member of an object the file built (a model made
 * in a main block), read as a method on that member, as the trainer's member reads expect, not a library function.
 */
const readsMemberWeights = (name: string, head: string, scope: Scope): boolean =>
  /\.(named_)?parameters$/.test(name) && name.split('.').length > 2 && !scope.imports.has(head);

/**
 * `encoder(y_true)` with `encoder` a sub-model of the file's Keras graph: the inner tensor it gives (kerasGraph.ts).
 * Only on the target, which is then the model's input (an autoencoder's); on anything else the sub-model computes
 * other values than the trial's own pass, so the call stays (and is refused by name).
 */
function graphModelCall(node: Node, name: string, scope: Scope): Expr | undefined {
  if (scope.refs.has(name) || scope.locals.has(name)) return undefined;
  const out = graphModelOutput(name, scope.kerasGraph ?? scope.module?.kerasGraph);
  const args = node.childForFieldName('arguments')?.namedChildren.filter((n): n is Node => !!n && !isTrivia(n)) ?? [];
  if (!out || args.length !== 1 || args[0]!.type !== 'identifier' || scope.refs.get(args[0]!.text) !== 'yTrue') return undefined;
  scope.graphApplied?.push({ model: name, arg: args[0]!.text });
  return { kind: 'name', name: out, ref: 'global', range: rangeOf(node), text: clipExprText(node.text) };
}

function convertCall(node: Node, scope: Scope): Expr {
  const fn = node.childForFieldName('function');
  const attribute = fn ? literalGetattr(node, fn, scope) : undefined;
  if (attribute) return attribute;
  const overWeights = fn ? parameterSum(node, fn, scope) : undefined;
  if (overWeights) return overWeights;
  const applied = convertArgs(node.childForFieldName('arguments'), scope);
  if (!fn) return unsupported(node, 'call');
  const summed = staticSum(node, fn, applied, scope);
  if (summed) return summed;
  const got = dictGet(fn, applied, scope);
  if (got) return got;
  // `super().forward(input, target)` in a subclass of a built-in loss: that loss's call
  const sup = scope.superLoss ? superLossCall(fn, scope.superLoss.base, scope.superLoss.methods) : undefined;
  if (sup && scope.superLoss) {
    // `*args, **kwargs` handed on unchanged (skorch's get_loss): the criterion takes the prediction and the target
    const passed = scope.superLoss.methods ? { args: applied.args.filter((a) => !isSplat(a)).slice(0, 2), kwargs: {} } : applied;
    return applyInstance(node, scope.superLoss.instance, sup.dropSelf ? { ...passed, args: passed.args.slice(1) } : passed);
  }
  const callable = callableCallee(fn, scope);
  if (callable) return callCallable(node, callable, applied, scope);
  const chosen = fn.type === 'identifier' ? conditionalCall(node, scope.locals.get(fn.text), applied, scope) : undefined;
  if (chosen) {
    // a choice left to run time is named by the local holding it (`loss_func`), as a reviewer reads the call
    if (chosen.kind === 'conditional') scope.labels.set(chosen, fn.text);
    return chosen;
  }
  const helper = helperCall(node, fn, applied, scope);
  if (helper) return helper;
  if (fn.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const argNodes = node.childForFieldName('arguments')?.namedChildren.filter((n): n is Node => !!n && !isTrivia(n)) ?? [];
    const obj = fn.childForFieldName('object');
    if (obj && isDeviceMove(method, argNodes)) return convertExpr(obj, scope);
  }
  const name = dottedName(fn);
  const head = name?.split('.')[0];
  const compiled = name === 'self.compiled_loss' ? compiledLossCall(node, applied, scope) : undefined;
  if (compiled) return compiled;
  // `self.loss(p, y)` with a setup method choosing `self.loss` between criteria by a branch (setupInstances.ts)
  const chosenObject = name?.startsWith('self.') && scope.attrValues?.get(name.slice(5))?.kind === 'conditional' ? chosenInstanceCall(node, scope.attrValues.get(name.slice(5)), applied) : undefined;
  if (chosenObject) return chosenObject;
  if (name?.startsWith('self.') && scope.instances.has(name.slice(5))) {
    const ctor = scope.instances.get(name.slice(5));
    const followed = ctor ? followHeldObject(node, name, ctor, applied, scope) : undefined;
    if (followed) return followed;
    if (ctor) {
      // `self.nll(log_probs, target)` with `self.nll = nn.NLLLoss()` is named `nll` as written, as a helper is
      // (weakly: a variable the caller assigns it to names it instead)
      const instanceCall = applyInstance(node, ctor, applied);
      scope.labels.set(instanceCall, name.slice(5));
      scope.weakLabels?.add(instanceCall);
      return instanceCall;
    }
  }
  const graphed = fn.type === 'identifier' ? graphModelCall(node, fn.text, scope) : undefined;
  if (graphed) return graphed;
  if (name && head !== undefined && head !== 'self' && !scope.refs.has(head) && !scope.locals.has(head) && !readsMemberWeights(name, head, scope)) {
    return libraryCall(name, node, applied, scope);
  }
  if (fn.type === 'identifier') {
    const local = scope.locals.get(fn.text);
    if (local?.kind === 'call') return heldObjectCall(objectCall(node, fn.text, local, applied, scope), fn.text, scope);
    // a parameter whose value is a library function (`loss=tf.keras.regularizers.l2` as a default, or passed):
    // calling it calls that function
    const library = local ? libraryPath(local, scope) : undefined;
    if (library) return libraryCall(library, node, applied, scope);
    // A parameter called (`model(x)`, `net(inputs, training=True)`): Python's `model.__call__(x)`, a method of the
    // object the caller passes (the trainer maps a model argument called on the loss's input to its trial model).
    // So is a callable an enclosing function was given (`criterion` of `def train(model, criterion, …)` read in
    // its loop): `criterion(u_obs, u_fit)` keeps what it compares, so the term fitting the data can be told.
    const ref = scope.refs.get(fn.text);
    if (ref === 'param' || ref === 'captured') return make<'method'>(node, { kind: 'method', object: convertExpr(fn, scope), method: '__call__', ...applied });
    // `self(x)` in a module's own method (a Lightning step's helper): the module runs itself, its `self.__call__(x)`
    // (the trainer maps it to its trial model's prediction where it runs on the step's input: ../../trainer/modelCall.ts)
    if (fn.text === 'self') return make<'method'>(node, { kind: 'method', object: convertExpr(fn, scope), method: '__call__', ...applied });
  }
  if (fn.type === 'call') {
    const ctor = convertExpr(fn, scope);
    if (ctor.kind === 'call') return objectCall(node, ctor.callee, ctor, applied, scope);
  }
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    const method = fn.childForFieldName('attribute')?.text;
    if (obj && method) return make<'method'>(node, { kind: 'method', object: convertExpr(obj, scope), method, ...applied });
  }
  return unsupported(node, `call of ${fn.type}`);
}

/** A call of a library function by its dotted name as written, resolved through the imports. */
function libraryCall(name: string, node: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr {
  const callee = resolveCallee(name, scope.imports);
  return arithmeticCall(callee, node, applied) ?? higherOrderCall(callee, node, applied, scope) ?? make<'call'>(node, { kind: 'call', callee, ...applied });
}

/** The framework's sums and differences written as calls: the same broadcasting `+`/`-` as the operators. */
const ARITHMETIC_CALLS: Readonly<Record<string, '+' | '-'>> = {
  'tf.add': '+', 'tf.math.add': '+', 'torch.add': '+', 'tf.subtract': '-', 'tf.math.subtract': '-', 'torch.sub': '-', 'torch.subtract': '-',
};

/**
 * `tf.math.add(w_loss1, w_loss2)`, `torch.sub(a, b)`, `tf.add_n([ce, lam * p])` of a written list: the sum the
 * operators would write, so the split reads each side as a term (as the TF.js front end reads `tf.add`). A call
 * with keywords (`torch.add(a, b, alpha=λ)`, `name=`) stays a call.
 */
function arithmeticCall(callee: string, node: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }): Expr | undefined {
  if (Object.keys(applied.kwargs).length > 0) return undefined;
  const op = ARITHMETIC_CALLS[callee];
  const [left, right] = applied.args;
  if (op && applied.args.length === 2 && left && right) return make<'binary'>(node, { kind: 'binary', op, left, right });
  const items = (callee === 'tf.add_n' || callee === 'tf.math.add_n') && applied.args.length === 1 && applied.args[0]?.kind === 'tuple' ? applied.args[0].items : undefined;
  if (!items || items.length < 2) return undefined;
  return items.slice(1).reduce<Expr>((sum, item) => make<'binary'>(node, { kind: 'binary', op: '+', left: sum, right: item }), items[0] as Expr);
}

/** A dotted name rooted in an imported module (`tf.keras.regularizers.l2`, `F.mse_loss`): a library function as a value. */
function libraryPath(e: Expr, scope: Scope): string | undefined {
  let root: Expr = e;
  while (root.kind === 'attr') root = root.object;
  if (root.kind !== 'name' || root === e || !scope.imports.has(root.name)) return undefined;
  return e.text.replace(/\s+/g, '');
}

/**
 * `loss_function(y_true, y_pred)` with `loss_function = tf.keras.losses.MeanSquaredError()`: named by the variable
 * holding the object (weakly, as `self.nll(…)` is: a variable the caller assigns it to names it instead).
 */
function heldObjectCall(called: Expr, name: string, scope: Scope): Expr {
  if (scope.labels.has(called)) return called;
  scope.labels.set(called, name);
  scope.weakLabels?.add(called);
  return called;
}

/**
 * `self.compiled_loss(y, y_pred, …)` in a Keras `train_step`: the loss `model.compile(loss="name")` names, reduced
 * over the batch as a compiled loss is (sum_over_batch_size): `tf.reduce_mean(tf.keras.losses.name(y, y_pred))`; a
 * loss object the compile builds (`loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)`) is that
 * object called, which reduces itself. Named `compiled_loss` as written (weakly: a variable it is assigned to names
 * it instead). `regularization_losses=` adds the layers' own losses, which the trial model does not have.
 */
function compiledLossCall(node: Node, applied: { args: Expr[] }, scope: Scope): Expr | undefined {
  const lossName = scope.module?.compiledLoss;
  const [yTrue, yPred] = applied.args;
  if (!lossName || !yTrue || !yPred) return undefined;
  const object = scope.module?.compiledLossKwargs;
  const kwargs = Object.fromEntries(Object.entries(object ?? {}).map(([k, v]) => [k, literalExpr(node, v)]));
  const perSample = make<'call'>(node, { kind: 'call', callee: `tf.keras.losses.${lossName}`, args: [yTrue, yPred], kwargs });
  const out = object ? perSample : make<'call'>(node, { kind: 'call', callee: 'tf.reduce_mean', args: [perSample], kwargs: {} });
  scope.labels.set(out, 'compiled_loss');
  scope.weakLabels?.add(out);
  return out;
}

/** A literal keyword value as an expression placed at `node`. */
function literalExpr(node: Node, v: number | string | boolean): Expr {
  if (typeof v === 'number') return make<'number'>(node, { kind: 'number', value: v });
  if (typeof v === 'boolean') return make<'bool'>(node, { kind: 'bool', value: v });
  return make<'string'>(node, { kind: 'string', value: v });
}

function convertSlice(node: Node, scope: Scope): IndexItem {
  const parts: (Expr | undefined)[] = [undefined, undefined, undefined];
  let i = 0;
  for (const c of node.children) {
    if (!c) continue;
    if (c.type === ':') i++;
    else if (c.isNamed && !isTrivia(c) && i < 3) parts[i] = convertExpr(c, scope);
  }
  const item: IndexItem = { kind: 'slice' };
  if (parts[0]) item.start = parts[0];
  if (parts[1]) item.stop = parts[1];
  if (parts[2]) item.step = parts[2];
  return item;
}

function convertIndex(node: Node, scope: Scope): IndexItem {
  if (node.type === 'slice') return convertSlice(node, scope);
  if (node.type === 'ellipsis') return { kind: 'ellipsis' };
  if (node.type === 'none' || /^(tf|np|numpy|tensorflow)\.newaxis$/.test(node.text)) return { kind: 'newaxis' };
  return { kind: 'index', value: convertExpr(node, scope) };
}

function convertBinary(node: Node, op: string, left: Node | null, right: Node | null, scope: Scope): Expr {
  if (!left || !right || !binaryOps.has(op)) return unsupported(node, `operator ${op}`);
  return make<'binary'>(node, { kind: 'binary', op: op as BinaryOp, left: convertExpr(left, scope), right: convertExpr(right, scope) });
}

const literalKinds: ReadonlySet<Expr['kind']> = new Set(['none', 'number', 'string', 'bool']);

/**
 * `w is not None` where `w` is known when the loss is read (a helper's parameter left at its default None, or bound
 * to a literal): a static branch, its truth a bool. A value known only when the loss runs tested against None (a
 * fold's accumulator started at None: `total = t if total is None else total + t`) is `== None` / `!= None`, which
 * the trainer evaluates as Python's identity with None (only None is None). Anything else is not modelled.
 */
function identityTest(node: Node, op: 'is' | 'is not', left: Expr, right: Expr): Expr {
  if (left.kind !== 'none' && right.kind !== 'none') return literalIdentity(node, op, left, right);
  if (!literalKinds.has(left.kind) || !literalKinds.has(right.kind)) return make<'binary'>(node, { kind: 'binary', op: op === 'is' ? '==' : '!=', left, right });
  const same = left.kind === right.kind;
  return make<'bool'>(node, { kind: 'bool', value: op === 'is' ? same : !same });
}

/**
 * `self.second_diff is True`, `mode is not 'sum'`: identity with a literal is equality with it, which the trainer's
 * static readers compare strictly (a setting `1` is not `True`, as in Python) and which is exact for the bools a
 * setting holds (`self.l1 = bool(l1)`). Two non-literals (`a is b`, object identity) are not modelled.
 */
function literalIdentity(node: Node, op: 'is' | 'is not', left: Expr, right: Expr): Expr {
  if (!literalKinds.has(left.kind) && !literalKinds.has(right.kind)) return unsupported(node, `operator ${op}`);
  return make<'binary'>(node, { kind: 'binary', op: op === 'is' ? '==' : '!=', left, right });
}

/**
 * `"bias" not in name` (a parameter's name filtered in a weight penalty): Python's membership test, read as the
 * `__contains__` method Python calls, negated for `not in`.
 */
function membershipTest(node: Node, op: 'in' | 'not in', item: Expr, container: Expr): Expr {
  const contains = make<'method'>(node, { kind: 'method', object: container, method: '__contains__', args: [item], kwargs: {} });
  return op === 'in' ? contains : make<'unary'>(node, { kind: 'unary', op: 'not', operand: contains });
}

/** Converts one expression node. Never throws: what it cannot model becomes an `unsupported` node. */
export function convertExpr(node: Node, scope: Scope): Expr {
  switch (node.type) {
    case 'integer':
    case 'float': {
      const value = parseNumber(node.text);
      return value === undefined ? unsupported(node, 'number literal') : make<'number'>(node, { kind: 'number', value });
    }
    case 'string':
      return make<'string'>(node, { kind: 'string', value: stringValue(node) });
    case 'concatenated_string':
      return make<'string'>(node, { kind: 'string', value: node.namedChildren.map((c) => (c ? stringValue(c) : '')).join('') });
    case 'true':
    case 'false':
      return make<'bool'>(node, { kind: 'bool', value: node.type === 'true' });
    case 'none':
      return make<'none'>(node, { kind: 'none' });
    case 'identifier': {
      const local = scope.locals.get(node.text);
      if (local) return local;
      // a function of the file passed as a value (`tf.cond(p, true_fn, false_fn)`, `partial(helper, w=2)`)
      const fnDef = scope.refs.has(node.text) ? undefined : scope.module?.functions.get(node.text);
      if (fnDef) return callableValue(node, definedCallable(fnDef, moduleLevel(scope), node.text, true));
      // `from numpy import pi`: the library's name (`np.pi`), as a dotted `np.pi` would be read
      const imported = !scope.refs.has(node.text) && scope.imports.has(node.text) ? resolveCallee(node.text, scope.imports) : undefined;
      if (imported && imported !== node.text) return make<'name'>(node, { kind: 'name', name: imported, ref: 'global' });
      return make<'name'>(node, { kind: 'name', name: node.text, ref: scope.refs.get(node.text) ?? 'global' });
    }
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      if (!obj || !attr) return unsupported(node, 'attribute');
      return convertAttribute(node, obj, attr.text, scope);
    }
    case 'call': {
      const forward = scope.forwardCalls?.get(node.id);
      if (forward !== undefined) return make<'name'>(node, { kind: 'name', name: forward, ref: scope.refs.get(forward) ?? 'yPred' });
      const call = convertCall(node, scope);
      return node.childForFieldName('function')?.text === 'dict' && !scope.locals.has('dict') ? dictLiteral(node, call, scope) : call;
    }
    case 'binary_operator':
      return convertBinary(node, node.childForFieldName('operator')?.type ?? '?', node.childForFieldName('left'), node.childForFieldName('right'), scope);
    case 'boolean_operator':
      return convertBinary(node, node.childForFieldName('operator')?.type ?? '?', node.childForFieldName('left'), node.childForFieldName('right'), scope);
    case 'comparison_operator': {
      const named = node.namedChildren.filter((c): c is Node => !!c && !isTrivia(c));
      const op = node.children.find((c) => c && !c.isNamed)?.type ?? '?';
      if ((op === 'is' || op === 'is not') && named[0] && named[1]) return identityTest(node, op, convertExpr(named[0], scope), convertExpr(named[1], scope));
      if ((op === 'in' || op === 'not in') && named[0] && named[1]) return membershipTest(node, op, convertExpr(named[0], scope), convertExpr(named[1], scope));
      return convertBinary(node, op, named[0] ?? null, named[1] ?? null, scope);
    }
    case 'unary_operator': {
      const op = node.childForFieldName('operator')?.type;
      const arg = node.childForFieldName('argument');
      if (!arg || (op !== '-' && op !== '+' && op !== '~')) return unsupported(node, `operator ${op ?? '?'}`);
      const operand = convertExpr(arg, scope);
      if (op === '-' && operand.kind === 'number') return make<'number'>(node, { kind: 'number', value: -operand.value });
      return make<'unary'>(node, { kind: 'unary', op, operand });
    }
    case 'not_operator': {
      const arg = node.childForFieldName('argument');
      if (!arg) return unsupported(node, 'not');
      const operand = convertExpr(arg, scope);
      // `if not penalties: return base` with the dict known: Python's truth of a dict, static
      const entries = dictEntries(operand, scope);
      if (entries) return make<'bool'>(node, { kind: 'bool', value: entries.length === 0 });
      return make<'unary'>(node, { kind: 'unary', op: 'not', operand });
    }
    case 'conditional_expression': {
      const [then, test, otherwise] = node.namedChildren.filter((c): c is Node => !!c && !isTrivia(c));
      if (!then || !test || !otherwise) return unsupported(node, 'conditional expression');
      // biome-ignore lint/suspicious/noThenProperty: `then` is the IR's field name (ir.ts), never awaited
      return make<'conditional'>(node, { kind: 'conditional', test: convertExpr(test, scope), then: convertExpr(then, scope), else: convertExpr(otherwise, scope) });
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c && !isTrivia(c));
      return inner ? convertExpr(inner, scope) : unsupported(node, 'empty parentheses');
    }
    case 'subscript': {
      // a batch's target cut in place by a loop's index (inline.ts cutComparedWith): the target's name
      const cut = scope.forwardCalls?.get(node.id);
      if (cut !== undefined) return make<'name'>(node, { kind: 'name', name: cut, ref: scope.refs.get(cut) ?? 'yTrue' });
      const value = node.childForFieldName('value');
      if (!value) return unsupported(node, 'subscript');
      const globalAlias = (n: string): string | undefined => {
        // `self.W` set in `__init__` to a module dict (classScope.ts moduleDictDefault): that dict
        const local = n.startsWith('self.') ? scope.attrValues?.get(n.slice('self.'.length)) : scope.locals.get(n);
        return local?.kind === 'name' && local.ref === 'global' ? local.name : undefined;
      };
      const setting = dictConstantRead(node, (n) => scope.locals.has(n) || scope.refs.has(n), scope.module, globalAlias);
      if (setting) return make<'name'>(node, { kind: 'name', name: setting, ref: 'global' });
      const own = ownDictSetting(node);
      if (own) return own;
      const index = node.childrenForFieldName('subscript').flatMap((s) => (s ? [convertIndex(s, scope)] : []));
      const object = convertExpr(value, scope);
      const entry = index.length === 1 && index[0]?.kind === 'index' ? dictLookup(object, index[0].value, undefined, scope) : undefined;
      if (entry) return entry;
      // `self.concentration[1]` with `self.concentration = pow, weight` in `__init__`: that item, as Python reads it
      const item = literalItem(object, index);
      return item ?? make<'subscript'>(node, { kind: 'subscript', object, index });
    }
    case 'list_comprehension':
    case 'generator_expression':
      return comprehension(node, scope);
    case 'lambda':
      return callableValue(node, definedCallable(node, scope));
    case 'dictionary':
      return dictLiteral(node, unsupported(node, 'dictionary'), scope);
    case 'tuple':
    case 'list':
    case 'expression_list':
      return make<'tuple'>(node, { kind: 'tuple', items: node.namedChildren.flatMap((c) => (c && !isTrivia(c) ? [convertExpr(c, scope)] : [])) });
    default:
      return unsupported(node, node.type.replace(/_/g, ' '));
  }
}

/** The item a literal integer picks out of a tuple or list written in the code (`(pow, weight)[1]`), if it is one. */
function literalItem(object: Expr, index: IndexItem[]): Expr | undefined {
  const only = index.length === 1 ? index[0] : undefined;
  if (object.kind !== 'tuple' || only?.kind !== 'index' || only.value.kind !== 'number' || !Number.isInteger(only.value.value)) return undefined;
  const at = only.value.value < 0 ? object.items.length + only.value.value : only.value.value;
  return object.items[at];
}
