// The trial's data: a synthetic set chosen from the loss, or the user's file; then the train/validation split.
import type { LossModel } from '../../analysis/ir';
import { isReconstructionPair } from '../../analysis/terms/roles';
import type { TrialSpec } from '../../protocol/trainer';
import { mappedTensorArgs, reconstructionTarget } from '../tensorArgs';
import { autoencoderData } from './autoencoder';
import { type Dataset, DatasetError, splitDataset } from './dataset';
import { type DatasetAccess, readDatasetFile } from './files';
import { lossInputWidth } from './inputWidth';
import { fittingSize, lossReshapeWidth } from './reshapeWidth';
import { withAttributeColumns, withGroupColumn } from './sensitive';
import { lossSampleShape, shapeSize } from './shape';
import { synthesize } from './synthetic';
import { lossAttributeColumns, lossTargetAxis, targetSampleShape } from './targetShape';
import { lossTargetWidth } from './targetWidth';
import { lossBounds, lossTask } from './task';

export { type Dataset, DatasetError, splitDataset } from './dataset';
export { DatasetLoadStopped, DEFAULT_MAX_DATASET_MB, loadDatasetFile, readDatasetFile } from './files';
export { lossSampleShape, shapeSize } from './shape';
export { synthesize } from './synthetic';
export { lossBounds, lossTask } from './task';

/** The most classes a sparse loss may get from a label column: each is one output of every run's model. */
export const MAX_CLASSES = 1000;

export interface TrialData {
  train: Dataset;
  val: Dataset | undefined;
  /** Class indices (sparse losses) or one target column per output. */
  encoding: 'onehot' | 'index';
  description: string;
  /** One sample's prediction shape as the loss reads it ([outputs], or [C, H, W], [T, F]): the MLP's output is reshaped to it. */
  sampleShape: number[];
  /** Why the data has this shape (panel header), when it is not the task's default. */
  shapeWhy?: string;
  /**
   * The targets' last column is the group of a sensitive attribute (`group`), not a target: 'index' when the
   * columns before it are one column of class indices, 'columns' otherwise (../mappedLoss.ts takes it off).
   */
  groupColumn?: 'index' | 'columns';
  /**
   * One sample's target shape when it is not the prediction's (./targetShape.ts: one target compared with each
   * prediction column): [] for one number per sample, [T] for one per frame.
   */
  targetShape?: number[];
  /**
   * With a group column, which the loop carries as the targets' last column: the target's per-sample shape the loss
   * wrapper gives back once it takes the column off (mappedLoss.ts), when it is not the prediction's.
   */
  groupedTargetShape?: number[];
}

/** The shape of `n` samples' targets as the loss receives them. */
export function targetTensorShape(data: Pick<TrialData, 'encoding' | 'targetShape' | 'train'>, n: number): number[] {
  if (data.targetShape) return [n, ...data.targetShape];
  return data.encoding === 'index' ? [n] : [n, data.train.targets];
}

/** The loss's prediction and target when they are a reconstruction and its input (`x_hat`, `x`): an autoencoder task. */
export function reconstructionPair(loss: LossModel): { yPred: string; yTrue: string } | undefined {
  const yPred = loss.params.find((p) => p.role === 'yPred')?.name;
  const yTrue = loss.params.find((p) => p.role === 'yTrue')?.name;
  const input = reconstructionTarget(loss);
  if (yPred && input) return { yPred, yTrue: input };
  // the analysis read the target as the model's own input (a Keras graph's Input, a loss layer on input and output)
  if (yPred && yTrue && loss.targetIsInput) return { yPred, yTrue };
  return yPred && yTrue && isReconstructionPair(yPred, yTrue) ? { yPred, yTrue } : undefined;
}

const modelInputArgs = (loss: LossModel): string[] => mappedTensorArgs(loss).flatMap((a) => (a.kind === 'model-input' ? [a.name] : []));
const readsSensitive = (loss: LossModel): boolean => mappedTensorArgs(loss).some((a) => a.kind === 'sensitive');

/**
 * The trial's data. A file is read in chunks (readDatasetFile): `shouldStop` is asked between them and a stop throws
 * DatasetLoadStopped; every problem with the data is a DatasetError naming the file (and row). `access` carries
 * workspace trust (../trust.ts): untrusted, the file's real path must lie in the workspace.
 */
export async function prepareData(
  spec: Pick<TrialSpec, 'dataset' | 'seed' | 'validationSplit'>,
  loss: LossModel,
  baseDir = process.cwd(),
  shouldStop: () => boolean = () => false,
  access?: DatasetAccess,
): Promise<TrialData> {
  const wants = lossTask(loss);
  let data: Dataset;
  let sample: { shape: number[]; why?: string } | undefined;
  let targets: { shape: number[]; why: string } | undefined;
  if (spec.dataset.kind === 'synthetic') {
    const task = spec.dataset.task === 'auto' ? wants.task : spec.dataset.task;
    // The synthetic data is the trainer's: it is shaped to what the loss reads (an index past the last output is
    // the data's fault, not the user's line).
    sample = lossSampleShape(loss, spec.dataset.outputs);
    // A reconstruction loss on flat samples trains an autoencoder: target = input, as many outputs as features.
    const pair = reconstructionPair(loss);
    // (the spec carries the task the loss implies, `inferTask`; only a task chosen otherwise keeps its own data)
    if (pair && sample.shape.length === 1 && (spec.dataset.task === 'auto' || spec.dataset.task === wants.task) && wants.task !== 'classification') {
      const why = `the loss compares \`${pair.yPred}\` with the input \`${pair.yTrue}\``;
      // the loss's own reshape of its input (`x.view(-1, 784)`) fixes how many features a sample has
      const reshaped = lossReshapeWidth(loss);
      const features = reshaped ? fittingSize(spec.dataset.features, reshaped.width) : spec.dataset.features;
      const because = reshaped && features !== spec.dataset.features ? `${why}; ${features} features because ${reshaped.why}` : why;
      data = autoencoderData({ samples: spec.dataset.samples, features, seed: spec.seed, why: because, binary: wants.task === 'binary' });
      sample = { shape: [data.outputs] };
    } else {
      const frames = task === 'classification' && wants.encoding === 'index' ? sequenceFrames(loss, sample.shape) : undefined;
      targets = task === 'classification' ? undefined : columnTargets(loss, sample.shape);
      // the model's input the loss combines with (a block of) its prediction has that block's width
      const input = sample.shape.length === 1 ? lossInputWidth(loss, modelInputArgs(loss), shapeSize(sample.shape)) : undefined;
      data = synthesize({
        task,
        samples: spec.dataset.samples,
        features: input?.features ?? spec.dataset.features,
        outputs: targets ? shapeSize(targets.shape) : shapeSize(sample.shape),
        seed: spec.seed,
        encoding: task === 'classification' ? wants.encoding : 'onehot',
        bounds: lossBounds(loss),
        ...(frames ? { frames } : {}),
      });
      if (targets) data = { ...data, outputs: shapeSize(sample.shape), description: `${data.description}; ${targets.why}` };
      if (input && input.features !== spec.dataset.features) data = { ...data, description: `${data.description}; ${input.features} features because ${input.why}` };
      const attrs = task === 'classification' && wants.encoding === 'index' && !frames ? lossAttributeColumns(loss) : undefined;
      if (attrs) {
        data = { ...withAttributeColumns(data, attrs.columns, attrs.labels, spec.seed), description: `${data.description}; ${attrs.why}` };
        targets = { shape: [attrs.columns], why: attrs.why };
      }
    }
    if (readsSensitive(loss)) data = withGroupColumn(data, spec.seed);
  } else {
    data = await readDatasetFile(spec.dataset, baseDir, shouldStop, access);
    if (wants.encoding === 'index') data = asClassIndices(data);
  }
  const group = readsSensitive(loss);
  if (group && spec.dataset.kind === 'file' && data.targets < 2) {
    throw new DatasetError(`the loss reads a sensitive attribute (${mappedTensorArgs(loss).filter((a) => a.kind === 'sensitive').map((a) => `\`${a.name}\``).join(', ')}): select its column as the last target column, after the target itself`, data.file);
  }
  const { train, val } = splitDataset(data, spec.validationSplit, spec.seed);
  // A user's file keeps its columns; its rows are reshaped only when they hold exactly the shape the loss reads.
  const fileShape = sample ?? lossSampleShape(loss, data.outputs);
  const fits = shapeSize(fileShape.shape) === data.outputs;
  const indexTargets = (group ? data.targets - 1 : data.targets) === 1 && wants.encoding === 'index';
  return {
    train,
    val,
    // With a group column, the loop reads the targets as columns; the wrapper gives the loss its class indices back.
    encoding: indexTargets && !group ? 'index' : 'onehot',
    ...(group ? { groupColumn: indexTargets ? ('index' as const) : ('columns' as const) } : {}),
    description: data.description,
    sampleShape: fits ? fileShape.shape : [data.outputs],
    ...(fits && fileShape.why ? { shapeWhy: fileShape.why } : {}),
    ...(targets && !group ? { targetShape: targets.shape } : {}),
    ...(targets && group ? { groupedTargetShape: targets.shape } : {}),
  };
}

/**
 * Synthetic targets of their own shape when the loss compares one target with each prediction column, or sets a
 * flattened prediction against several target columns.
 */
function columnTargets(loss: LossModel, sample: readonly number[]): { shape: number[]; why: string } | undefined {
  const wide = lossTargetWidth(loss);
  if (wide && sample.length === 1) return { shape: wide.perSample ? [] : [wide.columns], why: wide.targetWhy };
  const found = lossTargetAxis(loss);
  if (!found || sample.length > 2) return undefined;
  return { shape: targetSampleShape(sample, found.axis), why: found.why };
}

/**
 * The frames of a sequence a sparse loss classifies frame by frame: the prediction is (N, C, T) in PyTorch (its
 * cross-entropy takes classes on axis 1) and (N, T, C) elsewhere; undefined for one label per sample.
 */
function sequenceFrames(loss: LossModel, shape: readonly number[]): number | undefined {
  if (shape.length !== 2) return undefined;
  return loss.framework === 'pytorch' ? shape[1] : shape[0];
}

/** Sparse losses take one column of integer class labels; the model gets one output per class. */
function asClassIndices(data: Dataset): Dataset {
  if (data.targets !== 1) {
    throw new DatasetError(`this loss takes class indices: select one target column (the data has ${data.targets})`);
  }
  let max = 0;
  let maxRow = 0;
  for (let r = 0; r < data.samples; r++) {
    const v = data.y[r]!;
    if (!Number.isInteger(v) || v < 0) throw new DatasetError(`row ${r + 1}: class label ${v} is not a non-negative integer`, undefined, r + 1);
    if (v > max) [max, maxRow] = [v, r];
  }
  if (max + 1 > MAX_CLASSES) {
    throw new DatasetError(`${data.file ?? 'the dataset'}: ${tooManyClasses(data, max, maxRow)}`, data.file);
  }
  return { ...data, outputs: max + 1, description: `${data.description}; ${max + 1} classes` };
}

/** Why a label column gives too many classes, with a guess at the cause (an id column, codes instead of 0…K-1). */
function tooManyClasses(data: Dataset, max: number, maxRow: number): string {
  const distinct = new Set<number>();
  for (let r = 0; r < data.samples; r++) distinct.add(data.y[r]!);
  const count = `data row ${maxRow + 1}: class label ${max.toLocaleString('en')} makes ${(max + 1).toLocaleString('en')} classes, more than the ${MAX_CLASSES.toLocaleString('en')} Loss Lab trains`;
  if (distinct.size > MAX_CLASSES || distinct.size >= 0.9 * data.samples) {
    return `${count}; ${distinct.size.toLocaleString('en')} different labels in ${data.samples.toLocaleString('en')} rows: is this an id column? Choose the label column (targetColumns).`;
  }
  return `${count}; only ${distinct.size.toLocaleString('en')} different labels: are they codes rather than class indices 0…K-1? Number the classes from 0.`;
}
