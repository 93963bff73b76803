// Callables a loss makes or receives in its own code, whatever their form, followed as the file's helpers are
// (helperCalls.ts): a `def` nested in the loss, its factory or its method; a lambda assigned to a name
// (`f = lambda x: …`, `self.fn = lambda …` in `__init__`) or written inline (`tf.cond(p, lambda: a, lambda: b)`);
// a module function passed as a value (`tf.cond(p, true_fn, false_fn)`, `apply(helper, x)`); `functools.partial`
// of any of them; a map of one over tensors (`torch.vmap(f)`). A callable is a value like any other local: an Expr
// (an 'unsupported' node, which is what it is to anything but a call) registered here with its definition, the
// scope it closes over and what a partial bound. Calling it reads its body with its parameters bound.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { isPredictionName, isTargetName } from '../terms/roles';
import { applyInstance, convertExpr, make, unsupported } from './expr';
import { fileClass } from './fileClasses';
import { followHeldObject, methodsOf, readFunctionBody } from './helperCalls';
import { readParams } from './params';
import type { Scope } from './scope';
import { staticTruth } from './static';

type Applied = { args: Expr[]; kwargs: Record<string, Expr> };
type Call = Extract<Expr, { kind: 'call' }>;

/** A function written in the file: a `def` or a `lambda`, with the scope its free names are read in. */
interface Defined {
  def: Node;
  /** The name it is called by in messages and term labels (a lambda takes the name it is assigned to). */
  name: string;
  /** The scope it closes over; its locals are read when it is called, as Python binds free names late. */
  closure: Scope;
  /** Defined at module level: its value is a helper's (another loss of the file called stays a base term). */
  topLevel?: boolean;
  /** What `functools.partial(f, …)` bound, before the call's own arguments. */
  bound?: Applied;
}

/** `torch.vmap(f)`: f applied to each slice along the first axis of its arguments, the results stacked. */
interface Mapped {
  mapped: Callable;
  stack: string;
}

export type Callable = Defined | Mapped;

const MAX_CALLABLE_DEPTH = 8;
const registry = new WeakMap<Expr, Callable>();

/** The value standing for a callable (what a local holding it, or an argument passing it, is). */
export function callableValue(node: Node, c: Callable): Expr {
  const what = 'mapped' in c ? 'mapped function' : c.def.type === 'lambda' ? 'lambda' : `function ${c.name} used as a value`;
  const e: Expr = { kind: 'unsupported', what, range: rangeOf(node), text: clipExprText(node.text) };
  registry.set(e, c);
  return e;
}

export const callableOf = (e: Expr | undefined): Callable | undefined => (e ? registry.get(e) : undefined);

/** A `def` statement (decorated or not) or a lambda, as a callable closing over `scope`. */
export function definedCallable(def: Node, scope: Scope, name?: string, topLevel = false): Defined {
  const inner = def.type === 'decorated_definition' ? (def.childForFieldName('definition') ?? def) : def;
  const written = inner.type === 'lambda' ? 'lambda' : (inner.childForFieldName('name')?.text ?? 'function');
  return { def: inner, name: name ?? written, closure: scope, ...(topLevel ? { topLevel } : {}) };
}

/** A lambda assigned to a name (`f = lambda x: …`) is called by that name. */
export function nameCallable(value: Expr, name: string): void {
  const c = registry.get(value);
  if (c && !('mapped' in c) && c.def.type === 'lambda' && c.name === 'lambda') c.name = name;
}

/** The scope a module function closes over: the module's, with no locals. */
export function moduleLevel(scope: Scope): Scope {
  return { locals: new Map(), refs: new Map(), imports: scope.imports, labels: scope.labels, instances: new Map(), ...(scope.module ? { module: scope.module } : {}) };
}

/** `functools.partial(f, *args, **kwargs)`: f with those arguments bound first. */
export function partialOf(node: Node, applied: Applied): Expr | undefined {
  const [fn, ...args] = applied.args;
  const c = callableOf(fn);
  if (!c || 'mapped' in c) return undefined;
  const bound: Applied = { args: [...(c.bound?.args ?? []), ...args], kwargs: { ...c.bound?.kwargs, ...applied.kwargs } };
  return callableValue(node, { ...c, bound });
}

/** The call of a callable value: its body read with its parameters bound to the call's arguments. */
export function callCallable(node: Node, c: Callable, applied: Applied, scope: Scope): Expr {
  if ('mapped' in c) return callMapped(node, c, applied, scope);
  const key = `${c.name}@${c.def.startIndex}`;
  const inlining = scope.inlining ?? [];
  if (inlining.includes(key)) return unsupported(node, `recursive call of ${c.name}`);
  if (inlining.length >= MAX_CALLABLE_DEPTH) return unsupported(node, `call of ${c.name} nested ${MAX_CALLABLE_DEPTH} functions deep`);
  const inner: Scope = { ...c.closure, locals: new Map(c.closure.locals), labels: scope.labels, inlining: [...inlining, key] };
  if (scope.inlined) inner.inlined = scope.inlined;
  if (scope.weakLabels) inner.weakLabels = scope.weakLabels;
  const args = [...(c.bound?.args ?? []), ...applied.args];
  const kwargs = { ...c.bound?.kwargs, ...applied.kwargs };
  for (const [i, p] of readParams(c.def.childForFieldName('parameters')).entries()) {
    if (p.variadic) return unsupported(node, `call of ${c.name}, which takes *args or **kwargs`);
    const value = kwargs[p.name] ?? args[i] ?? (p.defaultNode ? convertExpr(p.defaultNode, c.closure) : undefined);
    if (!value) return unsupported(node, `call of ${c.name} without its argument ${p.name}`);
    inner.locals.set(p.name, value);
  }
  const body = c.def.childForFieldName('body');
  const returned = c.def.type === 'lambda' ? (body ? convertExpr(body, inner) : undefined) : readFunctionBody(c.def, inner);
  if (!returned) return unsupported(node, `call of ${c.name}, which returns no value`);
  if (c.name !== 'lambda' && (!scope.labels.has(returned) || scope.weakLabels?.has(returned))) {
    scope.labels.set(returned, c.name);
    scope.weakLabels?.add(returned);
  }
  if (c.topLevel) scope.inlined?.set(returned, c.name);
  return returned;
}

/**
 * A call of a value that is one of two callables (`loss_func = mse_loss if cfg.regression else ce_loss`, then
 * `loss_func(y, t)`): the same choice between the two calls, each read through its callable; undefined unless every
 * branch is a callable (a test decided by static settings keeps the branch they pick, terms/build.ts).
 */
export function conditionalCall(node: Node, value: Expr | undefined, applied: Applied, scope: Scope): Expr | undefined {
  if (value?.kind !== 'conditional') return undefined;
  const branch = (e: Expr): Expr | undefined => {
    const c = callableOf(e);
    return c ? callCallable(node, c, applied, scope) : conditionalCall(node, e, applied, scope);
  };
  // a test on values known before training (`ROBUST = True`) is Python's choice, made once: only that call runs
  const known = staticTruth(value.test, scope);
  if (known !== undefined) return branch(known ? value.then : value.else);
  const then = branch(value.then);
  const otherwise = then ? branch(value.else) : undefined;
  return then && otherwise ? make<'conditional'>(node, { kind: 'conditional', test: value.test, then, else: otherwise }) : undefined;
}

/**
 * `torch.vmap(f)(a, b)`, `tf.map_fn(f, elems)`: f of each slice along the first axis (of each argument, zipped), the
 * results stacked: a `loop` collecting f's value per slice, stacked by the framework's stack.
 */
function callMapped(node: Node, c: Mapped, applied: Applied, scope: Scope): Expr {
  const variables = applied.args.map((_, i) => `_mapped${i}`);
  if (variables.length === 0) return unsupported(node, 'mapped function called without arguments');
  const slices = variables.map((v) => make<'name'>(node, { kind: 'name', name: v, ref: 'loop' }));
  const iterable = applied.args.length === 1 ? applied.args[0] : make<'call'>(node, { kind: 'call', callee: 'zip', args: applied.args, kwargs: {} });
  const body = callCallable(node, c.mapped, { args: slices, kwargs: applied.kwargs }, scope);
  const loop = make<'loop'>(node, { kind: 'loop', variables, iterable, body });
  return make<'call'>(node, { kind: 'call', callee: c.stack, args: [loop], kwargs: {} });
}

/** `torch.vmap(f)`, `tf.map_fn(f, …)`: the mapped callable, stacked by `stack`. */
export function mappedCallable(node: Node, fn: Expr | undefined, stack: string): Expr | undefined {
  const c = callableOf(fn);
  return c ? callableValue(node, { mapped: c, stack }) : undefined;
}

/**
 * The callable a call's function is, when it is a function of the file held as a value (callables.ts): a local
 * bound to a lambda, a nested def or a partial, `self.fn` set to one in `__init__`, a lambda called in place, or a
 * call returning one (`partial(f, w=2)(x)`, `torch.vmap(f)(x)`).
 */
export function callableCallee(fn: Node, scope: Scope): Callable | undefined {
  if (fn.type === 'identifier') return callableOf(scope.locals.get(fn.text));
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    const attr = fn.childForFieldName('attribute')?.text;
    return obj?.type === 'identifier' && obj.text === 'self' && attr ? callableOf(scope.attrValues?.get(attr)) : undefined;
  }
  if (fn.type === 'lambda' || fn.type === 'parenthesized_expression' || fn.type === 'call') return callableOf(convertExpr(fn, scope));
  return undefined;
}

/**
 * A constructed object called (`pen = GramPenalty(w); pen(W)`, `GramPenalty(w)(W)`): an object of a class of this
 * file is followed into its forward/__call__ with its constructor arguments bound (as a held `self.pen` is); a
 * library one is its functional form applied with the constructor's arguments.
 */
export function objectCall(node: Node, name: string, ctor: Call, applied: { args: Expr[]; kwargs: Record<string, Expr> }, scope: Scope): Expr {
  const found = fileClass(ctor.callee, scope);
  const cls = found?.node;
  // a class of a cell above counts as a loss as the notebook's discovery counted it (python/index.ts knownLossesWith)
  const lossClass = !!cls && (isLossClass(cls) || (!!found?.otherCell && !!scope.module?.cellLossClasses?.has(ctor.callee)));
  if (lossClass) return withForward(applyInstance(node, ctor, applied), followHeldObject(node, name, ctor, applied, scope));
  const followed = cls ? followHeldObject(node, name, ctor, applied, scope) : undefined;
  return followed ?? applyInstance(node, ctor, applied);
}

/** A loss class's call kept as one term, with what its forward computes for the trainer to run (ir.ts `forward`). */
export function withForward(call: Expr, forward: Expr | undefined): Expr {
  return call.kind === 'call' && forward ? { ...call, forward } : call;
}

/**
 * A class of the file whose forward/__call__/call takes a prediction and a target (`forward(self, logits, y_true)`):
 * a loss of its own, analysed where it is written; a call of one in a loop stays that loss's call (its base term).
 */
export function isLossClass(cls: Node): boolean {
  const methods = methodsOf(cls);
  const def = methods.get('forward') ?? methods.get('__call__') ?? methods.get('call');
  const names = readParams(def?.childForFieldName('parameters') ?? null).slice(1, 4).map((p) => p.name);
  return names.some(isTargetName) && names.some(isPredictionName);
}
