// Extra tensor arguments of a loss (`mu`, `logvar`, `encoded`, `trans`, `enc_weight`, a sensitive attribute…) are
// mapped to the trial model by name, with this table; what it cannot map is refused by name, saying what it would
// take. Pure data (no tfjs): findUnsupported reads it before anything trains, mappedLoss.ts gives the tensors.

import { valueLookup } from '../analysis/bound';
import type { Expr, LossModel, LossParam } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';
import { pairedWithPrediction } from './predictionPair';
import { singleMatrixRead } from './singleMatrix';
import { type UsageKind, usageOf } from './tensorUsage';

/**
 * What an argument is, and so what the trainer passes for it:
 *   hidden     the last hidden layer's activations [B, n] (a block of its units when several arguments share it)
 *   square     a per-sample square matrix [B, k, k] made of the last hidden layer's first k² units (`trans`)
 *   matrix     a `square` argument the loss reads as one 2-D matrix (singleMatrix.ts): a single trainable [k, k]
 *              block of the kernel that makes the last hidden layer
 *   vae-*      a VAE head's outputs: the trial model becomes a VAE (model/vae.ts) and passes mu, logvar or what
 *              derives from them (σ = exp(logvar / 2), σ² = exp(logvar), log σ = logvar / 2), and the sample z
 *   weights    the kernel of the layer that makes the last hidden layer, in the framework's layout
 *   attention  attention weights (`attn`, `attention_weights`): the softmax of the last hidden layer's activations, one
 *              distribution per sample, as each row of attention weights is
 *   output-weights, output-bias  the output layer's kernel and bias (LossParam.outputLayer: a weight of the layer
 *              that makes the user's model's output, whose width is the prediction's)
 *   bias       that layer's bias (a Keras `bias_regularizer`'s tensor, python/builtinRegularizerModel.ts)
 *   sensitive  a synthetic 0/1 group column correlated with the target (data/sensitive.ts)
 *   mask       a fixed synthetic 0/1 mask of the prediction's shape (about 4 in 5 elements kept; its last axis 1 where the
 *              loss tiles it along that axis), as a data loader's mask of valid elements would be
 *   sample-weights ones shaped like the target (`x, y, sample_weight = batch`): the data's per-sample weights, all equal
 *              in a trial (the synthetic data weighs every sample the same), so the weighted fit is the plain one
 *   batch-size the number of samples in the batch (`global_batch_size` of tf.nn.compute_average_loss): the trial runs
 *              one replica, so the global batch is its batch
 *   output-item a further item of a prediction the loss unpacks (`logits, norm = outputs`): the model returns a tuple,
 *              its first item is the trial model's output and each further one the last hidden layer's activations
 *   model-input the batch the trial model runs on, for a loss that reads the model's input beside its target
 *              (`x` of `loss(y_pred, y_true, x)`: a penalty keeping the output near the input, a residual weighted by
 *              an input column); without a target, the input is what the loss reconstructs (reconstruction-input)
 * Refused with what to do: a list of weights, the model object itself.
 * An argument no row names gets the kind its use in the loss implies,
 * where a usage rule applies (tensorUsage.ts): an embedding, one value per sample, synthetic ids, a synthetic level,
 * positive tensor or coefficient.
 */
export type TensorArgKind =
  | 'hidden'
  | 'square'
  | 'matrix'
  | 'vae-mean'
  | 'vae-logvar'
  | 'vae-logsigma'
  | 'vae-std'
  | 'vae-var'
  | 'vae-sample'
  | 'reconstruction-input'
  | 'model-input'
  | 'weight-list'
  | 'model'
  | 'weights'
  | 'output-weights'
  | 'attention'
  | 'output-bias'
  | 'bias'
  | 'sensitive'
  | 'batch-size'
  | 'sample-weights'
  | 'output-item'
  | 'mask'
  // read from the argument's use, not its name (tensorUsage.ts); a list of weights goes through modelValues.ts
  | Exclude<UsageKind, 'weight-list'>;

interface Row {
  kind: TensorArgKind;
  names: RegExp;
  /** What the trainer would need to provide it, and what the user can do meanwhile; absent when it is provided. */
  refusal?: (name: string) => string;
}

/** First match wins. Names are matched whole, case-insensitively. */
export const tensorArgTable: readonly Row[] = [
  { kind: 'vae-mean', names: /^(mu|means?|z_mean|z_mu|mu_z|q_mu|mu_q|latent_mean|enc_mu|post_mu)$/i },
  { kind: 'vae-logvar', names: /^(logvar|log_var|log_variance|z_log_var|z_logvar|logvar_z|q_logvar|latent_log_var|enc_logvar|post_logvar)$/i },
  { kind: 'vae-logsigma', names: /^(log_?sigma|log_std|z_log_sigma|z_log_std)$/i },
  { kind: 'vae-std', names: /^(sigma|std|z_std|z_sigma|stddev)$/i },
  { kind: 'vae-var', names: /^(var|variance|z_var)$/i },
  // In a VAE the sample the decoder decoded; without a VAE head, the last hidden layer like any code (`z`).
  { kind: 'vae-sample', names: /^(z|z_sample|z_sampled|sampled_z|latent_sample)$/i },
  { kind: 'attention', names: /^(attn|attention|attentions|attn_weights|attention_weights|att_weights|attn_probs|attention_probs|attn_maps?|attention_maps?)$/i },
  { kind: 'square', names: /^(trans|trans_feat|transform|transform_matrix|trans_matrix|feat_trans|feature_transform|rotation)$/i },
  {
    kind: 'hidden',
    names:
      /^(encoded|encoding|encodings|z|h|hidden|latents?|codes?|embeddings?|emb|activations?|acts|representations?|reprs?|feats?|features?|[a-z]+_(feats?|features|embeddings?|codes?|repr|hidden)|(feats?|features|hidden|codes?)_[a-z0-9]+)$/i,
  },
  {
    kind: 'reconstruction-input',
    names: /^(x|inputs?|original|images?|data|batch)$/i,
    // reached for a whole `batch` (input and target in one), or a second input of a loss with no target
    refusal: (n) =>
      /^batch$/i.test(n)
        ? `\`${n}\` is the whole batch (input and target together), which the trainer does not pass as one value: unpack it (\`x, y = ${n}\`) and read the model's input as \`x\`, which the trainer passes`
        : `\`${n}\` is a second input beside the one the loss reconstructs, which the trainer cannot provide (it trains an autoencoder on one input, the target); pass it as a dataset column`,
  },
  {
    kind: 'weight-list',
    names: /^(params|parameters|theta)$/i,
    refusal: (n) =>
      `\`${n}\` is a list of weights: write the penalty over \`model.parameters()\` (\`sum(p.abs().sum() for p in model.parameters())\`), which the trainer passes its model's weights to`,
  },
  {
    kind: 'model',
    names: /^(model|net|network|module|mdl|classifier|encoder|decoder)$/i,
    refusal: (n) =>
      `\`${n}\` is the model itself, used in a way the trainer cannot follow: it gives a model argument its trial model's weights where the loss reads them (\`${n}.parameters()\`, \`${n}.fc1.weight\`, \`${n}.lora_A\`) and runs it only as the prediction (\`pred = ${n}(x)\`); read the weights that way, or compute what the loss takes from the model outside it and pass that`,
  },
  // a mask of the data (`mask`, `valid_mask`, `xCoordMask`): which elements count, a fixed synthetic 0/1 tensor of the
  // prediction's shape (syntheticArgs.ts), as a data loader's mask would be
  { kind: 'mask', names: /^([a-z0-9]+_)*masks?(_[a-z0-9]+)*$/i },
  // before `weights`: `sample_weight` is data, not a kernel
  { kind: 'sample-weights', names: /^(sample_?weights?|sample_wts?|instance_weights?|example_weights?|per_sample_weights?|sw)$/i },
  { kind: 'weights', names: /^(w|weights?|kernel|[a-z]+_(weights?|kernel|w)|(weights?|kernel|w)_[a-z0-9]+)$/i },
  { kind: 'bias', names: /^bias$/i },
  { kind: 'batch-size', names: /^(global_batch_size|batch_size|global_batch|n_batch|bs)$/i },
  // the spellings fairness code uses for the protected attribute (`s_attr`, `sens`, `x_control`, `gender`, …)
  { kind: 'sensitive', names: /^(groups?|sensitive|sensitive_(attrs?|attributes?|features?|groups?)|sens(_attrs?)?|s|s_attrs?|attrs?|attributes?|protected(_attrs?|_attributes?)?|prot(_attrs?)?|a|x_control|race|gender|sex|[a-z]+_group|groups?_[a-z]+)$/i },
];

export interface TensorArgRefusal {
  name: string;
  kind: TensorArgKind | 'unknown';
  message: string;
}

/** `zLogVar` → `z_log_var`: TS/JS names are camelCase, the table is written in snake_case. */
const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');

/** A name as the table reads it: `vae.logvar` (a model object's attribute, analysis role 'tensor') by its attribute. */
const attribute = (name: string): string => name.slice(name.lastIndexOf('.') + 1);
const rowOf = (name: string): Row | undefined => {
  const n = attribute(name);
  return tensorArgTable.find((r) => r.names.test(n) || r.names.test(snake(n)));
};

export const tensorArgKind = (name: string): TensorArgKind | undefined => rowOf(name)?.kind;

/** A parameter's row: by its own name, else by the name a same-file function gives it where the loss passes it (LossParam.alias). */
const paramRow = (p: LossParam): Row | undefined => rowOf(p.name) ?? (p.alias !== undefined ? rowOf(p.alias) : undefined);
const paramRowKind = (p: LossParam): TensorArgKind | undefined => paramRow(p)?.kind;

/**
 * The extra tensor arguments of a loss: the ones the analysis marks 'tensor', and the arguments it could not place
 * ('other', no default) whose name the table knows (`trans`, `common_feats`: shapes of tensors the analysis' own
 * name list does not hold).
 */
export function extraTensorParams(loss: LossModel): LossParam[] {
  const absent = new Set(absentArgs(loss));
  // a size the loss is built with (`RedundancyReductionLoss(feat_dim=128)`) is a number, whatever its name says
  const built = valueLookup(loss);
  const unvalued = (p: LossParam): boolean => unvaluedArgument(p) && built(p.name) === undefined;
  return loss.params.filter((p) => !absent.has(p.name) && (p.role === 'tensor' || (unvalued(p) && (paramRowKind(p) !== undefined || providedUsage(loss, p.name) !== undefined))));
}

/**
 * An argument nothing gives a value: no default, no list value, not an item of another, not an attribute; or an
 * activation that defaults to None, which the trial gives all the same (`seq_feats=None` read by a penalty on the
 * features: absentArgs).
 */
const unvaluedArgument = (p: LossParam): boolean =>
  p.role === 'other' && p.default === undefined && p.items === undefined && p.unpacks === undefined && (!p.noneDefault || fromHidden.has(paramRowKind(p) as TensorArgKind)) && !p.name.includes('.');

/** The usage of an argument when it makes a tensor the trial provides here (a list of weights is the model's: modelValues.ts). */
function providedUsage(loss: LossModel, name: string): { kind: Exclude<UsageKind, 'weight-list'>; because: string } | undefined {
  const u = usageOf(loss, name);
  return u && u.kind !== 'weight-list' ? { kind: u.kind, because: u.because } : undefined;
}

/**
 * A tensor the model computes, whatever its name: a further output of its call (LossParam.modelOutput), or a hidden
 * tensor of the file's Keras functional graph an added loss reads (LossParam.graphActivation).
 */
const computedByModel = (p: LossParam): boolean => p.modelOutput !== undefined || p.graphActivation === true;

/** Why an argument read by its use has its kind (tensorUsage.ts), for the header; undefined for one read by its name. */
export function usageReason(loss: LossModel, name: string): string | undefined {
  const p = loss.params.find((q) => q.name === name);
  if (p && computedByModel(p) && paramKind(loss, p) === 'per-sample') return providedUsage(loss, name)?.because;
  if (p && computedByModel(p) && paramKind(loss, p) === 'embedding') return pairedWithPrediction(loss, name);
  return p && !p.modelWeight && !computedByModel(p) && !nameSettles(p) ? providedUsage(loss, name)?.because : undefined;
}

/**
 * Whether the name table says what the argument is: a tensor it provides, or one it refuses (the model's input, the
 * model itself: a synthetic tensor in their place would misrepresent them; a list of weights it refuses by name is
 * the model's weights where the loss iterates it, interpreter/modelValues.ts).
 */
const nameSettles = (p: LossParam): boolean => paramRow(p) !== undefined;

/** Kinds the trial model gives even where the argument defaults to None: activations and a group column the penalty reads. */
const givenWhenOptional: ReadonlySet<TensorArgKind> = new Set(['hidden', 'square', 'matrix', 'vae-mean', 'vae-logvar', 'vae-logsigma', 'vae-std', 'vae-var', 'vae-sample', 'sensitive']);

/**
 * The arguments that default to None (`mask=None`, `pos_weight=None`, `sample_weight=None`) the trainer leaves out, so
 * the loss runs as called without them: all but the model's activations and a sensitive group column, which it gives
 * (a penalty on `features=None` needs them). A mask, per-sample or per-class weights, an input: None.
 */
export function absentArgs(loss: LossModel): string[] {
  return loss.params.filter((p) => p.noneDefault && p.default === undefined && p.items === undefined && !givenWhenOptional.has(paramRowKind(p) as TensorArgKind)).map((p) => p.name);
}

/**
 * The model's input read as the target of a loss that has no target of its own: a Keras `train_step` on unlabelled
 * data (`x = data`, `x_hat = self.vae(x)`, `ops.sum((x - x_hat) ** 2)`) reconstructs its input. The trainer trains an
 * autoencoder (target = input) and passes its targets under that name.
 */
export function reconstructionTarget(loss: LossModel): string | undefined {
  if (loss.params.some((p) => p.role === 'yTrue')) return undefined;
  const inputs = extraTensorParams(loss).filter((p) => paramRowKind(p) === 'reconstruction-input');
  // an argument the loss reads that nothing gives a value (`y` the analysis did not take as the target) may be the
  // target: then the input is not what the loss reconstructs
  const unvalued = new Set(loss.params.filter((p) => p.role === 'other' && p.default === undefined && p.items === undefined).map((p) => p.name));
  const readsUnvalued = (e: Expr): boolean => (e.kind === 'name' && unvalued.has(e.name)) || childrenOf(e).some(readsUnvalued);
  if (loss.terms.some((t) => readsUnvalued(t.expr))) return undefined;
  return inputs.length === 1 ? inputs[0]!.name : undefined;
}

/**
 * A parameter's kind: a weight of the model whose method the loss is (LossParam.modelWeight) whatever its name; a
 * further output of the model's call (LossParam.modelOutput) by its name when the table gives it an activation
 * (`mu`, `logvar`, `feats`), else the hidden activations (`aux`, `p`, `attn_weights`: a tensor the model computes,
 * never a weight or a data column); else by name.
 */
function paramKind(loss: LossModel, p: LossParam): TensorArgKind | undefined {
  // the input a loss with no target reconstructs, even where the analysis saw it come out of a layer call
  // (`x = self.flatten(data)` beside `x_hat, _, mean, log_var = self.vae(x)`): the trial's targets, not activations
  if (computedByModel(p) && p.name === reconstructionTarget(loss)) return 'reconstruction-input';
  const kind = namedKind(loss, p);
  // the model's input beside a target is given as the batch (a reconstruction without a target gets it as the target)
  if (kind === 'reconstruction-input' && loss.params.some((q) => q.role === 'yTrue') && !/^batch$/i.test(attribute(p.name))) return 'model-input';
  return kind === 'square' && singleMatrixRead(loss, p.name) !== undefined ? 'matrix' : kind;
}

function namedKind(loss: LossModel, p: LossParam): TensorArgKind | undefined {
  // the batch an inline loss's model was given, whatever its name (`batch_X`): the trial's input batch
  if (p.modelInput) return 'reconstruction-input';
  if (p.modelWeight && p.outputLayer) return attribute(p.name) === 'bias' ? 'output-bias' : 'output-weights';
  if (p.modelWeight) return 'weights';
  const kind = paramRowKind(p);
  if (!computedByModel(p)) return nameSettles(p) ? kind : (providedUsage(loss, p.name)?.kind ?? kind);
  if (kind !== undefined && fromHidden.has(kind) && kind !== 'output-item') return kind;
  // a further output the loss pairs with the prediction has its width (predictionPair.ts); not one the name table
  // calls something else (`x = self.flatten(data)` is the model's input, not an output beside the prediction)
  if (kind === undefined && pairedWithPrediction(loss, p.name)) return 'embedding';
  // a further output the loss reads as one value per sample (a flow's log-determinant beside a per-sample log-density)
  return usageOf(loss, p.name)?.kind === 'per-sample' ? 'per-sample' : 'hidden';
}
const paramRefusal = (loss: LossModel, p: LossParam): ((n: string) => string) | undefined =>
  p.modelWeight || computedByModel(p) || usageReason(loss, p.name) !== undefined || paramKind(loss, p) === 'model-input' ? undefined : paramRow(p)?.refusal;

/** The model outputs mapped to hidden activations by what they are, not by their names (paramKind). */
export function unnamedModelOutputs(loss: LossModel): string[] {
  return extraTensorParams(loss).filter((p) => p.modelOutput !== undefined && paramKind(loss, p) === 'hidden' && paramRowKind(p) !== 'hidden').map((p) => p.name);
}

/** The hidden tensors of the file's Keras graph mapped to hidden activations by what they are, not by their names. */
export function graphActivations(loss: LossModel): string[] {
  return extraTensorParams(loss).filter((p) => p.graphActivation && paramKind(loss, p) === 'hidden' && paramRowKind(p) !== 'hidden').map((p) => p.name);
}

/** The provided extra tensor arguments, in argument order, with their kinds; then a tuple prediction's further items. */
export function mappedTensorArgs(loss: LossModel): { name: string; kind: TensorArgKind }[] {
  const target = reconstructionTarget(loss);
  const args = extraTensorParams(loss).flatMap((p) => {
    const kind = paramKind(loss, p);
    return kind && (!paramRefusal(loss, p) || p.name === target) ? [{ name: p.name, kind }] : [];
  });
  return [...args, ...furtherPredictionItems(loss).map((name) => ({ name, kind: 'output-item' as const }))];
}

/**
 * The items of a prediction the loss unpacks as a tuple (`logits, norm = outputs` → [`outputs[0]`, `outputs[1]`]), by
 * the names the loss gets them under (the item's text); empty when the prediction is one tensor.
 */
export function predictionItems(loss: LossModel): string[] {
  const yPred = loss.params.find((p) => p.role === 'yPred')?.name;
  let count = 0;
  const visit = (e: Expr): void => {
    if (e.kind === 'subscript' && e.unpacked && e.object.kind === 'name' && e.object.ref === 'yPred') {
      const it = e.index[0];
      if (it?.kind === 'index' && it.value.kind === 'number') count = Math.max(count, it.value.value + 1);
    }
    for (const c of childrenOf(e)) visit(c);
  };
  for (const t of loss.terms.length > 0 ? loss.terms.flatMap((t) => (t.weight ? [t.expr, t.weight] : [t.expr])) : [loss.body]) visit(t);
  return yPred && count > 1 ? Array.from({ length: count }, (_, i) => `${yPred}[${i}]`) : [];
}

/** `yPred[k]` of a tuple unpacking (`[mean, logVar, recon] = yPred`): k, else undefined. */
function unpackedItem(e: Expr): number | undefined {
  if (e.kind !== 'subscript' || !e.unpacked || e.object.kind !== 'name' || e.object.ref !== 'yPred') return undefined;
  const it = e.index[0];
  return it?.kind === 'index' && it.value.kind === 'number' ? it.value.value : undefined;
}

/**
 * The item of an unpacked prediction that is the model's output: the one the loss compares with the target
 * (`bce(yTrue, recon)` of `[mean, logVar, recon] = yPred`, `recon - y_true`), else the first. A model that returns
 * its heads before its reconstruction is common (a VAE's `[z_mean, z_log_var, decoded]`), and the trial's output has
 * the target's shape where the further items have the hidden layer's.
 */
export function outputItemIndex(loss: LossModel): number {
  let found: number | undefined;
  const visit = (e: Expr): void => {
    if (found !== undefined) return;
    const children = childrenOf(e);
    const withTarget = children.some((c) => c.kind === 'name' && c.ref === 'yTrue');
    const item = withTarget ? children.map(unpackedItem).find((k) => k !== undefined) : undefined;
    if (item !== undefined) found = item;
    else for (const c of children) visit(c);
  };
  for (const t of loss.terms.length > 0 ? loss.terms.map((t) => t.expr) : [loss.body]) visit(t);
  return found !== undefined && found < predictionItems(loss).length ? found : 0;
}

/** The unpacked prediction's items other than the model's output (outputItemIndex): what the loop hands by name. */
export function furtherPredictionItems(loss: LossModel): string[] {
  const output = outputItemIndex(loss);
  return predictionItems(loss).filter((_, i) => i !== output);
}

/**
 * Whether `e` reads the prediction whole where the loss also unpacks it (predictionItems): the loss a Keras model
 * compiles beside an add_loss layer whose inputs are unpacked (`mean, log_var = inputs`) reads the model's output,
 * which is the first item the trainer gives, not the tuple.
 */
export function readsWholePrediction(e: Expr): boolean {
  if (e.kind === 'subscript' && e.unpacked && e.object.kind === 'name' && e.object.ref === 'yPred') return false;
  if (e.kind === 'name') return e.ref === 'yPred';
  return childrenOf(e).some(readsWholePrediction);
}

/** Kinds whose tensor comes from the last hidden layer (or the VAE head): the loop passes that layer for them. */
const fromHidden: ReadonlySet<TensorArgKind> = new Set(['hidden', 'attention', 'output-item', 'embedding', 'per-sample', 'square', 'vae-mean', 'vae-logvar', 'vae-logsigma', 'vae-std', 'vae-var', 'vae-sample']);
export const isVaeKind = (kind: TensorArgKind): boolean => kind.startsWith('vae-');

/** The extra tensor arguments the loop passes the last hidden layer's activations (or the VAE head) for. */
export function hiddenArgs(loss: LossModel): string[] {
  return mappedTensorArgs(loss)
    .filter((a) => fromHidden.has(a.kind))
    .map((a) => a.name);
}

/** Whether the trial model is a VAE: the loss reads a VAE head's mean and its (log-)variance. */
export function wantsVae(loss: LossModel): boolean {
  const kinds = mappedTensorArgs(loss).map((a) => a.kind);
  return kinds.includes('vae-mean') && kinds.some((k) => isVaeKind(k) && k !== 'vae-mean' && k !== 'vae-sample');
}

/** Each extra tensor argument the loss takes, with why it cannot be provided and what the user can do. */
export function refusedTensorArgs(loss: LossModel): TensorArgRefusal[] {
  const vae = wantsVae(loss);
  const target = reconstructionTarget(loss);
  return extraTensorParams(loss).flatMap((p): TensorArgRefusal[] => {
    const kind = paramKind(loss, p);
    const refusal = p.name === target ? undefined : paramRefusal(loss, p);
    if (kind && refusal) return [{ name: p.name, kind, message: refusal(p.name) }];
    if (kind && isVaeKind(kind) && kind !== 'vae-sample' && !vae) {
      const missing = kind === 'vae-mean' ? 'its log-variance (`logvar`)' : 'its mean (`mu`)';
      return [{ name: p.name, kind, message: `\`${p.name}\` is a VAE head's output, but the loss does not take ${missing} beside it, so the trainer cannot build the head; pass \`${p.name}\` as a dataset column` }];
    }
    if (kind) return [];
    return [{ name: p.name, kind: 'unknown' as const, message: unprovidedTensor(p.name) }];
  });
}

/**
 * The refusal of a tensor beside the prediction that the trial cannot make up (a teacher's logits, asset returns, a
 * mask from the data loader): what the trainer passes, and what it would take.
 */
export function unprovidedTensor(name: string): string {
  return `\`${name}\` is a tensor argument the trainer cannot provide (it passes the targets, the predictions, the model's input, and tensors it recognises by name: hidden activations, weights, VAE heads, a sensitive attribute, a mask, a reconstruction's input), and its values would have to come from your data: pass it as a dataset column, choose a loss without it (--function), or rename it if it is one of those`;
}
