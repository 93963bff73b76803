// `tf.keras.losses.get(identifier)(y_true, y_pred)`: Keras looks a loss up by its name. A function's name or alias
// (`'mse'`, `'binary_crossentropy'`) gives the function (per-sample values, as Keras returns them); a class name
// (`'MeanSquaredError'`) gives an instance (reduced over the batch). The front end keeps `get`'s argument apart
// (ir.ts call `ctorArgs`, bound as `identifier` by ./ctorParams.ts); it must be a name known before training (a
// literal, a constant, a constructor argument), never a guess.
import { op } from '../args';
import { LossEvaluationError } from '../errors';
import type { OpSpec, OpTable } from '../types';
import { describe } from '../values';
import { kerasLossTable } from './kerasLosses';
import { kerasLossClasses } from './lossClasses';

/** The loss Keras's `get` returns for `name`: a function of the table, or a loss class. */
function namedLoss(name: string): OpSpec | undefined {
  const key = `tf.keras.losses.${name}`;
  return Object.hasOwn(kerasLossTable, key) ? kerasLossTable[key] : Object.hasOwn(kerasLossClasses, key) ? kerasLossClasses[key] : undefined;
}

const lossesGet = op(['y_true', 'y_pred', 'sample_weight', 'identifier'], (a) => {
  const identifier = a.value('identifier');
  if (typeof identifier !== 'string') {
    throw new LossEvaluationError(a.op, a.range, `the loss's name must be a string known before training (got ${identifier === undefined ? 'nothing' : describe(identifier)}): pass its name, e.g. \`${a.op}('mse')\``);
  }
  const loss = namedLoss(identifier);
  if (!loss) throw new LossEvaluationError(a.op, a.range, `'${identifier}' is not a Keras loss the Loss Lab trainer knows: name a built-in loss ('mse', 'binary_crossentropy', 'MeanSquaredError', …)`);
  // both tables read their arguments by the names bound here (`y_true`, `y_pred`, `sample_weight`)
  return loss.fn(a);
});

export const kerasLossesGetTable: OpTable = Object.fromEntries(['tf.keras.losses.get', 'keras.losses.get', 'tf.losses.get'].map((name) => [name, lossesGet]));
