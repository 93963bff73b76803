// The memory a trial needs, estimated before anything is allocated: hidden layers of 4096 × 8 trained for 32 λ
// values, or a batch of 65,536, would otherwise fail deep inside tfjs (or take the machine down) instead of being
// refused with the numbers.
import { totalmem } from 'node:os';
import type { BackendName } from '../protocol/trainer';

export interface TrialSize {
  runs: number;
  inputs: number;
  hidden: number[];
  outputs: number;
  batchSize: number;
  samples: number;
}

const FLOAT = 4;
const GB = 1024 ** 3;
/** WebAssembly memory of the wasm backend is at most this (32-bit addressing, as tfjs builds it). */
const WASM_LIMIT = 2 * GB;

/** Weights of one run's MLP (kernels and biases). */
export function weightsPerRun(size: TrialSize): number {
  const widths = [size.inputs, ...size.hidden, size.outputs];
  let n = 0;
  for (let l = 1; l < widths.length; l++) n += widths[l - 1]! * widths[l]! + widths[l]!;
  return n;
}

/**
 * Bytes: every weight with its gradient and Adam's two moments (4 floats) per run; each layer's activations, their
 * pre-activations and gradients (3 floats) per sample of the batch per run; ~8 loss intermediates the size of the
 * output; the data itself (features, targets, one-hot targets).
 */
export function estimateBytes(size: TrialSize): number {
  const widths = size.hidden.reduce((a, b) => a + b, 0) + size.outputs;
  const model = weightsPerRun(size) * size.runs * 4 * FLOAT;
  const activations = size.batchSize * size.runs * (3 * widths + 8 * size.outputs) * FLOAT;
  const data = size.samples * (size.inputs + 2 * size.outputs) * FLOAT;
  return model + activations + data;
}

/** What the backend can use: half the machine's memory, and at most what WebAssembly addresses on wasm. */
export function memoryLimit(backend: BackendName, machine = totalmem()): number {
  const half = machine / 2;
  return backend === 'wasm' ? Math.min(WASM_LIMIT, half) : half;
}

const gb = (bytes: number): string => `${(bytes / GB).toFixed(bytes < 10 * GB ? 1 : 0)} GB`;

/** Why the trial would not fit (a message with the numbers), or undefined when it fits. */
export function memoryRefusal(size: TrialSize, backend: BackendName, machine = totalmem()): string | undefined {
  const need = estimateBytes(size);
  const limit = memoryLimit(backend, machine);
  if (need <= limit) return undefined;
  const n = (v: number) => v.toLocaleString('en');
  return (
    `the trial would need about ${gb(need)} of memory (${n(size.runs)} runs × ${n(weightsPerRun(size))} weights with their optimizer state, ` +
    `batches of ${n(size.batchSize)}, ${n(size.samples)} samples × ${n(size.inputs)} features, ${n(size.outputs)} outputs), more than the ${gb(limit)} ` +
    `the ${backend} backend can use here: use fewer or smaller hidden layers (lossLab.training.hiddenLayers), fewer λ values or a smaller batch`
  );
}
