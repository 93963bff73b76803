// The synthetic tensors the trial gives an argument read by its use (tensorUsage.ts), each of the prediction's shape
// so it combines with the prediction and the target as the loss combines it with them. Constants: no gradient, and
// the same values at every step (a fixed seed), as a data column would be.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';

export type SyntheticKind = 'level' | 'positive' | 'coefficient';

/** Seeds of the fixed draws: one per kind, so two arguments of one kind get the same column (as two reads of one). */
const SEEDS: Record<Exclude<SyntheticKind, 'level'>, number> = { positive: 17, coefficient: 29 };

/** The P levels (j + ½) / P, j = 0 … P − 1: evenly spread inside (0, 1), one per output column. */
export const levels = (columns: number): number[] => Array.from({ length: columns }, (_, j) => (j + 0.5) / columns);

/** The tensor for `kind`, shaped like the prediction `like`. */
export function syntheticArg(tf: Tf, kind: SyntheticKind, like: Tensor): Tensor {
  const shape = like.shape;
  if (kind === 'level') {
    const columns = shape.at(-1) ?? 1;
    return tf.broadcastTo(tf.tensor1d(levels(columns)), shape.length > 0 ? shape : [1]);
  }
  const [low, high] = kind === 'positive' ? [0.5, 1.5] : [0.05, 0.95];
  return tf.randomUniform(shape, low, high, 'float32', SEEDS[kind]);
}

/** Seed of the fixed synthetic mask: the same elements kept at every step, as a data loader's mask of one batch. */
const MASK_SEED = 41;
/** The share of elements a synthetic mask keeps. */
export const MASK_KEPT = 0.8;

/**
 * A fixed 0/1 mask of the prediction's shape `like`, about MASK_KEPT of its elements 1; `lastAxis` replaces the last
 * axis's size (1 for a mask the loss tiles along it, `mask.tile([1, 1, 1, 3])`).
 */
export function syntheticMask(tf: Tf, like: readonly number[], lastAxis?: number): Tensor {
  const shape = like.length > 0 ? [...like] : [1];
  if (lastAxis !== undefined) shape[shape.length - 1] = lastAxis;
  return tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', MASK_SEED), MASK_KEPT), 'float32');
}

/** The header's words for each kind, for a prediction with `columns` output columns. */
export function syntheticWords(kind: SyntheticKind, columns: number): string {
  if (kind === 'level') {
    const shown = levels(columns).map((v) => Number(v.toPrecision(3)));
    const list = shown.length <= 4 ? shown.join(', ') : `${shown[0]}, ${shown[1]} … ${shown.at(-1)}`;
    return `synthetic levels in (0, 1), one per output column ((j + ½) / ${columns}: ${list}), of the prediction's shape`;
  }
  return kind === 'positive' ? "a fixed synthetic positive tensor of the prediction's shape (values in [0.5, 1.5])" : "a fixed synthetic weight per element of the prediction's shape (values in [0.05, 0.95])";
}

/**
 * Integer ids in [0, n), one per sample: sample i gets (i + 1 + k) mod n, so the k-th id argument of a loss picks
 * other entries than the (k − 1)-th (a positive and a negative item differ) and the first another sample's or item's.
 */
export function syntheticIds(tf: Tf, samples: number, n: number, k: number, column: boolean): Tensor {
  const ids = Array.from({ length: samples }, (_, i) => (i + 1 + k) % Math.max(1, n));
  return tf.tensor(ids, column ? [samples, 1] : [samples], 'int32');
}
