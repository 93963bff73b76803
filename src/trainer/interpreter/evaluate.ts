// The evaluator: walks one Expr of the LossModel IR and computes its value with the framework's op table.
// It never executes user code; anything outside the table is an UnsupportedOpError naming the op and its line.
import type { Expr, IndexItem, SourceRange } from '../../analysis/ir';
import { bindArgs } from './args';
import { LossEvaluationError, located, OUTSIDE_VALUE_UNKNOWN, UNINTERPRETED_HINT, UnsupportedOpError } from './errors';
import { kerasWeightName, namedAsKeras } from './kerasWeightNames';
import { evalOwnWeights } from './layerCalls';
import type { LayerStore } from './layerStore';
import { chainKey } from './modelMembers';
import { binary, unary } from './operators';
import { stopGradient } from './ops/builders';
import { constructorArgsRefusal, constructorParamNames } from './ops/ctorParams';
import type { OutsideValues } from './outside';
import { type IndexValue, subscript } from './slicing';
import type { DeferReduction, FrameworkOps, Tensor, Tf, Value } from './types';
import { describe, isTensor, iterationItems, scalarNumber } from './values';

export interface Env {
  tf: Tf;
  ops: FrameworkOps;
  yTrue: Value;
  yPred: Value;
  /** Hyper-parameters, captured values and `self.x` attributes, already resolved to numbers (see scope.ts). */
  lookup(name: string): Value | undefined;
  /** The run's trainable parameters (each layer's weight, then its bias), for sums over `model.parameters()`. */
  weights?: () => Tensor[];
  /** The name of the run's i-th parameter in `named_parameters()` (weightNameFilter.ts trialParameterNames). */
  weightName?: (i: number) => string;
  /** The call whose op may defer its batch reduction (OpArgs.deferReduction), and where to. Batched evaluation only. */
  defer?: { node: Expr; to: DeferReduction };
  /** Seeds of the random draws (ops/random.ts seedStream): one stream per compiled loss. */
  nextSeed?: () => number;
  /** Why a setting (`self.l2`) has no value and what to do (settingSources.ts), for the refusal. */
  noValue?: (name: string) => string | undefined;
  /** Module-level values built before training (outside.ts), evaluated on first read. */
  outside?: OutsideValues;
  /** The weights of the layers the loss builds and runs itself (layerStore.ts), one store per compiled loss. */
  layers?: LayerStore;
}

/** The dotted name of an attribute chain over plain names (`tf.float32`, `self.lam`), if it is one. */
export function dottedName(e: Expr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'attr') {
    const base = dottedName(e.object);
    return base === undefined ? undefined : `${base}.${e.name}`;
  }
  return undefined;
}


/** Attributes of runtime values (not of namespaces): `x.shape`, `x.T`, `torch.max(x, 1).values`. */
const valueAttrs: Record<string, (tf: Tf, v: Value) => Value | undefined> = {
  shape: (_tf, v) => (isTensor(v) ? [...v.shape] : undefined),
  ndim: (_tf, v) => (isTensor(v) ? v.rank : undefined),
  rank: (_tf, v) => (isTensor(v) ? v.rank : undefined),
  size: (_tf, v) => (isTensor(v) ? v.size : undefined),
  dtype: (_tf, v) => (isTensor(v) ? v.dtype : undefined),
  // Devices do not matter to the trainer: `.to(x.device)` keeps the tensor as it is.
  device: (_tf, v) => (isTensor(v) ? 'cpu' : undefined),
  T: (tf, v) => (isTensor(v) ? tf.transpose(v) : undefined),
  // PyTorch's `p.data`: the same values, cut from the graph (as `.detach()`)
  data: (tf, v) => (isTensor(v) ? stopGradient(tf, v) : undefined),
  // a Keras variable's name, for filters such as `if 'bias' not in w.name` (kerasWeightNames.ts)
  name: (_tf, v) => (isTensor(v) ? kerasWeightName(v) : undefined),
  // a filter on the model's parameters (`for p in model.parameters() if p.requires_grad`): the trial's all train
  requires_grad: (_tf, v) => (isTensor(v) ? true : undefined),
  // JS arrays (`yPred.shape.length`)
  length: (_tf, v) => (Array.isArray(v) ? v.length : undefined),
  values: (_tf, v) => (Array.isArray(v) ? v[0] : undefined),
  indices: (_tf, v) => (Array.isArray(v) ? v[1] : undefined),
};

function evalName(env: Env, e: Extract<Expr, { kind: 'name' }>): Value {
  if (e.ref === 'yTrue') return env.yTrue;
  if (e.ref === 'yPred') return env.yPred;
  // a bound None (a fold's accumulator started at None) is a value, not a missing one
  const bound = env.lookup(e.name);
  const v = bound !== undefined ? bound : env.ops.constants[e.name];
  if (v !== undefined) return v;
  const built = e.ref === 'global' ? env.outside?.read(env, e.name, evaluate) : undefined;
  if (built !== undefined) return built;
  const why =
    e.ref === 'global'
      ? OUTSIDE_VALUE_UNKNOWN
      : 'has no value: give it a default or bind it';
  throw new LossEvaluationError(e.name, e.range, why);
}

function evalAttr(env: Env, e: Extract<Expr, { kind: 'attr' }>): Value {
  const dotted = dottedName(e);
  // a member of the model read through a subscript (`model[0].weight`, `model.layers[1].bias`): modelMembers.ts
  const chain = dotted === undefined ? chainKey(e) : undefined;
  const member = chain === undefined ? undefined : env.lookup(chain);
  if (member !== undefined) return member;
  if (dotted !== undefined) {
    const bound = env.lookup(dotted) ?? env.ops.constants[dotted];
    if (bound !== undefined) return bound;
    if (e.object.kind === 'name' && e.object.ref !== 'yTrue' && e.object.ref !== 'yPred') {
      if (e.object.ref === 'module' || e.object.name === 'self') {
        const why = env.noValue?.(dotted) ?? 'has no value: give the module attribute a value (constructor default) or bind it';
        throw new LossEvaluationError(dotted, e.range, why);
      }
      if (env.lookup(e.object.name) === undefined) throw new UnsupportedOpError(dotted, e.range);
    }
  }
  const object = evaluate(env, e.object);
  const read = valueAttrs[e.name];
  const v = read ? located(e.name, e.range, () => read(env.tf, object)) : undefined;
  if (v === undefined) throw new UnsupportedOpError(`.${e.name}`, e.range, `line ${e.range.startLine + 1}: \`.${e.name}\` of ${describe(object)} is not supported by the Loss Lab trainer`);
  return v;
}

function evalIndex(env: Env, it: IndexItem): IndexValue {
  if (it.kind === 'index') return { kind: 'index', value: evaluate(env, it.value) };
  if (it.kind === 'slice') {
    const opt = (x?: Expr) => (x ? evaluate(env, x) : undefined);
    return { kind: 'slice', start: opt(it.start), stop: opt(it.stop), step: opt(it.step) };
  }
  return it;
}

function truthy(v: Value): boolean {
  if (isTensor(v)) {
    const n = scalarNumber(v);
    if (n === undefined) throw new Error(`the truth value of ${describe(v)} is ambiguous`);
    return n !== 0;
  }
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

/** A class instance's positional constructor arguments (`nn.LogSoftmax(1)`), by the names its signature gives them. */
function constructorKwargs(env: Env, e: Extract<Expr, { kind: 'call' }>): Record<string, Value> {
  const ctorArgs = e.ctorArgs ?? [];
  if (ctorArgs.length === 0) return {};
  const names = constructorParamNames(e.callee, ctorArgs.length);
  if (!names) throw new UnsupportedOpError(e.callee, e.range, constructorArgsRefusal(e.callee, e.range.startLine + 1));
  return Object.fromEntries(names.map((n, i) => [n, evaluate(env, ctorArgs[i]!)]));
}

/** A call's positional arguments; a starred one (`*x.shape[:2]`) gives its items in its place, as Python unpacks it. */
function positional(env: Env, e: { args: Expr[]; splat?: number[]; range: SourceRange }): Value[] {
  if (!e.splat) return e.args.map((a) => evaluate(env, a));
  const splat = new Set(e.splat);
  return e.args.flatMap((a, i) => {
    const v = evaluate(env, a);
    return splat.has(i) ? located('*', a.range, () => iterationItems(env.tf, v)) : [v];
  });
}

function evalKwargs(env: Env, kwargs: Record<string, Expr>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(kwargs)) out[k] = evaluate(env, v);
  return out;
}

export function evaluate(env: Env, e: Expr): Value {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return e.value;
    case 'none':
      return null;
    case 'name':
      return evalName(env, e);
    case 'attr':
      return evalAttr(env, e);
    case 'unary': {
      const v = evaluate(env, e.operand);
      return located(e.op, e.range, () => unary(env.tf, e.op, v));
    }
    case 'binary': {
      const l = evaluate(env, e.left);
      const r = evaluate(env, e.right);
      return located(e.op, e.range, () => binary(env.tf, e.op, l, r));
    }
    case 'conditional': {
      const test = evaluate(env, e.test);
      return located('if … else', e.range, () => truthy(test)) ? evaluate(env, e.then) : evaluate(env, e.else);
    }
    case 'call': {
      // an object of the file's own loss class: its forward, a deferred reduction passed on to what it returns
      if (e.forward) return evaluate(env.defer?.node === e ? { ...env, defer: { ...env.defer, node: e.forward } } : env, e.forward);
      // a layer the loss builds (`self.decoder(z)`), its `nn.Parameter`, `K.variable(0.5)`: weights of its own (layerCalls.ts)
      const own = evalOwnWeights(env, e, evaluate);
      if (own !== undefined) return own;
      const spec = env.ops.calls[e.callee];
      if (!spec) throw new UnsupportedOpError(e.callee, e.range);
      const args = positional(env, e);
      const kwargs = { ...constructorKwargs(env, e), ...evalKwargs(env, e.kwargs) };
      const defer = env.defer?.node === e ? env.defer.to : undefined;
      return located(e.callee, e.range, () => spec.fn(bindArgs(env.tf, spec, e.callee, e.range, args, kwargs, defer, env.nextSeed)));
    }
    case 'method': {
      const spec = env.ops.methods[e.method];
      if (!spec) throw new UnsupportedOpError(`.${e.method}`, e.range);
      const self = evaluate(env, e.object);
      const args = positional(env, e);
      const kwargs = evalKwargs(env, e.kwargs);
      const name = `.${e.method}`;
      const defer = env.defer?.node === e ? env.defer.to : undefined;
      return located(name, e.range, () => spec.fn(bindArgs(env.tf, spec, name, e.range, [self, ...args], kwargs, defer, env.nextSeed)));
    }
    case 'subscript': {
      const object = evaluate(env, e.object);
      const index = e.index.map((it) => evalIndex(env, it));
      return located('[]', e.range, () => subscript(env.tf, object, index));
    }
    case 'tuple':
      return e.items.map((it) => evaluate(env, it));
    case 'overWeights':
      return evalOverWeights(env, e);
    case 'loop':
      return evalLoop(env, e);
    case 'unsupported':
      throw new UnsupportedOpError(e.what, e.range, `line ${e.range.startLine + 1}: ${e.what} cannot be interpreted by the Loss Lab trainer (\`${e.text}\`): ${UNINTERPRETED_HINT}`);
  }
  // The IR crosses the IPC boundary as JSON: a node of a kind this version does not know is reported, not crashed on.
  const node = e as { kind?: unknown; range?: SourceRange };
  throw new UnsupportedOpError(String(node.kind), node.range ?? noRange, `an expression of kind '${String(node.kind)}' is not supported by the Loss Lab trainer`);
}

/**
 * Σ over the run's parameters of `body` (ir.ts `overWeights`). A parameter whose pass adds no tensor (`if
 * name.endswith("weight")` skips the biases) still takes part with a zero gradient, as in torch, where a parameter the
 * penalty skips gets none from it: the trainer differentiates with respect to every parameter.
 */
function evalOverWeights(env: Env, e: Extract<Expr, { kind: 'overWeights' }>): Value {
  const weights = env.weights?.();
  if (!weights) throw new LossEvaluationError('model.parameters()', e.range, "reads the model's parameters, which are not available here");
  let total: Value = 0;
  for (const [i, w] of weights.entries()) {
    // weights come as each layer's weight, then its bias: named as nn.Sequential names them, or as the filter needs
    const name = parameterName(env, i);
    const v = evaluate({ ...env, lookup: (n) => (n === e.variable ? w : n === e.nameVariable ? name : env.lookup(n)) }, e.body);
    const part = isTensor(v) ? v : env.tf.add(v as number, env.tf.mul(env.tf.sum(w), 0));
    total = located('sum', e.range, () => binary(env.tf, '+', total, part));
  }
  return total;
}

/**
 * A `loop` node (ir.ts): the iterable is evaluated once, then the body once per element with the loop's variables
 * (and the accumulator of a fold) bound, as Python runs the loop; a pass whose `filter` is false is skipped. Bound
 * names shadow parameters of the same name.
 */
function evalLoop(env: Env, e: Extract<Expr, { kind: 'loop' }>): Value {
  const items = weightItems(env, e.iterable) ?? located('for … in', e.iterable.range, () => iterationItems(env.tf, evaluate(env, e.iterable)));
  const bound = new Map<string, Value>();
  const inner: Env = { ...env, lookup: (n) => (bound.has(n) ? bound.get(n) : env.lookup(n)) };
  let acc: Value = e.accumulator ? (e.init ? evaluate(env, e.init) : 0) : null;
  const collected: Value[] = [];
  for (const item of items) {
    located('for … in', e.range, () => bindLoopVariables(bound, e.variables, item));
    if (e.accumulator) bound.set(e.accumulator, acc);
    if (e.filter && !located('if', e.filter.range, () => truthy(evaluate(inner, e.filter as Expr)))) continue;
    const v = evaluate(inner, e.body);
    if (e.accumulator) acc = v;
    else collected.push(v);
  }
  return e.accumulator ? acc : collected;
}

/**
 * `for p in self.parameters()` / `for name, p in net.named_parameters()` kept as a loop (one whose passes depend on
 * each other, python/loops.ts coupledFold): the run's parameters, in the order and with the names `overWeights` uses.
 */
function weightItems(env: Env, iterable: Expr): Value[] | undefined {
  const method = weightsLoopMethod(iterable);
  if (!method) return undefined;
  const weights = env.weights?.();
  if (!weights) throw new LossEvaluationError(`.${method}()`, iterable.range, "reads the model's parameters, which are not available here");
  if (method === 'variables') return namedAsKeras(weights);
  return method === 'parameters' ? weights : weights.map((w, i) => [parameterName(env, i), w]);
}

/** The run's i-th parameter's name: the loss's (Env.weightName), else nn.Sequential's (`0.weight`, `0.bias`, …). */
const parameterName = (env: Env, i: number): string => env.weightName?.(i) ?? `${Math.floor(i / 2)}.${i % 2 === 0 ? 'weight' : 'bias'}`;

/**
 * The model method a loop's iterable reads the whole model's parameters by (`self.parameters()`, `self.net…`,
 * `net.named_parameters()`), if it is one; a member's (`model.fc1.parameters()`) are that layer's (modelMembers.ts).
 */
export function weightsLoopMethod(iterable: Expr): 'parameters' | 'named_parameters' | 'variables' | undefined {
  const o = iterable.kind === 'method' || iterable.kind === 'attr' ? iterable.object : undefined;
  const whole = o?.kind === 'name' || (o?.kind === 'attr' && o.object.kind === 'name' && o.object.name === 'self');
  if (!whole) return undefined;
  // Keras: `model.trainable_weights`, `self.trainable_variables` (in a Model's train_step, self is the model)
  if (iterable.kind === 'attr') return KERAS_WEIGHT_LISTS.has(iterable.name) ? 'variables' : undefined;
  if (iterable.kind !== 'method' || iterable.args.length > 0) return undefined;
  return iterable.method === 'parameters' || iterable.method === 'named_parameters' ? iterable.method : undefined;
}

const KERAS_WEIGHT_LISTS: ReadonlySet<string> = new Set(['trainable_weights', 'trainable_variables', 'weights', 'variables']);

function bindLoopVariables(bound: Map<string, Value>, variables: string[], item: Value): void {
  if (variables.length === 1) {
    bound.set(variables[0], item);
    return;
  }
  if (!Array.isArray(item) || item.length !== variables.length) {
    throw new Error(`cannot unpack ${describe(item)} into ${variables.length} variables (${variables.join(', ')})`);
  }
  for (const [i, name] of variables.entries()) bound.set(name, item[i]);
}

const noRange: SourceRange = { startLine: 0, startCol: 0, endLine: 0, endCol: 0 };
