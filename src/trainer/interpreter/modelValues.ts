// The model as a value a loss reads (issue 10 §2): a loss given the model or one of its layers reads its weights
// (`next(iter(model.parameters()))`, `layer.get_weights()[0]`, `K.variable(layer.get_weights()[0])`,
// `for name, p in net.named_parameters()`). The trainer gives it the trial model's weights: the model is the list of
// its parameters (each layer's weight, then its bias, in the framework's layout), a layer the pair of the trial
// model's first layer. What the framework gives as a copy is a copy here too: `get_weights()` returns numpy
// arrays and `K.variable(…)` a new variable, so neither carries a gradient back to the model.
import type { Expr, Framework, LossModel } from '../../analysis/ir';
import { usageOf } from '../tensorUsage';
import { op } from './args';
import { layerIndex, type MemberRead, memberReads, memberSlots, slotId } from './modelMembers';
import { stopGradient } from './ops/builders';
import { makeLookup } from './scope';
import type { OpTable, Tensor, Tf, Value } from './types';
import { iterationItems } from './values';

/** What a name holds, by the name as written (matched whole, case-insensitively; snake_case of camelCase too). */
const MODEL_VALUE_NAMES: readonly { holds: 'model' | 'layer' | 'weight-list'; names: RegExp }[] = [
  { holds: 'model', names: /^(model|net|network|module|mdl|classifier|encoder|decoder|autoencoder|regressor)$/i },
  { holds: 'layer', names: /^(layer|dense|linear|fc|[a-z]+_layer|layer_?[a-z0-9]+)$/i },
  // a list of weight matrices collected before a training loop (`hidden_weights = [m.weight for m in …]`)
  { holds: 'weight-list', names: /^(weights|kernels|weight_list|weight_matrices|[a-z]+_(weights|kernels|matrices))$/i },
];

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');

export const modelValueKind = (name: string): 'model' | 'layer' | 'weight-list' | undefined =>
  MODEL_VALUE_NAMES.find((r) => r.names.test(name) || r.names.test(snake(name)))?.holds;

/** Methods that read a model's (or a layer's) weights, only ever called on one. */
const WEIGHT_READERS: ReadonlySet<string> = new Set(['parameters', 'named_parameters', 'get_weights']);

/**
 * The names of the loss that hold the model or a layer: a parameter with no value (the loss's, a factory's,
 * `self.model`) or a module-level model (`model` in a script), whose weights the loss reads (`model.parameters()`,
 * `layer.get_weights()`) or whose named members it reads (`model.fc1.weight`, `model.lora_A`: modelMembers.ts), and
 * that it uses in no other way: a model called on an input is still refused by name.
 */
export function modelValueNames(model: LossModel, reads: (visit: (e: Expr) => void) => void): Set<string> {
  return modelReads(model, reads).roots;
}

export interface ModelReads {
  roots: Set<string>;
  /** The members read, each chain once per place it is read (modelMembers.ts), and the trial layer each takes. */
  members: MemberRead[];
  slots: Map<string, number | 'last'>;
  /** Roots the loss iterates as a list of tensors (`for p in params:`): the trial model's weight matrices. */
  lists: Set<string>;
}

export function modelReads(model: LossModel, reads: (visit: (e: Expr) => void) => void): ModelReads {
  const unvalued = new Set(model.params.filter((p) => p.default === undefined && p.items === undefined && p.role !== 'yPred' && p.role !== 'yTrue').map((p) => p.name));
  const lookup = makeLookup(model, {});
  // a module-level model read in a script's loop (`model[0].weight`): named as a model, with no value of its own
  const candidate = (n: Extract<Expr, { kind: 'name' }>) => unvalued.has(n.name) || (n.ref === 'global' && modelValueKind(n.name) === 'model' && lookup(n.name) === undefined);
  const nodes: Expr[] = [];
  reads((e) => nodes.push(e));
  const covered = new Set<Expr>();
  const uses: Extract<Expr, { kind: 'name' }>[] = [];
  for (const e of nodes) {
    if (e.kind === 'method' && WEIGHT_READERS.has(e.method) && e.object.kind === 'name') covered.add(e.object);
    if (e.kind === 'name' && candidate(e)) uses.push(e);
  }
  // a model the module holds (`self.model = Mlp(n)` in a Lightning module): its members' weights are the trial's layers
  const heldModel = (root: string) => root.startsWith('self.') && !root.slice(5).includes('.') && modelValueKind(root.slice(5)) === 'model' && lookup(root) === undefined;
  const isRoot = (root: string, base: Extract<Expr, { kind: 'name' }>) => unvalued.has(root) || (root === base.name && candidate(base)) || heldModel(root);
  // a member read counts where the root is named as a model or a layer, or the read says it is a weight
  const members = memberReads(nodes, isRoot, WEIGHT_READERS).filter((r) => modelValueKind(r.root.slice(r.root.lastIndexOf('.') + 1)) !== undefined || r.part !== 'parameter');
  for (const r of members) covered.add(r.base);
  const roots = new Set(uses.filter((u) => covered.has(u)).map((u) => u.name));
  for (const u of uses) if (!covered.has(u)) roots.delete(u.name);
  for (const r of members) if (r.root !== r.base.name) roots.add(r.root);
  const lists = new Set([...iteratedWeightLists(model, reads), ...iteratedArguments(model, unvalued)]);
  for (const name of lists) roots.add(name);
  const kept = members.filter((r) => roots.has(r.root));
  return { roots, members: kept, slots: memberSlots(kept), lists };
}

/**
 * Module-level names the loss iterates as a list of weights (`for w in hidden_weights:` in a training loop, the list
 * built before it from the model): named as a weight list, not a parameter, and read only as a loop's iterable. The
 * trainer gives them its trial model's weight matrices (a module constant with a value keeps its value).
 */
function iteratedWeightLists(model: LossModel, reads: (visit: (e: Expr) => void) => void): Set<string> {
  const params = new Set(model.params.map((p) => p.name));
  const iterated = new Set<Expr>();
  const uses: Extract<Expr, { kind: 'name' }>[] = [];
  reads((e) => {
    if (e.kind === 'loop' && e.iterable.kind === 'name') iterated.add(e.iterable);
    if (e.kind === 'name' && e.ref === 'global' && !params.has(e.name) && modelValueKind(e.name) === 'weight-list') uses.push(e);
  });
  const names = new Set(uses.filter((u) => iterated.has(u)).map((u) => u.name));
  for (const u of uses) if (!iterated.has(u)) names.delete(u.name);
  return names;
}

/**
 * The loss's own arguments it iterates as a list of tensors (`def bpr_loss(pred, params, reg): for p in params:`),
 * whatever their names (../tensorUsage.ts): the trainer gives them its model's weight matrices, as it gives
 * `model.parameters()`.
 */
function iteratedArguments(model: LossModel, unvalued: ReadonlySet<string>): string[] {
  return [...unvalued].filter((name) => !name.includes('.') && usageOf(model, name)?.kind === 'weight-list');
}

/** Each run's parameters as the loss sees them: PyTorch's nn.Linear weight is [out, in], a Keras kernel [in, out]. */
function inLayout(tf: Tf, framework: Framework, weights: Tensor[]): Tensor[] {
  return framework === 'pytorch' ? weights.map((w) => (w.rank === 2 ? tf.transpose(w) : w)) : weights;
}

/** The value of a model-holding name: all the run's parameters, or the first layer's weight and bias. */
export function modelValue(tf: Tf, framework: Framework, kind: ReturnType<typeof modelValueKind>, weights: Tensor[]): Value {
  const all = inLayout(tf, framework, weights);
  return kind === 'layer' ? all.slice(0, 2) : kind === 'weight-list' ? all.filter((w) => w.rank === 2) : all;
}

/**
 * The values of the model-holding names and of the members read (`model.fc1.weight` → the weight of the trial layer
 * that member takes, in the framework's layout), for run lookups.
 */
export function modelLookup(tf: Tf, framework: Framework, reads: ModelReads, weights: Tensor[]): (name: string) => Value | undefined {
  const byKey = new Map(reads.members.map((r) => [r.key, r]));
  let all: Tensor[] | undefined;
  return (name) => {
    if (reads.roots.has(name)) return modelValue(tf, framework, reads.lists.has(name) ? 'weight-list' : modelValueKind(name), weights);
    const r = byKey.get(name);
    if (!r) return undefined;
    all ??= inLayout(tf, framework, weights);
    const i = 2 * layerIndex(reads.slots.get(slotId(r)) ?? 0, Math.max(1, Math.floor(all.length / 2)));
    const [w, b] = [all[i]!, all[i + 1]!];
    return r.part === 'bias' ? b : r.part === 'module' ? [w, b] : w;
  };
}

const listOf = (v: Value | undefined): Value[] => {
  if (!Array.isArray(v)) throw new Error('expected the model (or a layer), whose weights the trainer passes');
  return v;
};

/**
 * `model(x)` (written `model.__call__(x)` by the analysis): the trainer gives the model's prediction where the loss
 * runs its model argument on its input and reads that input nowhere else (../modelCall.ts rewrites those calls);
 * any other call reaches here.
 */
export const MODEL_CALL_REFUSAL =
  "the loss runs its model argument on a tensor the trainer cannot give it: the trainer's model takes the loss's input only where that input is read through the model call alone (`pred = model(x)`); compute the prediction outside the loss and pass it, or use --function on a loss taking (prediction, target)";

const runsModel = op(['self'], () => {
  throw new Error(MODEL_CALL_REFUSAL);
});

/** Methods on a model value. */
export const modelMethods: OpTable = {
  __call__: runsModel,
  parameters: op(['self'], (a) => listOf(a.value('self'))),
  // named as nn.Sequential names them: `0.weight`, `0.bias`, `1.weight`, …
  named_parameters: op(['self'], (a) => listOf(a.value('self')).map((w, i) => [`${Math.floor(i / 2)}.${i % 2 === 0 ? 'weight' : 'bias'}`, w])),
  get_weights: op(['self'], (a) => listOf(a.value('self')).map((w) => stopGradient(a.tf, w as Tensor))),
};

/**
 * Python's iterator builtins, over a list (what a model value gives: `next(iter(model.parameters()))` is the first
 * weight) or a tensor (its slices along the first axis, as Python iterates it).
 */
export const iteratorBuiltins: OpTable = {
  iter: op(['iterable'], (a) => iterationItems(a.tf, a.value('iterable') ?? null)),
  list: op(['iterable'], (a) => iterationItems(a.tf, a.value('iterable') ?? null)),
  next: op(['iterator'], (a) => {
    const items = iterationItems(a.tf, a.value('iterator') ?? null);
    if (items.length === 0) throw new Error('next() of an empty iterator');
    return items[0]!;
  }),
};

/** A new variable holding a copy (`K.variable(x)`, `tf.Variable(x)`): the model's gradient does not reach it. */
const copyOp = op(['value'], (a) => stopGradient(a.tf, a.tensor('value')));
export const variableCopies: OpTable = { 'K.variable': copyOp, 'keras.backend.variable': copyOp, 'tf.keras.backend.variable': copyOp, 'tf.Variable': copyOp };
