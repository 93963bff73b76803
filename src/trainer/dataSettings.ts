// Settings the script derives from its data (analysis: python/dataSettings.ts, LossParam.fromData) take the same
// thing derived from the trial's own data: `x_train.shape[1]` the trial's input width, `np.var(slices + 0.5)` the
// variance of the trial's training inputs, a factory's `input_shape` given to `Input(shape=…)` the trial's input
// shape. Each is said in the header in one line (never silently); what the trial's data cannot give (an axis its
// flat data has not got) is refused by name, with its line and what to do.
import type { DataSetting, LossModel, LossParam } from '../analysis/ir';
import { isTargetName } from '../analysis/terms/roles';
import type { Dataset } from './data/dataset';

/** Target-named arrays beside the loss's own names: `y_train`, `Y_all`, `train_labels`, `targets_np`. */
const TARGET_DATA = /^(y|Y)(_\w+|\d+)?$|labels?|targets?/i;
/** Which of the trial's tensors stands for the script's data: its targets for a target-named array, else its inputs. */
const isTargets = (of: string | undefined): boolean => of !== undefined && (isTargetName(of) || TARGET_DATA.test(of));

/** The statistic over every value of `values` (+ shift), in float64; var and std with their ddof. */
export function statisticOf(values: Float32Array, stat: NonNullable<DataSetting['stat']>, shift = 0, ddof = 0): number {
  const n = values.length;
  let sum = 0;
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const mean = sum / n;
  if (stat === 'mean') return mean + shift;
  if (stat === 'max') return max + shift;
  if (stat === 'min') return min + shift;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  // a shift moves every value alike: the spread is unchanged
  const variance = squares / (n - ddof);
  return stat === 'var' ? variance : Math.sqrt(variance);
}

const STAT_WORDS: Readonly<Record<NonNullable<DataSetting['stat']>, string>> = { var: 'variance', std: 'standard deviation', mean: 'mean', max: 'largest value', min: 'smallest value' };

type Derived = { value: number | number[]; words: string } | { refusal: string };

/** The trial's equivalent of one setting, with the header's words for it. */
function derive(d: DataSetting, train: Dataset): Derived {
  const targets = isTargets(d.of);
  const whose = targets ? 'targets' : 'inputs';
  if (d.what === 'input-shape') return { value: [train.features], words: "the trial's input shape (one sample)" };
  if (d.what === 'stat') {
    const stat = d.stat ?? 'mean';
    const shifted = d.shift ? ` plus ${d.shift}` : '';
    const ddof = d.ddof ? `, ddof ${d.ddof}` : '';
    return { value: statisticOf(targets ? train.y : train.x, stat, d.shift, d.ddof), words: `the ${STAT_WORDS[stat]} of the trial's training ${whose}${shifted}${ddof}` };
  }
  const shape = [train.samples, targets ? train.targets : train.features];
  const axis = (d.axis ?? 0) < 0 ? shape.length + (d.axis ?? 0) : (d.axis ?? 0);
  const size = shape[axis];
  if (size === undefined) {
    return { refusal: `is \`${d.text}\` (line ${d.line}), axis ${d.axis} of the script's data, which the trial's flat ${whose} [${shape.join(', ')}] have not got: pass a number for it where the loss is built, or train on your own data (lossLab.training.dataset, --data FILE)` };
  }
  return { value: size, words: axis === 0 ? `the trial's number of training samples` : `the trial's ${targets ? 'target' : 'input'} width` };
}

const shown = (v: number | number[]): string => (Array.isArray(v) ? `[${v.join(', ')}]` : Number.isInteger(v) ? String(v) : v.toPrecision(4));

export type DataSettings = { loss: LossModel; notes: string[] } | { refusal: string; line: number };

/**
 * The loss with every data-derived setting given the trial's value (a number as its default, a shape as its items),
 * and one header note each; or the refusal of the first that the trial's data cannot give.
 */
export function withDataSettings(loss: LossModel, train: Dataset): DataSettings {
  const marked = loss.params.filter((p) => p.fromData);
  if (marked.length === 0) return { loss, notes: [] };
  const notes = new Map<string, string>();
  const values = new Map<LossParam, number | number[]>();
  for (const p of marked) {
    const d = p.fromData!;
    const got = derive(d, train);
    if ('refusal' in got) return { refusal: `${loss.name} cannot be trained: \`${p.name}\` ${got.refusal}`, line: d.line };
    values.set(p, got.value);
    notes.set(p.name, `\`${p.name}\` = ${shown(got.value)}, ${got.words} (your code: \`${d.text}\`, line ${d.line})`);
  }
  const params = loss.params.map((p) => {
    const v = values.get(p);
    if (v === undefined) return p;
    return Array.isArray(v) ? { ...p, items: v } : { ...p, default: v };
  });
  return { loss: { ...loss, params }, notes: [...notes.values()] };
}
