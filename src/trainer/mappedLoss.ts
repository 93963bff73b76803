// The loss gets its extra tensor arguments (tensorArgs.ts) from what the loop hands every run's loss: the last
// hidden layer's activations (or the VAE head) under each name that comes from it, the run's weights, and targets
// that carry the synthetic group column last. Each name gets its view, on the gradient tape, so the penalty's
// gradient reaches the layer the view is cut from:
//   hidden   all units, or the i-th of m equal blocks when m arguments share the layer (`common_feats`, `specific_feats`);
//            as [B, 1, 1, n] when the loss reduces it over a feature map's axes (argRank.ts)
//   square   the first k² units as [B, k, k], k = ⌊√n⌋ (`trans`, a feature-transform matrix)
//   matrix   one [k, k] block of the kernel that makes the last hidden layer, k its smaller side (`trans` read as one
//            2-D matrix: `trans @ trans.transpose(0, 1)`), trainable
//   vae-*    mu = head[:, :d], logvar = head[:, d:2d], z = head[:, 2d:]; σ, σ², log σ from logvar
//   weights  the kernel of the layer that makes the last hidden layer ([out, in] in PyTorch, [in, out] elsewhere)
//   bias     that layer's bias
//   embedding  the i-th block of m of the hidden layer as wide as the prediction (m arguments dotted with it)
//   level, positive, coefficient  synthetic constants of the prediction's shape (syntheticArgs.ts)
//   mask          a fixed synthetic 0/1 mask of the prediction's shape (its last axis 1/k where the loss tiles it k times)
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Framework, LossModel } from '../analysis/ir';
import { argRank, sequenceSteps, slicesTime } from './argRank';
import type { Tf } from './backend';
import { matrixReadLine } from './groupMatrix';
import { maskLastAxis } from './maskShape';
import type { LossFn } from './runLoss';
import { type SyntheticKind, syntheticArg, syntheticIds, syntheticMask } from './syntheticArgs';
import { mappedTensorArgs, type TensorArgKind } from './tensorArgs';
import { usageOf } from './tensorUsage';

export interface ArgLayout {
  framework: Framework;
  /** Units of what the loop passes for the hidden names: the last hidden layer, or the VAE's [mu | logvar | z] (3 × latent). */
  units: number;
  /** The VAE's latent size, when the model is a VAE. */
  latent?: number;
  /** Index in a run's parameter list (model.runParameters) of the kernel weight-named arguments get. */
  weightIndex: number;
  /**
   * Whether the targets carry a group column last (the sensitive attribute): 'index' when the targets before it are
   * one column of class indices (passed on as [B]), 'columns' otherwise.
   */
  groupColumn?: 'index' | 'columns';
  /** With a group column: the target's per-sample shape once the column is off, when not the columns left (TrialData.groupedTargetShape). */
  targetShape?: readonly number[];
  /** A sample's shape as the loss reads it (an image's [H, W, C]), when it is not flat: a synthetic mask has it. */
  sampleShape?: readonly number[];
}

type View = (tf: Tf, h: Tensor, yPred: Tensor) => Tensor;

/** The i-th block of `h` as wide as the prediction's last axis, kept inside the layer (blocks overlap when i × P > units). */
function embeddingBlock(tf: Tf, h: Tensor, yPred: Tensor, i: number): Tensor {
  const units = h.shape[1]!;
  const width = Math.min(units, yPred.shape.at(-1) ?? 1);
  const start = Math.min(i * width, Math.max(0, units - width));
  return tf.slice(h, [0, start], [-1, width]);
}

/**
 * How each kind's tensor is cut from the hidden tensor [B, units]; `block` = [index, count] among plain hidden names,
 * `embedding` = the same among embedding names.
 */
function viewOf(kind: TensorArgKind, layout: ArgLayout, block: [number, number], embedding: [number, number]): View | undefined {
  const d = layout.latent ?? Math.floor(layout.units / 2);
  const mu = (tf: Tf, h: Tensor): Tensor => tf.slice(h, [0, 0], [-1, d]);
  const logvar = (tf: Tf, h: Tensor): Tensor => tf.slice(h, [0, d], [-1, d]);
  const k = Math.max(1, Math.floor(Math.sqrt(layout.units)));
  const [i, m] = block;
  const width = Math.max(1, Math.floor(layout.units / m));
  const views: Partial<Record<TensorArgKind, View>> = {
    hidden: (tf, h) => (m === 1 ? h : tf.slice(h, [0, i * width], [-1, width])),
    'output-item': (_tf, h) => h,
    embedding: (tf, h, yPred) => embeddingBlock(tf, h, yPred, embedding[0]),
    'per-sample': (tf, h) => tf.mean(h, 1),
    attention: (tf, h) => tf.softmax(h, -1),
    square: (tf, h) => tf.reshape(tf.slice(h, [0, 0], [-1, k * k]), [-1, k, k]),
    'vae-mean': mu,
    'vae-logvar': logvar,
    'vae-logsigma': (tf, h) => tf.mul(logvar(tf, h), 0.5),
    'vae-std': (tf, h) => tf.exp(tf.mul(logvar(tf, h), 0.5)),
    'vae-var': (tf, h) => tf.exp(logvar(tf, h)),
    // The VAE's sample after the head; without a VAE, `z` is the last hidden layer.
    'vae-sample': (tf, h) => (layout.latent ? tf.slice(h, [0, 2 * d], [-1, d]) : h),
  };
  return views[kind];
}

/** The single matrix's side: the smaller side of the kernel at `weightIndex` (sizes: the layers' widths). */
export const matrixSide = (sizes: readonly number[], weightIndex: number): number => Math.min(sizes[weightIndex / 2] ?? 1, sizes[weightIndex / 2 + 1] ?? 1);

/** The per-sample square matrix's side for `units` hidden units (for the header). */
export const squareSide = (units: number): number => Math.max(1, Math.floor(Math.sqrt(units)));

/** [B, n] as [B, 1, …, 1, n] of the given rank. */
const asSequence = (tf: Tf, t: Tensor): Tensor => {
  const units = t.shape[1] ?? 1;
  const steps = sequenceSteps(units);
  return tf.reshape(t, [t.shape[0] ?? -1, steps, units / steps]);
};
const asRank = (tf: Tf, t: Tensor, rank: number): Tensor => tf.reshape(t, [t.shape[0] ?? -1, ...Array<number>(rank - 2).fill(1), t.shape[1] ?? -1]);

/** The top-left [k, k] block of a kernel, k its smaller side: one trainable square matrix. */
function squareBlock(tf: Tf, w: Tensor): Tensor {
  const k = Math.min(w.shape[0] ?? 1, w.shape[1] ?? 1);
  return tf.slice(w, [0, 0], [k, k]);
}

/** Wraps each run's loss so that it gets its extra tensor arguments; the losses unchanged when it takes none. */
export function mappedLosses(tf: Tf, loss: LossModel, losses: LossFn[], layout: ArgLayout): LossFn[] {
  const args = mappedTensorArgs(loss);
  if (args.length === 0 && !layout.groupColumn) return losses;
  const plain = args.filter((a) => a.kind === 'hidden').map((a) => a.name);
  const embeddings = args.filter((a) => a.kind === 'embedding').map((a) => a.name);
  const blockOf = (names: string[], name: string): [number, number] => [Math.max(0, names.indexOf(name)), Math.max(1, names.length)];
  const views = args.flatMap((a) => {
    const view = viewOf(a.kind, layout, blockOf(plain, a.name), blockOf(embeddings, a.name));
    // an activation the loss reduces over feature-map axes (argRank.ts) gets them, of size 1
    const rank = a.kind === 'hidden' ? argRank(loss, a.name) : 2;
    // a sequence the loss differences along time (argRank.ts slicesTime): [B, T, units / T]
    const sequence = a.kind === 'hidden' && slicesTime(loss, a.name);
    const shaped: View | undefined = view && sequence ? (tf, h, yPred) => asSequence(tf, view(tf, h, yPred)) : view && rank > 2 ? (tf, h, yPred) => asRank(tf, view(tf, h, yPred), rank) : view;
    return shaped ? [{ name: a.name, view: shaped }] : [];
  });
  const synthetic = args.filter((a): a is { name: string; kind: SyntheticKind } => a.kind === 'level' || a.kind === 'positive' || a.kind === 'coefficient');
  // ids in range of the axis each indexes (tensorUsage.ts): of the prediction or the target when it is one of them
  const ids = args.filter((a) => a.kind === 'ids').flatMap((a, k) => {
    const index = usageOf(loss, a.name)?.index;
    return index ? [{ name: a.name, k, index }] : [];
  });
  const weightNames = args.filter((a) => a.kind === 'weights').map((a) => a.name);
  const biasNames = args.filter((a) => a.kind === 'bias').map((a) => a.name);
  const outputWeightNames = args.filter((a) => a.kind === 'output-weights').map((a) => a.name);
  const outputBiasNames = args.filter((a) => a.kind === 'output-bias').map((a) => a.name);
  const matrixNames = args.filter((a) => a.kind === 'matrix').map((a) => a.name);
  const groupNames = args.filter((a) => a.kind === 'sensitive').map((a) => a.name);
  // a group column read as a matrix (`groups.T.matmul(p)`) is given one-hot (groupMatrix.ts)
  const oneHot = new Set(groupNames.filter((name) => matrixReadLine(loss, name) !== undefined));
  // the input a target-less loss reconstructs (tensorArgs.ts reconstructionTarget): the autoencoder's targets
  const inputNames = args.filter((a) => a.kind === 'reconstruction-input').map((a) => a.name);
  const modelInputNames = args.filter((a) => a.kind === 'model-input').map((a) => a.name);
  const batchSizeNames = args.filter((a) => a.kind === 'batch-size').map((a) => a.name);
  const sampleWeightNames = args.filter((a) => a.kind === 'sample-weights').map((a) => a.name);
  const maskNames = args.filter((a) => a.kind === 'mask').map((a) => a.name);
  const kernelOf = (w: Tensor): Tensor => (layout.framework === 'pytorch' ? tf.transpose(w) : w);
  return losses.map((run): LossFn => (yTrue, yPred, extras) => {
    const given = extras?.tensors ?? {};
    const tensors: Record<string, Tensor> = {};
    const h = views.length > 0 ? given[views[0]!.name] : undefined;
    if (h) for (const { name, view } of views) tensors[name] = view(tf, h, yPred);
    for (const { name, kind } of synthetic) tensors[name] = syntheticArg(tf, kind, yPred);
    for (const { name, k, index } of ids) {
      const of = index.of === 'target' ? yTrue : yPred;
      const n = index.of === 'other' ? (yPred.shape[0] ?? 1) : (of.shape[index.axis] ?? 1);
      tensors[name] = syntheticIds(tf, yPred.shape[0] ?? 1, n, k, index.column);
    }
    const w = extras?.weights?.[layout.weightIndex];
    if (w) for (const name of weightNames) tensors[name] = kernelOf(w);
    if (w) for (const name of matrixNames) tensors[name] = squareBlock(tf, w);
    // the bias of the same layer: each layer's kernel is followed by its bias in a run's parameters
    const b = extras?.weights?.[layout.weightIndex + 1];
    if (b) for (const name of biasNames) tensors[name] = b;
    // the output layer's kernel and bias close a run's parameters
    const all = extras?.weights ?? [];
    if (all.length >= 2) for (const name of outputWeightNames) tensors[name] = kernelOf(all.at(-2)!);
    if (all.length >= 2) for (const name of outputBiasNames) tensors[name] = all.at(-1)!;
    for (const name of inputNames) tensors[name] = yTrue;
    for (const name of modelInputNames) tensors[name] = modelInput(extras?.input, name);
    for (const name of batchSizeNames) tensors[name] = tf.scalar(yPred.shape[0] ?? 1);
    // ones broadcast to any per-sample shape without changing a mean: the weighted fit is the plain one
    for (const name of sampleWeightNames) tensors[name] = tf.onesLike(yTrue);
    // (of the prediction as the loss reads it: an image's, where the loop hands it flat)
    const shape = layout.sampleShape && layout.sampleShape.length > 1 ? [yPred.shape[0] ?? 1, ...layout.sampleShape] : yPred.shape;
    for (const name of maskNames) tensors[name] = syntheticMask(tf, shape, maskLastAxis(loss, name, shape.at(-1) ?? 1));
    let y = yTrue;
    if (layout.groupColumn) {
      const cols = yTrue.shape[1]!;
      // a Keras model's single output is a column [B, 1], and so is a group column of its data (`sex[:, None]`): a
      // group [B] beside it would broadcast to [B, B] in `group * y_pred`
      const column = layout.framework === 'keras' && yPred.rank === 2 && yPred.shape[1] === 1;
      const group = tf.reshape(tf.slice(yTrue, [0, cols - 1], [-1, 1]), [-1]);
      const groupOf = (name: string): Tensor =>
        oneHot.has(name) ? tf.cast(tf.oneHot(tf.cast(group, 'int32'), 2), 'float32') : column ? tf.reshape(group, [-1, 1]) : group;
      for (const name of groupNames) tensors[name] = groupOf(name);
      const columns = tf.slice(yTrue, [0, 0], [-1, cols - 1]);
      y = layout.groupColumn === 'index' ? tf.reshape(columns, [-1]) : layout.targetShape ? tf.reshape(columns, [-1, ...layout.targetShape]) : columns;
    }
    return run(y, yPred, { ...(extras ?? {}), tensors: { ...given, ...tensors } });
  });
}

/** The batch the model ran on, for a loss that reads the model's input beside its target. */
function modelInput(input: Tensor | undefined, name: string): Tensor {
  if (!input) throw new Error(`\`${name}\` is the model's input, which this evaluation does not pass`);
  return input;
}
