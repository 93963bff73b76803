// Calls the analysis follows into their definitions: a function of the same file (or of a notebook cell above),
// a method of the loss's own class (`self.penalty(x)`), a method of an object built above, a pick from a dispatch
// table, an object built at module level or held by the loss class. Each is read with its parameters bound to the
// call's arguments, and the returned expression stands in for the call (expr.ts converts what they return).
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { childrenOf } from '../terms/expr';
import { convertExpr, make, unsupported } from './expr';
import { readParams } from './params';
import type { Scope } from './scope';

type Call = Extract<Expr, { kind: 'call' }>;

const MAX_HELPER_DEPTH = 8;

/**
 * A call of a function defined in the same file (or of the loss class's own method, `self.penalty(x)`): its body is
 * read with its parameters bound to the call's arguments (or their defaults), and the returned expression stands
 * in for the call. A helper that calls itself, or a chain deeper than MAX_HELPER_DEPTH, is not followed.
 */
function inlineHelper(node: Node, name: string, def: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope, isMethod: boolean, bindsSelf = isMethod && !isStatic(def)): Expr {
  const inlining = scope.inlining ?? [];
  if (inlining.includes(name)) return unsupported(node, `recursive call of ${name}`);
  if (inlining.length >= MAX_HELPER_DEPTH) return unsupported(node, `call of ${name} nested ${MAX_HELPER_DEPTH} helpers deep`);
  const params = readParams(def.childForFieldName('parameters')).slice(bindsSelf ? 1 : 0);
  const inner: Scope = {
    locals: new Map(), refs: new Map(), imports: scope.imports, labels: scope.labels, inlining: [...inlining, name], ...(scope.inlined ? { inlined: scope.inlined } : {}), ...(scope.weakLabels ? { weakLabels: scope.weakLabels } : {}),
    instances: isMethod ? scope.instances : new Map(),
    ...(scope.module ? { module: scope.module } : {}),
    ...(isMethod ? { methods: scope.methods, attrValues: scope.attrValues, staticAttrs: scope.staticAttrs, attrTypes: scope.attrTypes } : {}),
    // `super().forward(…)` in a method of a subclass of a built-in loss: that loss (superLoss.ts)
    ...(isMethod && scope.superLoss ? { superLoss: scope.superLoss } : {}),
  };
  for (const [i, p] of params.entries()) {
    if (p.variadic) return unsupported(node, `call of ${name}, which takes *args or **kwargs`);
    const passed = applied.kwargs[p.name] ?? applied.args[i];
    const value = passed ? chosenAtCall(passed, name, p.name) : p.defaultNode ? chosenAtCall(convertExpr(p.defaultNode, inner), name, p.name) : undefined;
    if (!value) return unsupported(node, `call of ${name} without its argument ${p.name}`);
    inner.locals.set(p.name, value);
  }
  const returned = readHelperBody(def, inner);
  if (!returned) {
    const discarded = readDiscarded(def, inner);
    return make<'unsupported'>(node, { kind: 'unsupported', what: `call of ${name}, which returns no value`, returnsNothing: { helper: name, ...(discarded ? { discarded } : {}) } });
  }
  // named by the helper unless the caller names it (a local inside the helper is not the term's name)
  scope.labels.set(returned, name.replace(/^self\./, ''));
  scope.weakLabels?.add(returned);
  scope.inlined?.set(returned, name);
  // `loss, logs = objective(...)` of a helper returning (loss, logs): the first item is still the helper's value
  if (returned.kind === 'tuple' && returned.items[0]) scope.inlined?.set(returned.items[0], name);
  return returned;
}

/**
 * A number the call passes (`smooth_loss(scores, 8e-4)`), or the parameter's default when it passes none
 * (`def coherence(x, weight=0.02)` called `coherence(pred)`): the user's setting, not the helper's formula, so where
 * the helper multiplies it in (`return weight * mean(…)`) it is the term's weight (ir.ts `boundTo`), as a keyword of
 * the helper's signature is for a reader of the code.
 */
function chosenAtCall(passed: Expr, helper: string, param: string): Expr {
  if (passed.kind === 'number' && passed.boundTo === undefined) return { ...passed, boundTo: `${helper.replace(/^self\./, '')}(${param})` };
  return passed;
}

/** A method written under `@staticmethod`: it takes no `self`, whichever way it is called. */
const isStatic = (def: Node): boolean =>
  def.parent?.type === 'decorated_definition' && def.parent.namedChildren.some((d) => d?.type === 'decorator' && d.text === '@staticmethod');

/** Set by body.ts (which imports this module): reads a function body to its returned expression. */
let readHelperBody: (def: Node, scope: Scope) => Expr | undefined = () => undefined;
/** Also set by body.ts: the value a body computes and drops, its last statement a bare expression (a forgotten `return`). */
let readDiscarded: (def: Node, scope: Scope) => Expr | undefined = () => undefined;
/** A `def`'s body read to its returned expression in `scope` (callables.ts follows nested defs with it). */
export const readFunctionBody = (def: Node, scope: Scope): Expr | undefined => readHelperBody(def, scope);
export function setHelperReader(read: (def: Node, scope: Scope) => Expr | undefined, discarded: typeof readDiscarded): void {
  readHelperBody = read;
  readDiscarded = discarded;
}

/**
 * A helper from another notebook cell: its nodes' ranges are in that cell's text, so everything read from its body
 * is placed at the call (what the caller passed in keeps its own ranges).
 */
export function placedAtCall(e: Expr, call: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }): Expr {
  const range = rangeOf(call);
  const passed = new Set<Expr>();
  const collect = (x: Expr): void => {
    passed.add(x);
    childrenOf(x).forEach(collect);
  };
  [...applied.args, ...Object.values(applied.kwargs)].forEach(collect);
  const place = (x: Expr): void => {
    if (passed.has(x)) return;
    x.range = range;
    childrenOf(x).forEach(place);
  };
  place(e);
  return e;
}

/**
 * The file's function a pick from a dispatch table names (`FAIR_TERMS["parity"]`, or `FAIR_TERMS[kind]` when every
 * key holds the same function): what `fn = FAIR_TERMS[kind]; fn(p, y)` calls.
 */
function dispatched(pick: Expr | undefined, scope: Scope): string | undefined {
  if (pick?.kind !== 'subscript' || pick.object.kind !== 'name' || pick.index.length !== 1) return undefined;
  const table = scope.module?.dispatch?.get(pick.object.name);
  const key = pick.index[0]?.kind === 'index' ? pick.index[0].value : undefined;
  if (!table || scope.refs.has(pick.object.name) || scope.locals.has(pick.object.name)) return undefined;
  if (key?.kind === 'string') return table.get(key.value);
  const fns = new Set(table.values());
  return fns.size === 1 ? [...fns][0] : undefined;
}

/** Set by moduleInstances.ts (which imports this module): a call of an object built at module level, or undefined. */
let readModuleInstance: (node: Node, name: string, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope) => Expr | undefined = () => undefined;
export function setModuleInstanceReader(read: typeof readModuleInstance): void {
  readModuleInstance = read;
}

/**
 * Set by moduleInstances.ts: a call of an object a loss class holds (`self.kl = BernoulliKL()` then `self.kl(p, q)`)
 * when its class is in this file, followed into its forward with its state bound from `ctor`; else undefined.
 */
let readHeldObject: (node: Node, name: string, ctor: Call, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope, method?: string) => Expr | undefined = () => undefined;
export function setHeldObjectReader(read: typeof readHeldObject): void {
  readHeldObject = read;
}

/**
 * Set by moduleInstances.ts: `net.gate.penalty()`, a method of an object that a module-level instance holds
 * (`net = GatedRegressor(…, l1_strength=0.02)` whose `__init__` sets `self.gate = FeatureGate(…)`), or undefined.
 */
let readPartMethod: (node: Node, objName: string, attr: string, method: string, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope) => Expr | undefined = () => undefined;
export function setPartMethodReader(read: typeof readPartMethod): void {
  readPartMethod = read;
}

/** `net.gate.penalty()` with `net` built at module level (not a local or parameter of that name): its part's method. */
function partMethodCall(node: Node, obj: Node, method: string, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  const holder = obj.type === 'attribute' ? obj.childForFieldName('object') : undefined;
  const attr = obj.type === 'attribute' ? obj.childForFieldName('attribute')?.text : undefined;
  if (holder?.type !== 'identifier' || !attr || scope.refs.has(holder.text) || scope.locals.has(holder.text) || !scope.module?.instances?.has(holder.text)) return undefined;
  return readPartMethod(node, holder.text, attr, method, applied, scope);
}

/** An object's method (`forward` of a module-level instance) followed like a helper, `scope` holding the object's state. */
export function followMethod(node: Node, name: string, def: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr {
  return inlineHelper(node, name, def, applied, scope, true);
}

/** A Keras Loss or Layer: `call` is what calling it runs (no `forward`, no `__call__` of its own). */
function kerasCallOnly(cls: Node): boolean {
  const methods = methodsOf(cls);
  return methods.has('call') && !methods.has('forward') && !methods.has('__call__');
}

export function helperCall(node: Node, fn: Node, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  const picked = fn.type === 'identifier' || fn.type === 'subscript' ? dispatched(fn.type === 'identifier' ? scope.locals.get(fn.text) : convertExpr(fn, scope), scope) : undefined;
  const pickedDef = picked ? scope.module?.functions.get(picked) : undefined;
  if (picked && pickedDef) return inlineHelper(node, picked, pickedDef.type === 'decorated_definition' ? (pickedDef.childForFieldName('definition') as Node) : pickedDef, applied, scope, false);
  if (fn.type === 'identifier') {
    const free = !(scope.refs.has(fn.text) || scope.locals.has(fn.text));
    const top = free ? scope.module?.functions.get(fn.text) : undefined;
    if (!top && free && scope.module?.instances?.has(fn.text)) return readModuleInstance(node, fn.text, applied, scope);
    // a parameter the script passes a module-level criterion (`train_loop(…, criterion, …)`, enclosingCalls.ts)
    const passed = scope.locals.get(fn.text);
    if (passed?.kind === 'name' && passed.ref === 'global' && scope.module?.instances?.has(passed.name)) return readModuleInstance(node, passed.name, applied, scope);
    // `kl_fn = GaussianKL(reduction=r)` in the loss, then `kl_fn(mu, logvar)`: a Keras Loss of this file (a class
    // with `call` and no forward of its own); a torch criterion built in a loop stays the loss the loop uses
    const local = scope.locals.get(fn.text);
    const cls = local?.kind === 'call' ? scope.module?.classes?.get(local.callee) : undefined;
    if (local?.kind === 'call' && cls && kerasCallOnly(cls)) return readHeldObject(node, fn.text, local, applied, scope);
    const def = top?.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
    const out = def ? inlineHelper(node, fn.text, def, applied, scope, false) : undefined;
    return out && scope.module?.otherCells?.has(fn.text) ? placedAtCall(out, node, applied) : out;
  }
  const obj = fn.type === 'attribute' ? fn.childForFieldName('object') : undefined;
  const method = fn.childForFieldName('attribute')?.text;
  if (obj?.type === 'identifier' && obj.text !== 'self' && method) return classMethodCall(node, obj.text, method, applied, scope) ?? instanceMethodCall(node, obj.text, method, applied, scope);
  const held = obj && method ? (heldInstanceMethodCall(node, obj, method, applied, scope) ?? partMethodCall(node, obj, method, applied, scope)) : undefined;
  if (held) return held;
  const def = obj?.type === 'identifier' && obj.text === 'self' && method ? scope.methods?.get(method) : undefined;
  return def && method ? inlineHelper(node, `self.${method}`, def, applied, scope, true) : undefined;
}

/** A class's methods by name (a decorated one by its definition). */
export function methodsOf(cls: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const s of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
    if (def && name) out.set(name, def);
  }
  return out;
}

/**
 * `consolidation.penalty(net)` with `consolidation = Consolidation(...)` built above and the class in this file: the
 * method is followed like a helper, with the object's other methods. The object's state stays as written
 * (`self.fisher`): what `__init__` stores (often data loaded from files) is the object's, not an op of the loss.
 */
function instanceMethodCall(node: Node, objName: string, method: string, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  const built = scope.refs.has(objName) ? undefined : scope.locals.get(objName);
  const cls = built?.kind === 'call' ? scope.module?.classes?.get(built.callee) : undefined;
  const methods = cls ? methodsOf(cls) : undefined;
  const def = methods?.get(method);
  if (!def || !methods) return undefined;
  const asObject: Scope = { ...scope, methods, attrValues: new Map(), staticAttrs: new Map(), instances: new Map() };
  return inlineHelper(node, `${objName}.${method}`, def, applied, asObject, true);
}

/**
 * `Penalties.gap(p, s)` / `self.gap(p, s)` of a `@staticmethod` (or `@classmethod`, its `cls` left out) of a class of the
 * file, called on the class by name: followed like a helper, with the class's other methods.
 */
function classMethodCall(node: Node, clsName: string, method: string, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  const free = !(scope.refs.has(clsName) || scope.locals.has(clsName));
  const cls = free ? scope.module?.classes?.get(clsName) : undefined;
  const decorated = cls?.childForFieldName('body')?.namedChildren.find((s) => s?.type === 'decorated_definition' && s.childForFieldName('definition')?.childForFieldName('name')?.text === method);
  const kind = decorated?.namedChildren.find((d) => d?.type === 'decorator' && /^@(staticmethod|classmethod)$/.test(d.text))?.text;
  const def = kind ? decorated?.childForFieldName('definition') : undefined;
  if (!cls || !def) return undefined;
  const asClass: Scope = { ...scope, methods: methodsOf(cls), attrValues: new Map(), staticAttrs: new Map(), instances: new Map() };
  return inlineHelper(node, `${clsName}.${method}`, def, applied, asClass, true, kind === '@classmethod');
}

/**
 * `self.objective.pair_loss(p, n)`: a method of an object the class holds (`self.objective = objective`, given
 * `MarginPairLoss(margin=2.0, strength=0.01)` where the file builds the class), its class in this file: followed
 * with the object's state bound from that constructor call, so `self.strength` is the number the call passes.
 */
function heldInstanceMethodCall(node: Node, obj: Node, method: string, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  const holder = obj.type === 'attribute' ? obj.childForFieldName('object') : undefined;
  const attr = obj.type === 'attribute' ? obj.childForFieldName('attribute')?.text : undefined;
  const ctor = holder?.type === 'identifier' && holder.text === 'self' && attr ? scope.instances.get(attr) : undefined;
  return ctor ? readHeldObject(node, `self.${attr}`, ctor, applied, scope, method) : undefined;
}

/** A call of an object a loss class holds, followed by what moduleInstances.ts set (see setHeldObjectReader). */
export function followHeldObject(node: Node, name: string, ctor: Call, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr | undefined {
  return readHeldObject(node, name, ctor, applied, scope);
}
