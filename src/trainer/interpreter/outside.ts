// Values the loss reads from outside that are built before training (LossModel.outsideValues: `const targetRamp =
// tf.linspace(0, 1, 16)`, `EYE = torch.eye(4)`, `STEP = 1.0 / N`). Each is evaluated once per compiled loss, with the
// same op table as the loss, and kept as a constant: no gradient reaches it, as none reaches a tensor the script
// builds before its training loop. A value built from itself is refused, as is one a part of which is not known
// before training (data, a file read): by the binding's name and line.
import type { LossModel, OutsideValue } from '../../analysis/ir';
import { LossEvaluationError, OUTSIDE_VALUE_UNKNOWN, UnsupportedOpError } from './errors';
import type { Env } from './evaluate';
import type { Tensor, Tf, Value } from './types';
import { isTensor } from './values';

/** The values of one compiled loss, evaluated on first read. */
export interface OutsideValues {
  read(env: Env, name: string, evaluate: (env: Env, e: OutsideValue['expr']) => Value): Value | undefined;
}

/** Where a binding is written, for messages: `line 14` (or `cell 2, line 3` in a notebook). */
export const outsideAt = (v: OutsideValue): string => (v.cell !== undefined ? `cell ${v.cell}, line ${v.line}` : `line ${v.line}`);

/** Why `name`'s value cannot be computed before training, said once for the binding (`why`: its part's refusal). */
/** Says a binding's value is refused for a part of it (found in a refusal already made for an inner binding). */
const BUILT_OUTSIDE = 'from something the trainer cannot compute before training';

export function outsideRefusal(name: string, v: OutsideValue, why: string): string {
  return `\`${name}\` is defined outside the loss function (${outsideAt(v)}: \`${v.expr.text}\`) ${BUILT_OUTSIDE} (${why.replace(/^line \d+: /, '').replace(OUTSIDE_VALUE_UNKNOWN, 'has no value known before training')}): give it a value written in the file, or make it a parameter of the loss`;
}

/** A constant: kept past the step's tidy that first read it (it reads no weight, so no gradient reaches it). */
function constant(tf: Tf, v: Value): Value {
  if (isTensor(v)) return tf.keep(v as Tensor);
  if (Array.isArray(v)) return v.map((x) => constant(tf, x as Value)) as Value;
  return v;
}

export function outsideValues(model: LossModel): OutsideValues | undefined {
  const table = model.outsideValues;
  if (!table || Object.keys(table).length === 0) return undefined;
  const done = new Map<string, Value>();
  const evaluating = new Set<string>();
  return {
    read(env, name, evaluate) {
      const v = Object.hasOwn(table, name) ? table[name] : undefined;
      if (!v) return undefined;
      if (done.has(name)) return done.get(name);
      const at = v.expr.range;
      if (evaluating.has(name)) throw new LossEvaluationError(name, at, `is built from itself (${outsideAt(v)}): the trainer cannot compute it before training`);
      evaluating.add(name);
      try {
        // no prediction nor target in a value built before training: its names are all module-level
        const value = constant(env.tf, evaluate({ ...env, defer: undefined }, v.expr));
        done.set(name, value);
        return value;
      } catch (err) {
        if (!(err instanceof LossEvaluationError || err instanceof UnsupportedOpError)) throw err;
        if (err.message.includes(BUILT_OUTSIDE)) throw err; // a binding it is built from, named already
        throw new LossEvaluationError(name, at, outsideRefusal(name, v, err.message).replace(/^`[^`]+` /, ''));
      } finally {
        evaluating.delete(name);
      }
    },
  };
}
