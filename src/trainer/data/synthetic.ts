// Synthetic datasets, seeded and reproducible, shaped for the loss being tried:
//   classification: Gaussian blobs, one per class (one-hot targets, or class indices for sparse losses)
//   binary:         0/1 targets from noisy linear rules (one per output)
//   regression:     a smooth non-linear function of the features plus noise
//   bounded-regression: the same, scaled so that about a third of the targets leave [lower, upper], which is what
//                   a bounds penalty has to fight
//   non-negative-regression: the same, clipped at zero (counts, prices): about half the targets are 0, and a model
//                   fitting them unconstrained predicts small negatives around those, which a non-negativity
//                   penalty has to fight
import type { Dataset } from './dataset';
import { createRng, type Rng } from './prng';

export type SyntheticTask = 'classification' | 'binary' | 'regression' | 'bounded-regression' | 'non-negative-regression';
export type TargetEncoding = 'onehot' | 'index';

export interface SyntheticOptions {
  task: SyntheticTask;
  samples: number;
  features: number;
  /** Classes for classification, target columns otherwise. */
  outputs: number;
  seed: number;
  encoding?: TargetEncoding;
  bounds?: { lower: number; upper: number };
  /**
   * Classification of a sequence (a frame-wise cross-entropy): `outputs` = classes × frames, and the targets are one
   * class index per frame: the sample's class for the first half of the frames, the next class after (one change of
   * label per sequence, as an action segment ends).
   */
  frames?: number;
}

type Generator = (o: SyntheticOptions, rng: Rng) => { y: Float32Array; x: Float32Array; targets: number; what: string };

const generators: Record<SyntheticTask, Generator> = {
  classification(o, rng) {
    if (o.frames) return frameClassification(o, rng, o.frames);
    // Centres close enough that the blobs overlap a little: the base loss does not vanish.
    const centers = gaussian(rng, o.outputs * o.features, 1.2);
    const x = new Float32Array(o.samples * o.features);
    const index = o.encoding === 'index';
    const targets = index ? 1 : o.outputs;
    const y = new Float32Array(o.samples * targets);
    for (let i = 0; i < o.samples; i++) {
      const c = rng.int(o.outputs);
      for (let f = 0; f < o.features; f++) x[i * o.features + f] = centers[c * o.features + f]! + rng.normal();
      if (index) y[i] = c;
      else y[i * targets + c] = 1;
    }
    return { x, y, targets, what: `${o.outputs} Gaussian blobs (${index ? 'class indices' : 'one-hot'})` };
  },
  binary(o, rng) {
    const x = gaussian(rng, o.samples * o.features, 1);
    const w = gaussian(rng, o.outputs * o.features, 1);
    const y = new Float32Array(o.samples * o.outputs);
    for (let i = 0; i < o.samples; i++) {
      for (let j = 0; j < o.outputs; j++) {
        y[i * o.outputs + j] = dot(x, i * o.features, w, j * o.features, o.features) + 0.3 * rng.normal() > 0 ? 1 : 0;
      }
    }
    return { x, y, targets: o.outputs, what: `0/1 targets from ${o.outputs} noisy linear rule(s)` };
  },
  regression(o, rng) {
    const { x, y } = smoothTargets(o, rng);
    return { x, y, targets: o.outputs, what: 'smooth non-linear targets with noise' };
  },
  'bounded-regression'(o, rng) {
    const { lower, upper } = o.bounds ?? { lower: 0, upper: 1 };
    const { x, y } = smoothTargets(o, rng);
    // smoothTargets has unit standard deviation: centre it in the interval and spread it past both ends.
    const mid = (lower + upper) / 2;
    const half = (upper - lower) / 2 || 1;
    for (let i = 0; i < y.length; i++) y[i] = mid + 1.1 * half * y[i]!;
    return { x, y, targets: o.outputs, what: `regression targets leaving [${lower}, ${upper}]` };
  },
  'non-negative-regression'(o, rng) {
    const { x, y } = smoothTargets(o, rng);
    for (let i = 0; i < y.length; i++) y[i] = Math.max(0, y[i]!);
    return { x, y, targets: o.outputs, what: 'non-negative regression targets, about half of them 0' };
  },
};

/** Gaussian blobs, one per class, labelled per frame (SyntheticOptions.frames). */
function frameClassification(o: SyntheticOptions, rng: Rng, frames: number): ReturnType<Generator> {
  const classes = Math.max(2, Math.floor(o.outputs / frames));
  const centers = gaussian(rng, classes * o.features, 1.2);
  const x = new Float32Array(o.samples * o.features);
  const y = new Float32Array(o.samples * frames);
  const change = Math.floor(frames / 2);
  for (let i = 0; i < o.samples; i++) {
    const c = rng.int(classes);
    for (let f = 0; f < o.features; f++) x[i * o.features + f] = centers[c * o.features + f]! + rng.normal();
    for (let t = 0; t < frames; t++) y[i * frames + t] = t < change ? c : (c + 1) % classes;
  }
  return { x, y, targets: frames, what: `${classes} Gaussian blobs, a class index per frame over ${frames} frames (the blob's class, then the next from frame ${change})` };
}

export function synthesize(options: SyntheticOptions): Dataset {
  const rng = createRng(options.seed);
  const { x, y, targets, what } = generators[options.task](options, rng);
  return {
    x,
    y,
    samples: options.samples,
    features: options.features,
    targets,
    outputs: options.outputs,
    description: `synthetic ${options.task}: ${what}; ${options.samples} samples × ${options.features} features, seed ${options.seed}`,
  };
}

/** y = tanh(x·A)·B + noise, standardised per column. */
function smoothTargets(o: SyntheticOptions, rng: Rng): { x: Float32Array; y: Float32Array } {
  const hidden = 16;
  const x = gaussian(rng, o.samples * o.features, 1);
  const a = gaussian(rng, o.features * hidden, 1 / Math.sqrt(o.features));
  const b = gaussian(rng, hidden * o.outputs, 1 / Math.sqrt(hidden));
  const y = new Float32Array(o.samples * o.outputs);
  const h = new Float64Array(hidden);
  for (let i = 0; i < o.samples; i++) {
    for (let k = 0; k < hidden; k++) {
      let s = 0;
      for (let f = 0; f < o.features; f++) s += x[i * o.features + f]! * a[f * hidden + k]!;
      h[k] = Math.tanh(s);
    }
    for (let j = 0; j < o.outputs; j++) {
      let s = 0;
      for (let k = 0; k < hidden; k++) s += h[k]! * b[k * o.outputs + j]!;
      y[i * o.outputs + j] = s + 0.05 * rng.normal();
    }
  }
  for (let j = 0; j < o.outputs; j++) {
    let mean = 0;
    for (let i = 0; i < o.samples; i++) mean += y[i * o.outputs + j]!;
    mean /= o.samples;
    let variance = 0;
    for (let i = 0; i < o.samples; i++) variance += (y[i * o.outputs + j]! - mean) ** 2;
    const sd = Math.sqrt(variance / o.samples) || 1;
    for (let i = 0; i < o.samples; i++) y[i * o.outputs + j] = (y[i * o.outputs + j]! - mean) / sd;
  }
  return { x, y };
}

function gaussian(rng: Rng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[ai + k]! * b[bi + k]!;
  return s;
}
