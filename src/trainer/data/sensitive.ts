// A sensitive attribute for a fairness penalty (`group`, `sensitive`): a synthetic 0/1 group column, appended to
// the targets (the loss wrapper, ../mappedLoss.ts, takes it back off), correlated with the target so that an
// unconstrained model's predictions differ between the groups and a parity penalty has a gap to close: a row's
// group is whether its target is above the mean (its class, or its first column), flipped for one row in five.
import type { Dataset } from './dataset';
import { createRng } from './prng';

/** The share of rows whose group is flipped: the group predicts the target, but not exactly. */
const FLIP = 0.2;

export function withGroupColumn(data: Dataset, seed: number): Dataset {
  const rng = createRng(seed + 7919);
  const t = data.targets;
  // One score per row: the class index, the one-hot row's class, or the first target column.
  const score = new Float64Array(data.samples);
  for (let r = 0; r < data.samples; r++) {
    const row = data.y.subarray(r * t, (r + 1) * t);
    score[r] = t > 1 && data.outputs === t ? row.indexOf(Math.max(...row)) : row[0]!;
  }
  // Above the mean: for 0/1 targets, the rows whose target is 1; for continuous ones, about half the rows.
  const mean = score.reduce((a, b) => a + b, 0) / Math.max(1, data.samples);
  const y = new Float32Array(data.samples * (t + 1));
  let ones = 0;
  for (let r = 0; r < data.samples; r++) {
    y.set(data.y.subarray(r * t, (r + 1) * t), r * (t + 1));
    const above = score[r]! > mean;
    const g = rng.next() < FLIP ? !above : above;
    y[r * (t + 1) + t] = g ? 1 : 0;
    if (g) ones++;
  }
  return {
    ...data,
    y,
    targets: t + 1,
    description: `${data.description}; a 0/1 group column (${ones} of ${data.samples} rows in group 1) correlated with the target`,
  };
}

/**
 * Class indices (one column) spread into a target matrix of `columns` columns: the label columns hold the class,
 * every other column a 0/1 attribute correlated with it like a group column (above the mean class, flipped for
 * one row in five).
 */
export function withAttributeColumns(data: Dataset, columns: number, labels: readonly number[], seed: number): Dataset {
  const grouped = withGroupColumn(data, seed);
  const y = new Float32Array(data.samples * columns);
  for (let r = 0; r < data.samples; r++) {
    const [label, group] = [grouped.y[r * 2]!, grouped.y[r * 2 + 1]!];
    for (let c = 0; c < columns; c++) y[r * columns + c] = labels.includes(c) ? label : group;
  }
  return { ...data, y, targets: columns };
}
