// Objects built at module level and called like functions inside a loss: `criterion = nn.CrossEntropyLoss()` or
// `range_penalty = RangePenalty(weight=0.3)` above the training function that calls `criterion(out, y)`. A loss class
// of torch.nn / Keras (canonical `nn.X`, `tf.keras.losses.X`) is its functional loss applied with the constructor's keywords (as `self.ce = nn.…()` in a
// loss module is); a class of the same file is followed into its forward/__call__, its `self.x = x` reading what
// the constructor call passed (or the default), so a weight applied inside the module is the number written there.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { childrenOf } from '../terms/expr';
import { readClassScope } from './classScope';
import { moduleAttrsOf } from './discover';
import { applyInstance, convertExpr } from './expr';
import { followMethod, setHeldObjectReader, setModuleInstanceReader } from './helperCalls';
import { inheritedMethods, objectState } from './objectState';
import { readParams } from './params';
import type { Scope } from './scope';
import { ancestorBases } from './superInit';

type Call = Extract<Expr, { kind: 'call' }>;
type Applied = { args: Expr[]; kwargs: Record<string, Expr> };

/** Library loss classes whose instances compute a loss (`nn.MSELoss`, `tf.keras.losses.Huber`, canonical names). */
const libraryLossClass = /^(nn\.[A-Z]\w*Loss|tf\.keras\.losses\.[A-Z]\w*)$/;

/** The constructor call, read at module level (its arguments are module constants or literals). */
function constructorCall(stmt: Node, scope: Scope): Call | undefined {
  const right = stmt.namedChild(0)?.childForFieldName('right');
  if (!right) return undefined;
  const moduleLevel: Scope = { locals: new Map(), refs: new Map(), imports: scope.imports, labels: scope.labels, instances: new Map(), ...(scope.module ? { module: scope.module } : {}) };
  const ctor = convertExpr(right, moduleLevel);
  return ctor.kind === 'call' ? ctor : undefined;
}

/** `self.x = x` (or a tensor of it) in `__init__`: x as the constructor call passed it, else its default. */
function boundAttributes(init: Node | undefined, ctor: Call, scope: Scope): Map<string, Expr> {
  const params = init ? readParams(init.childForFieldName('parameters')).slice(1) : [];
  const out = new Map<string, Expr>();
  for (const a of moduleAttrsOf(init)) {
    const i = params.findIndex((p) => p.name === a.initParam);
    const p = params[i];
    if (!p || p.variadic || !a.name.startsWith('self.') || a.name.indexOf('.', 5) >= 0) continue;
    const passed = ctor.kwargs[p.name] ?? ctor.args[i];
    const value = passed ?? (p.defaultNode ? convertExpr(p.defaultNode, { ...scope, locals: new Map(), refs: new Map() }) : undefined);
    if (value) out.set(a.name.slice(5), value.kind === 'number' ? { ...value, boundTo: a.name } : value);
  }
  return out;
}

/** A Keras `Loss` subclass (`class GaussianKL(tf.keras.losses.Loss)`): calling it runs `call`, then its reduction. */
const kerasLossBase = /(^|\.)(keras\.)?losses\.Loss$|^Loss$/;

/**
 * `kl_fn(z_mean, z_logvar)` with `kl_fn = GaussianKL(reduction=…)`: Keras's `Loss.__call__` reduces what `call`
 * returns as the constructor's `reduction` says (default: the mean over the batch), written as the Keras function
 * that does it, so the trainer reduces it the same way.
 */
function kerasReduced(value: Expr, ctor: Call, node: Node): Expr {
  const reduction: Expr = ctor.kwargs.reduction ?? { kind: 'string', value: 'sum_over_batch_size', range: value.range, text: "'sum_over_batch_size'" };
  return { kind: 'call', callee: 'tf.keras.utils.losses_utils.compute_weighted_loss', args: [value], kwargs: { reduction }, range: value.range, text: node.text };
}

/**
 * A same-file class's forward/__call__ (a Keras Loss's call, reduced) followed with the object's state bound from its
 * constructor call; with `method`, that method of the object instead (`self.objective.pair_loss(p, n)`).
 */
function followObject(node: Node, name: string, cls: Node, ctor: Call, applied: Applied, scope: Scope, method?: string): Expr | undefined {
  const methods = inheritedMethods(cls, scope);
  if (method !== undefined) {
    const named = methods.get(method);
    // named by the method, as a helper method `self.penalty(x)` is
    return named && method !== '__init__' ? followObjectMethod(node, `self.${method}`, cls, named, ctor, applied, scope, methods) : undefined;
  }
  const kerasCall = !methods.has('forward') && !methods.has('__call__') && ancestorBases(cls).some((b) => kerasLossBase.test(b)) ? methods.get('call') : undefined;
  const def = methods.get('forward') ?? methods.get('__call__') ?? kerasCall;
  const followed = def ? followObjectMethod(node, name, cls, def, ctor, applied, scope, methods) : undefined;
  return followed && kerasCall ? kerasReduced(followed, ctor, node) : followed;
}

function followObjectMethod(node: Node, name: string, cls: Node, def: Node, ctor: Call, applied: Applied, scope: Scope, methods: Map<string, Node>): Expr | undefined {
  const init = methods.get('__init__');
  const state = readClassScope(cls, def, moduleAttrsOf(init), scope);
  for (const [k, v] of boundAttributes(init, ctor, scope)) state.attrValues.set(k, v);
  // what the constructors (the class's and its bases', through super().__init__) leave on the object
  for (const [k, v] of objectState(cls, ctor, scope)) {
    if (state.attrValues.has(k) || state.instances.has(k)) continue;
    if (v.kind === 'call' && /^[A-Z]/.test(v.callee.slice(v.callee.lastIndexOf('.') + 1))) state.instances.set(k, v);
    else if (v.kind !== 'unsupported') state.attrValues.set(k, v);
  }
  for (const [k, m] of methods) if (m !== def && k !== '__init__' && !state.methods.has(k)) state.methods.set(k, m);
  const asObject: Scope = { ...scope, methods: state.methods, attrValues: state.attrValues, staticAttrs: state.staticAttrs, instances: state.instances, attrTypes: state.attrTypes };
  return followMethod(node, name, def, applied, asObject);
}

/** A constructor call written in another notebook cell: its arguments placed at the call that uses the object. */
function placedAt(e: Expr, node: Node): Expr {
  e.range = rangeOf(node);
  for (const c of childrenOf(e)) placedAt(c, node);
  return e;
}

function moduleInstanceCall(node: Node, name: string, applied: Applied, scope: Scope): Expr | undefined {
  const stmt = scope.module?.instances?.get(name);
  const built = stmt ? constructorCall(stmt, scope) : undefined;
  const ctor = built && scope.module?.instanceCells?.has(name) ? (placedAt(built, node) as Call) : built;
  if (!ctor) return undefined;
  const cls = scope.module?.classes?.get(ctor.callee);
  if (cls) return followObject(node, name, cls, ctor, applied, scope);
  // a loss class of a notebook cell above (its body lies in that cell's text) is called as that loss, as a library one is
  if (!libraryLossClass.test(ctor.callee) && !scope.module?.cellLossClasses?.has(ctor.callee)) return undefined;
  const call = applyInstance(node, ctor, applied);
  // named as written (weakly: a variable the caller assigns it to names it instead), as `self.ce(…)` is
  scope.labels.set(call, name);
  scope.weakLabels?.add(call);
  return call;
}

setModuleInstanceReader(moduleInstanceCall);

/** `self.kl_term(p, q)` with `self.kl_term = BernoulliDivergence()` and that class in this file: its forward, followed. */
function heldObjectCall(node: Node, name: string, ctor: Call, applied: Applied, scope: Scope, method?: string): Expr | undefined {
  const cls = scope.module?.classes?.get(ctor.callee);
  return cls ? followObject(node, name, cls, ctor, applied, scope, method) : undefined;
}

setHeldObjectReader(heldObjectCall);

