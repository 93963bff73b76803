// The model's own trainable parameters, read by a loss that is one of the model's methods (a `compute_loss`, a
// training step, a helper method it calls): what `__init__` created as a parameter (`self.w = nn.Parameter(...)`,
// `self.w = tf.Variable(...)`, `self.w = self.add_weight(...)`) and the weights of the layers it built
// (`self.hidden.weight` with `self.hidden = nn.Linear(...)`, `self.dense.kernel` with `self.dense = Dense(...)`).
// They are tensors of the model, so each becomes a parameter with role 'tensor' and `modelWeight` (ir.ts): the
// penalty has a gradient (no LL105), and the trainer passes a weight of its trial model. A loss class's own
// parameters (`self.log_vars = nn.Parameter(...)` in an uncertainty-weighted loss) are the loss's, not the model's:
// this reads only methods of a model, never a loss class's forward.
import type { Expr, LossParam } from '../ir';
import { some } from '../terms/expr';
import type { ClassScope } from './classScope';
import type { LossDef } from './discover';
import { selfAssignments } from './setupInstances';

/** Constructors of a trainable parameter (canonical callees, the file's imports resolved). */
const PARAMETER_CTORS = /^(nn\.Parameter|torch\.nn\.Parameter|nn\.parameter\.Parameter|tf\.Variable)$/;
/** Layer constructors whose weights a penalty reads by attribute (torch.nn and Keras layers, however imported). */
const LAYER_CTORS =
  /(^|\.)(Linear|LazyLinear|Bilinear|Conv[123]d|ConvTranspose[123]d|Embedding|Dense|Conv[123]D|Conv[123]DTranspose|EinsumDense)$/;
/** A layer's trainable attributes, in PyTorch (`weight`, `bias`) and Keras (`kernel`, `bias`, `embeddings`). */
const LAYER_WEIGHTS: ReadonlySet<string> = new Set(['weight', 'bias', 'kernel', 'embeddings']);

/**
 * A loss class's own trainable parameters (`self.centers = nn.Parameter(torch.randn(k, d))` in a center loss,
 * `self.log_vars = nn.Parameter(torch.zeros(n))` in an uncertainty weighting): read in place as the constructor call,
 * which the trainer makes a weight of the loss's own, starting where the code starts it.
 */
export function lossParameterValues(def: LossDef, cls: ClassScope | undefined): Map<string, Expr> | undefined {
  if (!cls || def.kind !== 'module-forward') return undefined;
  const own = ownParameters(cls.instances);
  return own.length > 0 ? new Map([...cls.attrValues, ...own]) : undefined;
}

/** The torch parameters among a module's instances (`self.centers = nn.Parameter(…)`), read as values of the loss. */
export const ownParameters = (instances: ReadonlyMap<string, Extract<Expr, { kind: 'call' }>>): [string, Expr][] =>
  [...instances].filter(([, ctor]) => PARAMETER_CTORS.test(ctor.callee) && ctor.callee !== 'tf.Variable');

export interface OwnWeights {
  /** `self.w` attributes that are parameters themselves. */
  parameters: Set<string>;
  /** `self.hidden` attributes that are layers, whose `weight`/`kernel`/`bias` are parameters. */
  layers: Set<string>;
}

const isAddWeight = (e: Expr): boolean => e.kind === 'method' && e.method === 'add_weight' && e.object.kind === 'name' && e.object.name === 'self';

/**
 * The parameters and layers a model's `__init__` built, for a loss written as a method of the model. An attribute
 * set to `self.add_weight(...)` is taken out of the values read in place (it is the weight, not a call to inline).
 */
export function ownWeightsOf(def: LossDef, cls: ClassScope | undefined): OwnWeights | undefined {
  if (!cls || def.kind === 'module-forward' || def.kind === 'regularizer') return undefined;
  const out: OwnWeights = { parameters: new Set(), layers: new Set() };
  for (const [name, ctor] of cls.instances) {
    if (PARAMETER_CTORS.test(ctor.callee)) out.parameters.add(name);
    else if (LAYER_CTORS.test(ctor.callee)) out.layers.add(name);
  }
  for (const [name, value] of cls.attrValues) {
    if (!isAddWeight(value)) continue;
    out.parameters.add(name);
    cls.attrValues.delete(name);
  }
  // a Keras layer creates its weights in `build(self, input_shape)`, once the input's width is known
  const build = cls.methods.get('build');
  for (const { attr, value } of build ? selfAssignments(build) : []) {
    if (value.type === 'call' && value.childForFieldName('function')?.text === 'self.add_weight') out.parameters.add(attr);
  }
  return out.parameters.size + out.layers.size > 0 ? out : undefined;
}

/** `self.w` or `self.hidden.weight` when the read is one of the model's own weights, else undefined. */
function weightRead(e: Expr, own: OwnWeights): string | undefined {
  if (e.kind !== 'attr') return undefined;
  const isSelf = (x: Expr): boolean => x.kind === 'name' && x.name === 'self';
  if (isSelf(e.object) && own.parameters.has(e.name)) return `self.${e.name}`;
  const layer = e.object.kind === 'attr' && isSelf(e.object.object) ? e.object.name : undefined;
  return layer && own.layers.has(layer) && LAYER_WEIGHTS.has(e.name) ? `self.${layer}.${e.name}` : undefined;
}

/** The model's own weights the loss reads, as tensor parameters (one per attribute, where it is first read). */
export function ownWeightParams(body: Expr, own: OwnWeights | undefined): LossParam[] {
  if (!own) return [];
  const out = new Map<string, LossParam>();
  some(body, (n) => {
    const name = weightRead(n, own);
    if (name && !out.has(name)) out.set(name, { name, role: 'tensor', range: n.range, origin: 'constructor', modelWeight: true });
    return false;
  });
  return [...out.values()];
}
