// Objects built at module level and called like functions inside a loss: `criterion = nn.CrossEntropyLoss()` or
// `range_penalty = RangePenalty(weight=0.3)` above the training function that calls `criterion(out, y)`. A loss class
// of torch.nn / Keras (canonical `nn.X`, `tf.keras.losses.X`) is its functional loss applied with the constructor's keywords (as `self.ce = nn.…()` in a
// loss module is); a class of the same file is followed into its forward/__call__, its `self.x = x` reading what
// the constructor call passed (or the default), so a weight applied inside the module is the number written there.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { childrenOf, rebuild } from '../terms/expr';
import { withForward } from './callables';
import { readClassScope } from './classScope';
import { moduleAttrsOf } from './discover';
import { applyInstance, convertExpr, make } from './expr';
import { fileClass } from './fileClasses';
import { followMethod, placedAtCall, setHeldObjectReader, setModuleInstanceReader, setPartMethodReader } from './helperCalls';
import { inheritedMethods, objectState } from './objectState';
import { ownParameters } from './ownWeights';
import { readParams } from './params';
import type { Scope } from './scope';
import { ancestorBases } from './superInit';
import { builtinLossBaseOf, superLossInstance } from './superLoss';

type Call = Extract<Expr, { kind: 'call' }>;
type Applied = { args: Expr[]; kwargs: Record<string, Expr> };

/** Library loss classes whose instances compute a loss (`nn.MSELoss`, `tf.keras.losses.Huber`, canonical names). */
const libraryLossClass = /^(nn\.[A-Z]\w*Loss|tf\.keras\.losses\.[A-Z]\w*)$/;

/**
 * torch.nn modules that hold no weights and compute a function of their input (`S = nn.Sigmoid()` at module level,
 * then `L(S(out), mask)`): the call is that function, as `self.act = nn.Sigmoid()` in a module is.
 */
const libraryFunctionModule = /^nn\.(Sigmoid|LogSigmoid|Tanh|ReLU|ReLU6|LeakyReLU|ELU|SELU|GELU|SiLU|Softplus|Softsign|Softmax|LogSoftmax|Identity|CosineSimilarity|PairwiseDistance)$/;

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
  const own = methods.has('forward') || methods.has('__call__');
  const kerasCall = !own && ancestorBases(cls).some((b) => kerasLossBase.test(b)) ? methods.get('call') : undefined;
  const layerCall = !own && weightlessLayer(cls, methods) ? methods.get('call') : undefined;
  const def = methods.get('forward') ?? methods.get('__call__') ?? kerasCall ?? layerCall;
  const followed = def ? followObjectMethod(node, name, cls, def, ctor, applied, scope, methods) : undefined;
  return followed && kerasCall ? kerasReduced(followed, ctor, node) : followed;
}

const kerasLayerBase = /(^|\.)Layer$/;
/** `self.x = Dense(…)` / `self.x = SomeModel()` in `__init__`: a layer made of layers (a model's part, not a function). */
const holdsLayer = /self\.\w+\s*=\s*[\w.]*\.?[A-Z]\w*\(/;

/**
 * A Keras `Layer` subclass that makes no weights (no `build`, no `add_weight`, no layers of its own): calling it runs
 * `call` on its input, a function of it (a penalty computed in a layer: `penalty_layer(outputs)`).
 */
function weightlessLayer(cls: Node, methods: Map<string, Node>): boolean {
  if (!methods.has('call') || methods.has('build') || !ancestorBases(cls).some((b) => kerasLayerBase.test(b))) return false;
  const init = methods.get('__init__')?.text ?? '';
  return !cls.text.includes('add_weight') && !holdsLayer.test(init);
}

/** A static attribute's value as a literal node where it is read. */
function staticNode(at: Expr, v: number | string | boolean | undefined): Expr | undefined {
  if (typeof v === 'number') return { kind: 'number', value: v, range: at.range, text: String(v) };
  if (typeof v === 'boolean') return { kind: 'bool', value: v, range: at.range, text: v ? 'True' : 'False' };
  return typeof v === 'string' ? { kind: 'string', value: v, range: at.range, text: JSON.stringify(v) } : undefined;
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
  // the object's own torch parameters (a center loss's `self.centers`): values of the loss it computes (ownWeights.ts)
  // (`nn.Parameter(torch.randn(self.num_classes, self.feat_dim))`: the sizes it reads are the object's)
  const ownState = (n: Expr): Expr | undefined => (n.kind === 'attr' && n.object.kind === 'name' && n.object.name === 'self' ? (state.attrValues.get(n.name) ?? staticNode(n, state.staticAttrs.get(n.name))) : undefined);
  for (const [k, v] of ownParameters(state.instances)) if (!state.attrValues.has(k)) state.attrValues.set(k, rebuild(v, ownState));
  for (const [k, m] of methods) if (m !== def && k !== '__init__' && !state.methods.has(k)) state.methods.set(k, m);
  const asObject: Scope = { ...scope, methods: state.methods, attrValues: state.attrValues, staticAttrs: state.staticAttrs, instances: state.instances, attrTypes: state.attrTypes };
  delete asObject.superLoss; // the caller's own base is not this object's
  const superLoss = builtinSuper(cls, ctor, methods, scope);
  if (superLoss) asObject.superLoss = superLoss;
  return followMethod(node, name, def, applied, asObject);
}

/**
 * `kld = SigmoidKLD(reduction="batchmean")` with `class SigmoidKLD(nn.KLDivLoss)`: its forward's `super().forward(…)`
 * is the built-in loss, configured by what `__init__` hands `super().__init__` (superLoss.ts), or, for a class with
 * no `__init__` of its own, by the constructor call's arguments, which go straight to the built-in's.
 */
function builtinSuper(cls: Node, ctor: Call, methods: Map<string, Node>, scope: Scope): Scope['superLoss'] {
  const base = builtinLossBaseOf(cls);
  const instance = base ? superLossInstance(cls, scope, convertExpr, make) : undefined;
  if (!base || !instance) return undefined;
  if (methods.has('__init__')) return { base, instance };
  const passed: Call = { ...instance, kwargs: { ...ctor.kwargs, ...instance.kwargs }, ...(ctor.args.length > 0 ? { ctorArgs: ctor.args } : {}) };
  return { base, instance: passed };
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
  const cls = fileClass(ctor.callee, scope);
  if (cls && !cls.otherCell) return followObject(node, name, cls.node, ctor, applied, scope);
  // a loss class of a notebook cell above is called as that loss, as a library one is, running what its forward does
  const cellLoss = !!cls && !!scope.module?.cellLossClasses?.has(ctor.callee);
  if (cls && !cellLoss) return heldObjectCall(node, name, ctor, applied, scope);
  const library = libraryLossClass.test(ctor.callee) || libraryFunctionModule.test(ctor.callee);
  if (!library && !cellLoss) return undefined;
  const call = withForward(applyInstance(node, ctor, applied), cellLoss ? heldObjectCall(node, name, ctor, applied, scope) : undefined);
  // named as written (weakly: a variable the caller assigns it to names it instead), as `self.ce(…)` is
  scope.labels.set(call, name);
  scope.weakLabels?.add(call);
  return call;
}

setModuleInstanceReader(moduleInstanceCall);

/**
 * `net.gate.penalty()` with `net = GatedRegressor(N, l1_strength=0.02)` at module level, whose constructor sets
 * `self.gate = FeatureGate(n_features, l1_strength=l1_strength)`: the part as that constructor builds it with what
 * `net`'s call passed (objectState.ts), and its method followed with the part's state, so a weight applied inside the
 * method is the number the script wrote (0.02).
 */
function partMethodCall(node: Node, objName: string, attr: string, method: string, applied: Applied, scope: Scope): Expr | undefined {
  const stmt = scope.module?.instances?.get(objName);
  const ctor = stmt && !scope.module?.instanceCells?.has(objName) ? constructorCall(stmt, scope) : undefined;
  const cls = ctor ? fileClass(ctor.callee, scope) : undefined;
  const part = cls && ctor && !cls.otherCell ? objectState(cls.node, ctor, scope).get(attr) : undefined;
  return part?.kind === 'call' ? heldObjectCall(node, `${objName}.${attr}`, part, applied, scope, method) : undefined;
}

setPartMethodReader(partMethodCall);

/** `self.kl_term(p, q)` with `self.kl_term = BernoulliDivergence()` and that class in this file: its forward, followed. */
function heldObjectCall(node: Node, name: string, ctor: Call, applied: Applied, scope: Scope, method?: string): Expr | undefined {
  const cls = fileClass(ctor.callee, scope);
  const followed = cls ? followObject(node, name, cls.node, ctor, applied, scope, method) : undefined;
  return followed && cls?.otherCell ? placedAtCall(followed, node, applied) : followed;
}

setHeldObjectReader(heldObjectCall);

