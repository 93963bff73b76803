// Fewer points for the same picture: what a chart draws when a run has more steps than the chart has pixels.
import type { Value } from './model';

/**
 * Min/max per bucket of consecutive x (`buckets` buckets, two points each, in the order they occur), for every
 * series at once so they stay aligned on the same x values.
 */
export function decimate(xs: readonly number[], series: readonly (readonly Value[])[], buckets: number): { xs: number[]; ys: Value[][] } {
  const n = xs.length;
  const size = Math.ceil(n / buckets);
  const outXs: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size) - 1;
    outXs.push(xs[start]);
    if (end > start) outXs.push(xs[end]);
  }
  const ys = series.map((values) => {
    const out: Value[] = [];
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size);
      let lo: number | null = null;
      let hi: number | null = null;
      let loAt = 0;
      let hiAt = 0;
      for (let i = start; i < end; i++) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        if (lo === null || v < lo) {
          lo = v;
          loAt = i;
        }
        if (hi === null || v > hi) {
          hi = v;
          hiAt = i;
        }
      }
      if (end - 1 > start) out.push(...(loAt <= hiAt ? [lo, hi] : [hi, lo]));
      else out.push(lo);
    }
    return out;
  });
  return { xs: outXs, ys };
}
