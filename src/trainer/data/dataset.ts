// A dataset in memory: row-major features and targets, and the train/validation split.
import { createRng, permutation } from './prng';

export interface Dataset {
  /** samples × features, row-major. */
  x: Float32Array;
  /** samples × targets, row-major (targets = 1 for class indices). */
  y: Float32Array;
  samples: number;
  features: number;
  /** Columns of y. */
  targets: number;
  /** Width of the model's output: `targets`, or the number of classes when y holds class indices. */
  outputs: number;
  /** One line for people: what the data is and where it came from. */
  description: string;
  /** The file it was read from (absent for synthetic data). */
  file?: string;
}

/** Problems with the data a user gave: said with the file and, where there is one, the row and column. */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly row?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** Rows `indices` of `data` as a new dataset. */
export function takeRows(data: Dataset, indices: ArrayLike<number>, description = data.description): Dataset {
  const n = indices.length;
  const x = new Float32Array(n * data.features);
  const y = new Float32Array(n * data.targets);
  for (let i = 0; i < n; i++) {
    const r = indices[i]!;
    x.set(data.x.subarray(r * data.features, (r + 1) * data.features), i * data.features);
    y.set(data.y.subarray(r * data.targets, (r + 1) * data.targets), i * data.targets);
  }
  return { ...data, x, y, samples: n, description };
}

/** Shuffles with `seed` and holds out `validationSplit` of the rows (at least one on each side when possible). */
export function splitDataset(data: Dataset, validationSplit: number, seed: number): { train: Dataset; val: Dataset | undefined } {
  const order = permutation(data.samples, createRng(seed + 7919));
  let valCount = Math.round(data.samples * validationSplit);
  if (validationSplit > 0 && valCount === 0 && data.samples > 1) valCount = 1;
  if (valCount >= data.samples) valCount = data.samples - 1;
  const train = takeRows(data, order.subarray(valCount));
  const val = valCount > 0 ? takeRows(data, order.subarray(0, valCount)) : undefined;
  return { train, val };
}
