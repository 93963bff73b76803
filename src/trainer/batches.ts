// Mini-batches: a seeded reshuffle of the training rows every epoch, batches taken in order.
import type { Dataset } from './data/dataset';
import { createRng, permutation, type Rng } from './data/prng';

export interface Batch {
  x: Float32Array;
  y: Float32Array;
  size: number;
}

export class BatchSampler {
  private readonly rng: Rng;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private cursor = Number.POSITIVE_INFINITY;
  readonly size: number;

  constructor(
    private readonly data: Dataset,
    batchSize: number,
    seed: number,
  ) {
    this.rng = createRng(seed + 31337);
    this.size = Math.min(batchSize, data.samples);
    this.x = new Float32Array(data.x.length);
    this.y = new Float32Array(data.y.length);
  }

  next(): Batch {
    const { data, size } = this;
    if (this.cursor + size > data.samples) this.reshuffle();
    const start = this.cursor;
    this.cursor += size;
    return {
      x: this.x.subarray(start * data.features, (start + size) * data.features),
      y: this.y.subarray(start * data.targets, (start + size) * data.targets),
      size,
    };
  }

  private reshuffle(): void {
    const { data } = this;
    const order = permutation(data.samples, this.rng);
    for (let i = 0; i < data.samples; i++) {
      const r = order[i]!;
      this.x.set(data.x.subarray(r * data.features, (r + 1) * data.features), i * data.features);
      this.y.set(data.y.subarray(r * data.targets, (r + 1) * data.targets), i * data.targets);
    }
    this.cursor = 0;
  }
}
