// The smoothing and log transform the charts draw through, computed incrementally as points stream in.
import type { Value } from './model';

/** Exponential moving average (TensorBoard-style, debiased); nulls pass through without resetting it. */
export function ema(values: readonly Value[], smoothing: number, out: Value[] = [], from = 0, carry = { last: 0, n: 0 }): Value[] {
  const s = Math.min(Math.max(smoothing, 0), 0.999);
  for (let i = from; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    carry.last = carry.last * s + (1 - s) * v;
    carry.n++;
    out[i] = s === 0 ? v : carry.last / (1 - s ** carry.n);
  }
  return out;
}

export interface Transform {
  smoothing: number;
  log: boolean;
}

/**
 * A series as drawn: smoothed, non-positive values dropped on a log scale, padded with nulls to `length`.
 * Incremental: only the points added since the last call are computed (the source grows at its end).
 */
export class DrawnSeries {
  private out: Value[] = [];
  private done = 0;
  private carry = { last: 0, n: 0 };
  private key = '';
  /** Non-null source values seen: the number of points the series holds. */
  points = 0;

  get(source: readonly Value[], length: number, t: Transform): Value[] {
    const key = `${t.smoothing}|${t.log}`;
    if (key !== this.key || source.length < this.done) {
      this.key = key;
      this.out = [];
      this.done = 0;
      this.carry = { last: 0, n: 0 };
      this.points = 0;
    }
    for (let i = this.done; i < source.length; i++) if (source[i] !== null && source[i] !== undefined) this.points++;
    if (t.smoothing > 0) ema(source, t.smoothing, this.out, this.done, this.carry);
    else for (let i = this.done; i < source.length; i++) this.out[i] = source[i] ?? null;
    if (t.log) for (let i = this.done; i < source.length; i++) if ((this.out[i] ?? 0) <= 0) this.out[i] = null;
    this.done = source.length;
    // Pad to the shared x length (other runs may be ahead); the padding is overwritten when points arrive.
    for (let i = source.length; i < length; i++) this.out[i] = null;
    this.out.length = Math.max(length, source.length);
    return this.out;
  }
}
