// LL104: `loss - λ·P`. Minimising the total maximises the penalty: the constraint is pushed apart, not enforced.
import { flipSign } from '../fixes/sign';
import type { Expr } from '../ir';
import { mentionsRef } from '../terms/expr';
import { isFrameworkLossCallee } from '../terms/ops';
import { termLabel } from './format';
import type { Check } from './types';

/** Terms meant to be maximised, by their name (an entropy bonus in RL or in confidence penalties, a prototype network's separation cost: the distance to other classes' prototypes). */
const MEANT_AS_BONUS = /entrop|bonus|reward|diversity|separation|^sep(?:_|$)/i;

/**
 * A framework loss between the target and the prediction (`tf.neg(tf.losses.meanSquaredError(yTrue, yPred))`): an
 * error of the fit, subtracted, pushes the prediction away from its target whatever its variable says (`reward`).
 */
const isFitError = (e: Expr): boolean =>
  e.kind === 'call' && isFrameworkLossCallee(e.callee) && mentionsRef(e, 'yTrue') && mentionsRef(e, 'yPred');

export const checkSubtractedPenalty: Check = (ctx) =>
  ctx.model.terms
    .filter((t) => t.role === 'penalty' && t.sign === -1 && (!MEANT_AS_BONUS.test(t.label) || isFitError(t.expr)))
    .map((t) => {
      const fix = flipSign(ctx.text, t, ctx.model);
      return {
        range: t.range,
        termId: t.id,
        message:
          `Penalty ${termLabel(t)} is subtracted: minimising the loss then maximises the violation, ` +
          'so training drives away from the constraint. Add the penalty instead.',
        fixes: fix ? [fix] : [],
      };
    });
