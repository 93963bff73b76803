// The trial model a loss gets, from what it reads (tensorArgs.ts): the MLP, or a VAE when it takes a VAE head's
// mean and log-variance; and the layout its extra tensor arguments are cut from (mappedLoss.ts). Shared by the trial
// and the sweep's probe, so both evaluate the loss on the same model.
import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { Expr, LossModel } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';
import { argRank, sequenceSteps, slicesTime } from './argRank';
import type { Tf } from './backend';
import type { TrialData } from './data';
import { matrixReadLine } from './groupMatrix';
import { layerIndex, slotId } from './interpreter/modelMembers';
import { type ModelReads, modelReads, modelValueKind } from './interpreter/modelValues';
import { evaluatedExprs, walkExprs } from './interpreter/unsupported';
import { namedGroups } from './interpreter/weightNameFilter';
import { type ArgLayout, mappedLosses, matrixSide, squareSide } from './mappedLoss';
import { BatchedMlp, type MlpOptions } from './model';
import { chooseHiddenActivation, type HiddenActivationChoice } from './model/hiddenActivation';
import { BatchedVae } from './model/vae';
import { regularizedTensor } from './regularizerInput';
import type { LossExtras, LossFn } from './runLoss';
import { singleMatrixRead } from './singleMatrix';
import { MASK_KEPT, syntheticWords } from './syntheticArgs';
import { graphActivations, hiddenArgs, mappedTensorArgs, type TensorArgKind, tensorArgKind, unnamedModelOutputs, usageReason, wantsVae } from './tensorArgs';
import { usageOf } from './tensorUsage';

/** The VAE's latent size: small, as trial data has few latent factors (data/autoencoder.ts has 3). */
export const VAE_LATENT = 4;

export interface TrialModel {
  model: BatchedMlp;
  layout: ArgLayout;
  /** Extra tensor arguments cut from the last hidden layer (or the VAE head): the loop hands that layer for them. */
  hidden: string[];
  /** Whether the loss reads the run's weights (weight-named arguments): the loop then passes them on the tape. */
  readsArgWeights: boolean;
  /** The last hidden layer's activation, with why when it is not relu (model/hiddenActivation.ts); absent: relu. */
  lastHidden?: HiddenActivationChoice;
}

export function trialModel(tf: Tf, loss: LossModel, options: MlpOptions, data: Pick<TrialData, 'groupColumn'> & Partial<Pick<TrialData, 'sampleShape' | 'groupedTargetShape'>>): TrialModel {
  const vae = wantsVae(loss);
  const hidden = hiddenArgs(loss);
  // a VAE's hidden arguments read its head, not a code layer: its layers stay relu
  const lastHidden: HiddenActivationChoice = vae || options.hidden.length === 0 ? { activation: 'relu' } : chooseHiddenActivation(loss, hidden);
  const model = vae ? new BatchedVae(tf, { ...options, latent: VAE_LATENT }) : new BatchedMlp(tf, { ...options, lastHidden: lastHidden.activation });
  const units = vae ? 3 * VAE_LATENT : (options.hidden.at(-1) ?? 0);
  const layout: ArgLayout = {
    framework: loss.framework,
    units,
    ...(vae ? { latent: VAE_LATENT } : {}),
    // The kernel that makes the last hidden layer (the encoder's, in a VAE); the output layer's without hidden layers.
    weightIndex: 2 * Math.max(0, options.hidden.length - 1),
    ...(data.groupColumn ? { groupColumn: data.groupColumn } : {}),
    ...(data.groupedTargetShape ? { targetShape: data.groupedTargetShape } : {}),
    ...(data.sampleShape ? { sampleShape: data.sampleShape } : {}),
  };
  return { model, layout, hidden, lastHidden, readsArgWeights: mappedTensorArgs(loss).some((a) => WEIGHT_KINDS.has(a.kind)) };
}

export function trialLosses(tf: Tf, loss: LossModel, losses: LossFn[], trial: TrialModel): LossFn[] {
  return mappedLosses(tf, loss, losses, trial.layout);
}

/** What run k's loss gets beside targets and predictions, off the training tape (probes): its weights, its hidden layer. */
export function probeExtras(tf: Tf, trial: TrialModel, x: Tensor2D, k: number, readsWeights: boolean): LossExtras {
  const weights = readsWeights ? trial.model.runParameters(k) : undefined;
  if (trial.hidden.length === 0) return { ...(weights ? { weights } : {}), input: x };
  const n = x.shape[0];
  const h = tf.reshape(trial.model.logits(x).cache.hidden.at(-1)![k]!, [n, -1]);
  return { ...(weights ? { weights } : {}), tensors: Object.fromEntries(trial.hidden.map((name) => [name, h])), input: x };
}

/** The argument kinds a run's loss reads from its parameters, so a probe passes them. */
const WEIGHT_KINDS: ReadonlySet<TensorArgKind> = new Set(['weights', 'bias', 'matrix', 'output-weights', 'output-bias']);

const kindWords: Partial<Record<TensorArgKind, (trial: TrialModel) => string>> = {
  hidden: (t) => `the last hidden layer's activations (${t.layout.units} ${t.lastHidden?.activation ?? 'relu'} units)`,
  'output-item': (t) => `the last hidden layer's activations (${t.layout.units} ${t.lastHidden?.activation ?? 'relu'} units), a further output beside the prediction`,
  square: (t) => `a ${squareSide(t.layout.units)}×${squareSide(t.layout.units)} matrix per sample from the last hidden layer's first ${squareSide(t.layout.units) ** 2} units`,
  matrix: (t) => {
    const k = matrixSide(t.model.sizes, t.layout.weightIndex);
    return `one trainable ${k}×${k} matrix (a block of the kernel that makes the last hidden layer)`;
  },
  'vae-mean': () => "the VAE head's mean",
  'vae-logvar': () => "the VAE head's log-variance",
  'vae-logsigma': () => "the VAE head's log σ (logvar / 2)",
  'vae-std': () => "the VAE head's σ (exp(logvar / 2))",
  'vae-var': () => "the VAE head's variance (exp(logvar))",
  'vae-sample': (t) => (t.layout.latent ? 'the sample z the decoder decodes' : `the last hidden layer's activations (${t.layout.units} ${t.lastHidden?.activation ?? 'relu'} units)`),
  weights: (t) => `the kernel of the layer that makes the last hidden layer (${t.layout.framework === 'pytorch' ? '[out, in], as nn.Linear.weight' : '[in, out], as a Dense kernel'})`,
  bias: () => 'the bias of the layer that makes the last hidden layer',
  'output-weights': (t) => `the kernel of the output layer (${t.layout.framework === 'pytorch' ? '[out, in], as nn.Linear.weight' : '[in, out], as a Dense kernel'}), as the layer that makes your model's output`,
  'output-bias': () => "the bias of the output layer, as the layer that makes your model's output",
  sensitive: () => 'a synthetic 0/1 group column correlated with the target',
  'model-input': (t) => `the batch the trial model runs on (its input, ${t.model.sizes[0]} features)`,
  'reconstruction-input': () => "the input the loss reconstructs (the trial's targets, equal to its input)",
  'batch-size': () => "the trial's batch size (one replica, so the global batch is the batch)",
  mask: () => `a fixed synthetic 0/1 mask of the prediction's shape (about ${Math.round(MASK_KEPT * 100)}% ones, the same at every step)`,
  'sample-weights': () => 'ones, one per target value (the synthetic data weighs every sample the same)',
  embedding: (t) => `a block of ${t.model.sizes.at(-1)} units (the prediction's width) of the last hidden layer's activations`,
  attention: (t) => `the softmax of the last hidden layer's activations (${t.layout.units} weights per sample that sum to 1, as a row of attention weights)`,
  'per-sample': () => "the mean of the last hidden layer's activations per sample (one value per sample)",
  level: (t) => syntheticWords('level', t.model.sizes.at(-1) ?? 1),
  positive: (t) => syntheticWords('positive', t.model.sizes.at(-1) ?? 1),
  coefficient: (t) => syntheticWords('coefficient', t.model.sizes.at(-1) ?? 1),
  ids: () => 'synthetic integer ids, one per sample, in range of the axis they index (sample i gets (i + 1) mod its size, one more for each further id argument)',
};

/** The header's words for each mapped argument: "`mu` = the VAE head's mean", with why (the names). */
export function describeArgs(loss: LossModel, trial: TrialModel): string | undefined {
  const args = mappedTensorArgs(loss);
  // the model or a layer the loss reads the weights of (interpreter/modelValues.ts), or named members of (modelMembers.ts)
  const read = modelReads(loss, (visit) => walkExprs(evaluatedExprs(loss), visit));
  const memberRoots = new Set(read.members.map((r) => r.root));
  const models = [...read.roots].filter((n) => !args.some((a) => a.name === n) && (!memberRoots.has(n) || readsWhole(loss, n)));
  const members = read.members.length > 0 ? describeMembers(read, trial.model.sizes) : [];
  const sums = weightSums(loss).filter((text) => !models.some((n) => text === n || text.startsWith(`${n}.`)));
  const groups = namedGroups(loss, evaluatedExprs(loss));
  if (args.length + models.length + members.length + sums.length + groups.length === 0) return undefined;
  const plain = args.filter((a) => a.kind === 'hidden').length;
  const layers = regularisedLayers(loss);
  // an argument named by the function the loss passes it to (`self._parity_violation(logits, gb)` → `group`)
  const aliased = new Map(loss.params.flatMap((p) => (p.alias !== undefined && tensorArgKind(p.name) === undefined ? [[p.name, p.alias] as const] : [])));
  const parts = args.map((a) => {
    const matrixAt = a.kind === 'sensitive' ? matrixReadLine(loss, a.name) : undefined;
    const oneHot = matrixAt !== undefined ? `, one-hot ([batch, 2]: the loss reads it as a matrix, line ${matrixAt})` : '';
    const words = (kindWords[a.kind]?.(trial) ?? a.kind) + oneHot;
    const from = layers.get(a.name);
    const single = a.kind === 'matrix' ? singleMatrixRead(loss, a.name) : undefined;
    const alias = aliased.get(a.name);
    const use = usageReason(loss, a.name) ?? (single ? `the loss reads it as one matrix (${single})` : alias ? `the loss passes it as \`${alias}\`` : undefined);
    const rank = a.kind === 'hidden' ? argRank(loss, a.name) : 2;
    const steps = a.kind === 'hidden' && slicesTime(loss, a.name) ? sequenceSteps(trial.layout.units) : undefined;
    const map =
      steps !== undefined
        ? `, as [batch, ${steps}, ${trial.layout.units / steps}] (the loss takes differences along its axis 1, a sequence's time steps)`
        : rank > 2
          ? `, as [batch, ${'1, '.repeat(rank - 2)}units] (the loss reduces it over axes 1 to ${rank - 1}, a feature map's)`
          : '';
    return `\`${a.name}\` = ${a.kind === 'hidden' && plain > 1 ? `a block of ${Math.floor(trial.layout.units / plain)} units of ` : ''}${words}${map}${from ? `, for ${from}` : ''}${use ? `, because ${use}` : ''}`;
  });
  // a list the loss iterates, whatever its name (tensorUsage.ts): said with its use, not its name
  const iterated = new Map(models.flatMap((n) => (read.lists.has(n) && modelValueKind(n) === undefined ? [[n, usageOf(loss, n)?.because] as const] : [])));
  for (const name of models) {
    const kind = read.lists.has(name) ? 'weight-list' : modelValueKind(name);
    const what = kind === 'layer' ? "the trial model's first layer (its kernel and bias)" : kind === 'weight-list' ? "the trial model's weight matrices (a list collected outside the loss)" : "the trial model (its weights, each layer's then its bias)";
    const use = iterated.get(name);
    parts.push(`\`${name}\` = ${what}${use ? `, because ${use}` : ''}`);
  }
  parts.push(...members);
  parts.push(...sums.map((text) => `\`${text}\` = the trial model's parameters (each layer's weight, then its bias)`));
  // parameters named after a filter on their names that nn.Sequential's names would not meet (weightNameFilter.ts)
  parts.push(...groups.map((g) => `\`${g.name}\` = the weight of the trial's ${ORDINALS[g.index / 2] ?? `${g.index / 2 + 1}th`} layer, named so that the filter \`${g.filter}\` (line ${g.line}) keeps it`));
  // a further output of the model's call taken for what it is, not for its name (tensorArgs.ts paramKind)
  const outputs = new Set(unnamedModelOutputs(loss));
  // a hidden tensor of the file's Keras graph (`h1 = Dense(…)(x)`), taken for what it is
  const graphed = graphActivations(loss);
  // the model's own weights (`self.w = nn.Parameter(…)`, `this.emb = tf.variable(…)`) are mapped for what they are
  const own = new Set(loss.params.filter((p) => p.modelWeight).map((p) => p.name));
  const ownMapped = args.filter((a) => own.has(a.name)).length;
  // the batch an inline loss's model is called on, taken for what it is (LossParam.modelInput)
  const fed = new Set(loss.params.filter((p) => p.modelInput).map((p) => p.name));
  const named = args.filter((a) => a.kind !== 'output-item' && !own.has(a.name) && !fed.has(a.name) && !layers.has(a.name) && !outputs.has(a.name) && !graphed.includes(a.name) && !aliased.has(a.name) && usageReason(loss, a.name) === undefined).length + models.length - iterated.size;
  const why = [
    named > 0 ? `because of ${named > 1 ? 'their names' : 'its name'}` : '',
    ownMapped > 0 ? `because ${ownMapped > 1 ? 'they are' : 'it is'} your model's own trainable weight${ownMapped > 1 ? 's' : ''}` : '',
    fed.size > 0 ? `because your model is called on ${[...fed].map((n) => `\`${n}\``).join(', ')}` : '',
    outputs.size > 0 ? `because your model returns ${[...outputs].map((n) => `\`${n}\``).join(', ')} beside its prediction` : '',
    graphed.length > 0 ? `because ${graphed.map((n) => `\`${n}\``).join(', ')} ${graphed.length > 1 ? 'are hidden tensors' : 'is a hidden tensor'} of your Keras model's own graph` : '',
    args.some((a) => a.kind === 'output-item') ? 'the loss unpacks its prediction as a tuple' : '',
    layers.size > 0 ? "because your model's layers carry Keras regularizers" : '',
    sums.length > 0 ? "the loss sums over its model's parameters" : '',
    members.length > 0 ? "the model's members take the trial's layers in the order the loss reads them, one named as an output layer its last" : '',
  ].filter(Boolean);
  return why.length > 0 ? `${parts.join(', ')}, ${why.join('; ')}` : parts.join(', ');
}

/**
 * The layers a built-in Keras regularizer's tensor comes from, by that tensor's name (Term.regularizes):
 * `kernel` → "the l2 of Dense (line 4) and l2_2 of Dense (line 5)".
 */
function regularisedLayers(loss: LossModel): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const t of loss.terms) {
    const on = t.regularizes;
    const tensor = on && t.expr.kind === 'call' ? tensorName(t.expr) : undefined;
    if (!on || !tensor) continue;
    const line = (on.range ?? t.range).startLine + 1;
    out.set(tensor, [...(out.get(tensor) ?? []), `${t.label} of ${on.layer ?? 'a layer'} (line ${line})`]);
  }
  // a custom regularizer class or function given to a layer (../regularizerInput.ts): its argument is that tensor
  const custom = regularizedTensor(loss);
  if (custom && loss.regularizes) out.set(custom, [`\`${loss.name}\` of ${loss.regularizes.layer ?? 'a layer'}${loss.regularizes.range ? ` (line ${loss.regularizes.range.startLine + 1})` : ''}`]);
  return new Map([...out].map(([k, v]) => [k, `the ${v.join(' and ')}`]));
}

/** The one tensor a built-in regularizer's penalty reads (`kernel` in `reduce_sum(abs(kernel))`). */
function tensorName(e: Expr): string | undefined {
  if (e.kind === 'name') return e.name;
  return e.kind === 'call' && e.args[0] ? tensorName(e.args[0]) : undefined;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

/** "`model.fc1.weight` = the trial's first layer's weight (8 → 64)": each member read, once. */
function describeMembers(read: ModelReads, sizes: number[]): string[] {
  const layers = sizes.length - 1;
  const seen = new Set<string>();
  return read.members.flatMap((r) => {
    if (seen.has(r.key)) return [];
    seen.add(r.key);
    const i = layerIndex(read.slots.get(slotId(r)) ?? 0, layers);
    const which = `the trial's ${i === layers - 1 ? 'output' : (ORDINALS[i] ?? `${i + 1}th`)} layer (${sizes[i]} → ${sizes[i + 1]})`;
    const part = r.part === 'bias' ? 'the bias of ' : r.part === 'module' ? '' : 'the weight of ';
    return [`\`${r.key}\` = ${part}${which}`];
  });
}

/**
 * What a sum over the model's parameters (ir.ts `overWeights`: `for w in self.weights:`, `sum(… for p in
 * model.parameters())`) iterates, as written, for the header: the trial gives it its own model's parameters.
 */
function weightSums(loss: LossModel): string[] {
  const out = new Set<string>();
  walkExprs(evaluatedExprs(loss), (e) => {
    if (e.kind !== 'overWeights') return;
    const iterable = /\bfor\s+[^\n]*?\s+in\s+([\w.]+(?:\(\))?)/.exec(e.text)?.[1];
    if (iterable) out.add(iterable);
  });
  return [...out];
}

/** Whether the loss reads `name` itself (`model.parameters()`), not only through its members. */
function readsWhole(loss: LossModel, name: string): boolean {
  const visit = (e: Expr): boolean => (e.kind === 'name' && e.name === name && !isMemberBase(e)) || childrenOf(e).some(visit);
  const bases = new Set<Expr>();
  const isMemberBase = (e: Expr) => bases.has(e);
  walkExprs(evaluatedExprs(loss), (e) => {
    if ((e.kind === 'attr' || e.kind === 'subscript') && e.object.kind === 'name') bases.add(e.object);
  });
  return evaluatedExprs(loss).some(visit);
}
