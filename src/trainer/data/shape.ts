// The shape of one sample's prediction, read from what the loss reads, so that the synthetic data and the trial
// model fit the loss instead of the loss failing on the trainer's data:
//   - `y_pred[:, 5]`, `y_pred[..., 5]`, `y_true[:, :6]` → at least 6 outputs (highest index + 1, a slice's bound);
//   - a per-output constant (`torch.tensor([0.5] * 6)`, `tf.constant([1., 2., 3.])`) → exactly its length;
//   - four index positions (`img[:, :, 1:, :]`) or `x.shape[3]` / `x.size(3)` → images, (N, C, H, W) in PyTorch and
//     (N, H, W, C) in Keras/TF.js; three (`seq[:, 1:, :]`) → a sequence (N, T, F).
// The MLP's output is reshaped to it (a reshape is exact and differentiable). Shared by src/trial (the spec's output
// count) and the trainer (data and reshape).
import type { LossModel } from '../../analysis/ir';
import { MAX_SAMPLE_VALUES } from '../../protocol/trainer';
import { layerInputWidth } from './layerInputWidth';
import { fittingSize, lossReshapeWidth } from './reshapeWidth';
import { type Reads, readSample } from './sampleReads';
import { lossTargetWidth } from './targetWidth';
import { lossTask } from './task';

export interface SampleShape {
  /** Per-sample shape of the prediction (and of the targets, one per output): [outputs], [C, H, W], [T, F]. */
  shape: number[];
  /** Why, for the panel header; absent when the default shape is kept. */
  why?: string;
}

const IMAGE = { pytorch: [3, 6, 6], channelsLast: [6, 6, 3] };
const SEQUENCE = [8, 2];
/** Frames of a sequence along the axis the loss slices (time), when it reads no length of its own. */
const SEQUENCE_FRAMES = 8;

/** Outputs a loss gets when it reads their count (countRead): a matrix of outputs × outputs with off-diagonal entries. */
const COUNTED_OUTPUTS = 4;

/** The per-sample prediction shape for `loss`, given the output count the task would use by default. */
export function lossSampleShape(loss: LossModel, defaultOutputs: number): SampleShape {
  // a prediction flattened to one value per sample beside target columns is one output (./targetWidth.ts)
  const flat = loss.kind === 'regularizer' ? undefined : lossTargetWidth(loss);
  if (flat) return { shape: [1], why: flat.outputWhy };
  const r = readSample(loss);
  const rank = Math.min(r.rank, 4);
  const channelsLast = loss.framework !== 'pytorch';
  const base = rank === 4 ? (channelsLast ? IMAGE.channelsLast : IMAGE.pytorch) : rank === 3 ? SEQUENCE : [defaultOutputs];
  const shape = [...base];
  for (const [axis, need] of r.minFromStart) if (axis <= shape.length) shape[axis - 1] = Math.max(shape[axis - 1]!, need);
  shape[shape.length - 1] = Math.max(shape[shape.length - 1]!, r.minLast);
  if (rank === 4) fitChannels(shape, channelsLast, r);
  if (rank === 3) {
    // a sequence: the axis the loss slices is time, with a few frames; a reshape fixes the other's size
    for (const axis of r.sliced) if (axis <= 2) shape[axis - 1] = Math.max(shape[axis - 1]!, SEQUENCE_FRAMES);
    for (const [axis, k] of r.exact) if (axis <= 2 && k >= (r.minFromStart.get(axis) ?? 0)) shape[axis - 1] = k;
  }
  // (a regularizer's `y_pred` is a kernel, whose shape is the layer's, not the trial's outputs)
  if (rank === 2 && loss.kind !== 'regularizer' && r.outputCount.length > 0 && shape[0]! <= COUNTED_OUTPUTS) {
    shape[0] = COUNTED_OUTPUTS;
    r.evidence.push(`the count of outputs ${r.outputCount[0]}`);
  }
  const constant = r.constants.length > 0 ? Math.max(...r.constants) : undefined;
  // A per-output constant broadcasts against the last axis only when the lengths are equal.
  if (constant !== undefined && constant >= (rank === 2 ? (r.minFromStart.get(1) ?? 0) : r.minLast)) shape[shape.length - 1] = constant;
  // a flat sample the loss reshapes to rows of K (`x.view(-1, 784)`) holds a multiple of K values
  const reshaped = rank === 2 && loss.kind !== 'regularizer' ? lossReshapeWidth(loss) : undefined;
  if (reshaped && shape[0]! % reshaped.width !== 0) {
    shape[0] = fittingSize(shape[0]!, reshaped.width);
    r.evidence.push(reshaped.why);
  }
  // PyTorch's conv/temporal layout (N, C, T): the loss slices the last axis, not the one after the batch
  const channelsFirst = rank === 3 && r.sliced.has(2) && !r.sliced.has(1);
  const fileWidth = rank === 2 && loss.kind !== 'regularizer' && !reshaped ? outputLayerWidth(loss, r) : undefined;
  if (fileWidth) shape[0] = fileWidth.count;
  // a layer the loss builds takes the width it was built for (`nn.Linear(44, 128)` on the loss's input)
  const layer = layerInputWidth(loss);
  if (layer) {
    shape[shape.length - 1] = layer.width;
    r.evidence.push(layer.why);
  }
  const why = explain(rank, channelsLast, shape, r.evidence, channelsFirst, r.reduced);
  if (fileWidth) return { shape, why: `${fileWidth.count} outputs because your model's last layer has ${fileWidth.count} units (line ${fileWidth.line})${why ? ` and ${why.slice(why.indexOf('because ') + 8)}` : ''}` };
  return why ? { shape, why } : { shape };
}

/**
 * The width of the file's model's last layer (LossModel.outputUnits: `Dense(6)`, `nn.Linear(h, 6)`) where the loss
 * reads its prediction's columns (`y_pred[:, 1:] - y_pred[:, :-1]`, `y_pred[:, 2]`) or its output layer's weights, or
 * classifies (the width is the count of classes a center-loss table or class weights are sized by), and the width holds every column
 * it reads: the trial's prediction is as wide as the model's, so what the columns mean is kept.
 */
function outputLayerWidth(loss: LossModel, r: Reads): LossModel['outputUnits'] {
  const width = loss.outputUnits;
  // the output layer's own weight (LossParam.outputLayer) is as wide as the prediction: its shape is the model's too;
  // a classifier's width is its count of classes, which the loss's per-class tables (centers, class weights) share
  const readsColumns = r.sliced.has(1) || r.minFromStart.has(1) || loss.params.some((p) => p.outputLayer) || classifies(loss);
  // a per-output constant of another length (`[1.0, 0.5, 0.2]` weights) must still broadcast against the prediction
  const fits = width && width.count >= Math.max(r.minFromStart.get(1) ?? 0, r.minLast, 2) && width.count <= MAX_FILE_OUTPUTS && r.constants.every((c) => c === width.count);
  return fits && readsColumns ? width : undefined;
}

/**
 * A loss that classifies with the model's output as its prediction (an add_loss or a regularizer reads a layer's
 * tensor instead, whose width is not the classes').
 */
const classifies = (loss: LossModel): boolean => loss.kind !== 'add-loss' && loss.kind !== 'regularizer' && lossTask(loss).task === 'classification';

/** A trial's prediction is small: a wider last layer (a vocabulary, an image) is not taken from the file. */
const MAX_FILE_OUTPUTS = 64;

/**
 * A loss that fixes an image's height and width (`pred[:, :, :h - 1, :w - 1]` with h = 101) but never reads its
 * channels gets one channel where the default three would not fit in a trial's sample.
 */
function fitChannels(shape: number[], channelsLast: boolean, r: Reads): void {
  const axis = channelsLast ? 3 : 1;
  const needed = r.minFromStart.get(axis) ?? (channelsLast ? r.minLast : 0);
  if (shapeSize(shape) > MAX_SAMPLE_VALUES && needed <= 1) shape[axis - 1] = 1;
}

function explain(rank: number, channelsLast: boolean, shape: number[], evidence: string[], timeLast = false, reduced: string[] = []): string | undefined {
  const unique = [...new Set(evidence)].slice(0, 3);
  const reads = unique.length > 0 ? `the loss reads ${unique.join(', ')}` : '';
  const how = (axes: string) => (reduced.length > 0 && unique.length === 0 ? `reduces over ${axes}: ${reduced[0]}` : `indexes ${axes}`);
  const reshaped = (what: string, axes: string) => `${what} = (N, ${shape.join(', ')}), the MLP's output reshaped, because the loss ${how(axes)}${reads ? `; ${reads}` : ''}`;
  if (rank === 4) return reshaped(`images (N, ${channelsLast ? 'H, W, C' : 'C, H, W'})`, 'four axes');
  if (rank === 3) return reshaped(timeLast ? 'sequences (N, C, T)' : 'sequences (N, T, F)', 'three axes');
  return reads ? `${shape[0]} outputs because ${reads}` : undefined;
}

export const shapeSize = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
