// Calls of layers the loss builds (ops/layers.ts): `self.decoder(z)` with `self.decoder = keras.Sequential([...])`
// arrives as one call whose callee is the class, with the constructor's positional arguments in `ctorArgs` and its
// keywords merged with the call's (ir.ts). The layer is built from its constructor, its weights taken from the
// compiled loss's store under the place it is built, and run on the call's tensor.
import type { Expr, SourceRange } from '../../analysis/ir';
import { LossEvaluationError, located, UnsupportedOpError } from './errors';
import type { Env } from './evaluate';
import { siteKey } from './layerStore';
import { variableCopies } from './modelValues';
import { isLayerCallee, LAYERS, type LayerFn, type LayerSpec, LOSS_PARAMETERS } from './ops/layers';
import type { Tensor, Value } from './types';
import { describe, isTensor } from './values';

type Call = Extract<Expr, { kind: 'call' }>;
type Evaluate = (env: Env, e: Expr) => Value;

/** Keywords of a layer's call, not of its constructor (`self.encoder(x, training=True)`). */
const CALL_KEYWORDS = new Set(['training', 'mask']);

/** The name a layer's input takes while a container's sub-layer runs on it. */
const INPUT = '\u0000layer_input';

/** Where a held layer is built: its first constructor argument, else its first constructor keyword, else the call. */
function siteOf(e: Call): SourceRange {
  const ctorKeyword = Object.entries(e.kwargs).find(([k]) => !CALL_KEYWORDS.has(k))?.[1];
  return e.ctorArgs?.[0]?.range ?? ctorKeyword?.range ?? e.range;
}

/**
 * A variable the loss's own code makes from a setting (`self.offset = K.variable(offset_init)` in a loss layer,
 * `tf.Variable(0.5)`): a trainable weight of the user's model that starts at that value, trained with the loss like
 * a layer's weights. `trainable=False` keeps it at its value (Keras's non-trainable weight, a schedule's β). A
 * variable copied from a tensor (`K.variable(layer.get_weights()[0])`) is a frozen copy: the caller's op.
 */
function evalMadeVariable(env: Env, e: Call, evaluate: Evaluate): Value | undefined {
  const first = e.args[0] ?? e.kwargs['value'] ?? e.kwargs['initial_value'];
  const value = first ? evaluate(env, first) : undefined;
  const numbers = numbersOf(value);
  if (!numbers || !env.layers) return undefined;
  const trainable = e.kwargs['trainable'] ? evaluate(env, e.kwargs['trainable']) : true;
  if (trainable === false) return env.tf.tensor(numbers.values, numbers.shape, 'float32');
  return env.layers.weight(siteKey(e.callee, e.range), 'value', numbers.shape, { kind: 'given', values: numbers.values });
}

/**
 * A loss module's own parameter (`self.centers = nn.Parameter(torch.randn(k, d))`): a weight of the loss, made once
 * from its initial tensor (computed on the first evaluation only) and trained with the loss.
 */
function evalLossParameter(env: Env, e: Call, evaluate: Evaluate): Value {
  const site = siteKey(e.callee, e.range);
  const store = env.layers;
  if (!store) throw new LossEvaluationError(e.callee, e.range, "is a parameter of the loss's own, whose weights are not available here");
  const made = store.existing(site, 'value');
  if (made) return made;
  const first = e.args[0] ?? e.kwargs['data'];
  const init = first ? evaluate(env, first) : undefined;
  if (!isTensor(init)) throw new LossEvaluationError(e.callee, e.range, `is built from ${describe(init)}, not a tensor`);
  return store.weight(site, 'value', [...init.shape], { kind: 'given', values: Array.from(init.dataSync()) });
}

/**
 * The weights of the loss's own a call makes or reads, if it is one: a layer it builds and runs, a module's
 * `nn.Parameter`, a variable made from a setting; undefined for any other call (the op tables').
 */
export function evalOwnWeights(env: Env, e: Call, evaluate: Evaluate): Value | undefined {
  if (isLayerCallee(e.callee)) return evalLayerCall(env, e, evaluate);
  if (LOSS_PARAMETERS.has(e.callee)) return evalLossParameter(env, e, evaluate);
  return variableCopies[e.callee] ? evalMadeVariable(env, e, evaluate) : undefined;
}

/** A number or a (nested) list of numbers, flat with its shape. */
function numbersOf(v: Value | undefined): { values: number[]; shape: number[] } | undefined {
  if (typeof v === 'number') return { values: [v], shape: [] };
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const items = v.map(numbersOf);
  if (items.some((it) => !it || it.shape.join() !== items[0]!.shape.join())) return undefined;
  return { values: items.flatMap((it) => it!.values), shape: [v.length, ...items[0]!.shape] };
}

/** A call of a layer class: built from its constructor, run on its (first) tensor argument. */
function evalLayerCall(env: Env, e: Call, evaluate: Evaluate): Value {
  const inputs = e.args.map((a) => evaluate(env, a));
  const x = inputs[0];
  if (!isTensor(x)) {
    throw new LossEvaluationError(e.callee, e.range, `builds a layer here without running it on a tensor (given ${describe(x)}): the trainer runs layers the loss calls`);
  }
  const kwargs = Object.fromEntries(Object.entries(e.kwargs).filter(([k]) => !CALL_KEYWORDS.has(k)));
  const layer = buildLayer(env, evaluate, e.callee, e.ctorArgs ?? [], kwargs, siteOf(e));
  return located(e.callee, e.range, () => layer(x));
}

/** The layer `callee(positional…, keywords…)` built at `site`. */
function buildLayer(env: Env, evaluate: Evaluate, callee: string, positional: Expr[], kwargs: Record<string, Expr>, site: SourceRange): LayerFn {
  const spec = LAYERS[callee]!;
  const { values, sublayers } = bindLayerArgs(env, evaluate, spec, callee, positional, kwargs, site);
  const store = env.layers;
  if (!store) throw new LossEvaluationError(callee, site, 'builds a layer, whose weights are not available here');
  const key = siteKey(callee, site);
  return located(callee, site, () =>
    spec.build({
      tf: env.tf,
      callee,
      values,
      weight: (name, shape, init) => store.weight(key, name, shape, init),
      sublayers: () => sublayers.map((item) => sublayerOf(env, evaluate, item)),
      ...(env.nextSeed ? { nextSeed: env.nextSeed } : {}),
    }),
  );
}

/** Binds a layer's constructor arguments by the table's names; a keyword it neither honours nor may drop is refused. */
function bindLayerArgs(env: Env, evaluate: Evaluate, spec: LayerSpec, callee: string, positional: Expr[], kwargs: Record<string, Expr>, site: SourceRange) {
  const values: Record<string, Value> = {};
  let sublayers: Expr[] = [];
  const bind = (name: string, arg: Expr): void => {
    if (name === spec.sublayers) sublayers = arg.kind === 'tuple' ? arg.items : [arg];
    else values[name] = evaluate(env, arg);
  };
  if (spec.sublayers === '*') sublayers = positional;
  else {
    positional.forEach((arg, i) => {
      const name = spec.params[i];
      if (!name) throw new UnsupportedOpError(callee, site, `line ${site.startLine + 1}: \`${callee}\` is given more positional arguments than the trainer knows (${spec.params.join(', ')})`);
      bind(name, arg);
    });
  }
  for (const [name, arg] of Object.entries(kwargs)) {
    if (spec.params.includes(name) || name === spec.sublayers) bind(name, arg);
    else if (!spec.inert?.includes(name)) {
      throw new UnsupportedOpError(`${callee}(${name}=…)`, arg.range, `line ${arg.range.startLine + 1}: \`${callee}(${name}=…)\` is not honoured by the Loss Lab trainer, which would train another function: remove it to try the loss`);
    }
  }
  return { values, sublayers };
}

/** One item of a container: a layer of the table, or an op module of the framework (`nn.ReLU(inplace=True)`). */
function sublayerOf(env: Env, evaluate: Evaluate, item: Expr): LayerFn {
  if (item.kind !== 'call' || item.forward || item.ctorArgs) throw new UnsupportedOpError(item.text, item.range, `line ${item.range.startLine + 1}: \`${item.text}\` in a layer container is not a layer the Loss Lab trainer can build`);
  if (LAYERS[item.callee]) return buildLayer(env, evaluate, item.callee, item.args, item.kwargs, item.range);
  if (!env.ops.calls[item.callee]) throw new UnsupportedOpError(item.callee, item.range);
  // the module's constructor arguments bind as for a module called on the spot, its input is the layer's input
  const input: Expr = { kind: 'name', name: INPUT, ref: 'param', text: 'x', range: item.range };
  const applied: Call = { ...item, args: [input], ...(item.args.length > 0 ? { ctorArgs: item.args } : {}) };
  return (x: Tensor) => evaluate({ ...env, lookup: (n) => (n === INPUT ? x : env.lookup(n)) }, applied) as Tensor;
}
