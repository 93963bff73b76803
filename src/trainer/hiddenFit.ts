// The last hidden layer's width when the loss reshapes the activations it is given into rows of a fixed size
// (`tf.reshape(x, (-1, k, k))` in an activity regularizer on a `Dense(k * k)`): the trial's layer gets that many units,
// so each sample gives one row, as in the model the loss is written for, instead of the reshape failing on the
// trial's width ("the implicit shape can't be a fractional number"): the trial's fault, not the user's line.
import type { LossModel } from '../analysis/ir';
import { hiddenReshapeWidth } from './data/reshapeWidth';
import { mappedTensorArgs } from './tensorArgs';

export interface FittedHidden {
  hidden: number[];
  /** For the panel header, when the width changed. */
  note?: string;
}

/** A trial layer stays small: a wider regularized layer keeps the trial's width. */
const MAX_REGULARIZED_UNITS = 256;

/**
 * A regularizer on a hidden layer of known width (`Dense(UNITS, kernel_regularizer=Ortho(UNITS))`): the trial's last
 * hidden layer, which stands for it, gets that width, so a penalty sized to it (`K.eye(size)` against the kernel's
 * Gram matrix) fits, as in the user's model.
 */
function regularizedWidth(loss: LossModel): { width: number; why: string } | undefined {
  const r = loss.kind === 'regularizer' ? loss.regularizes : undefined;
  if (!r?.units || r.output || r.units > MAX_REGULARIZED_UNITS) return undefined;
  const at = r.range ? ` (line ${r.range.startLine + 1})` : '';
  return { width: r.units, why: `the layer your regularizer is on, \`${r.layer ?? 'layer'}(${r.units}, …)\`${at}, has ${r.units}` };
}

export function fittedHidden(loss: LossModel, hidden: readonly number[]): FittedHidden {
  const last = hidden.at(-1);
  // several arguments share the layer in blocks (mappedLoss.ts): one argument has it whole
  const plain = mappedTensorArgs(loss).filter((a) => a.kind === 'hidden').map((a) => a.name);
  // the loss's own reshape says most; else the regularized layer's width
  const fit = last === undefined ? undefined : ((plain.length === 1 ? hiddenReshapeWidth(loss, plain) : undefined) ?? regularizedWidth(loss));
  if (!fit || fit.width === last) return { hidden: [...hidden] };
  return { hidden: [...hidden.slice(0, -1), fit.width], note: `the last hidden layer has ${fit.width} units because ${fit.why}` };
}
