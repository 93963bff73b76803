// The activation of the trial model's last hidden layer. It is relu, unless the loss reads that layer's activations
// as rates in (0, 1): a KL sparsity penalty (`log(ρ / ρ̂) + log((1 − ρ) / (1 − ρ̂))`), a binary entropy of gates
// (`(1 − m).log()`), anything that takes the log of one minus them. Relu units can be 0 or above 1, so such a
// penalty is NaN from the first step; the user's own code layer is a sigmoid there (a sparse autoencoder's, a
// gate's), so the trial's is too, and the header says so and why.
import type { Expr, LossModel } from '../../analysis/ir';
import { childrenOf } from '../../analysis/terms/expr';
import { evaluatedExprs, walkExprs } from '../interpreter/unsupported';

export type HiddenActivation = 'relu' | 'sigmoid' | 'linear';

export interface HiddenActivationChoice {
  activation: HiddenActivation;
  /** Why, for the header, when it is not relu. */
  reason?: string;
}

const isLog = (e: Expr): e is Extract<Expr, { kind: 'call' | 'method' }> =>
  (e.kind === 'call' && /(^|\.)log$/.test(e.callee)) || (e.kind === 'method' && e.method === 'log');

const logArgument = (e: Extract<Expr, { kind: 'call' | 'method' }>): Expr | undefined => (e.kind === 'method' ? e.object : e.args[0]);

const reads = (e: Expr, names: ReadonlySet<string>): boolean => (e.kind === 'name' && names.has(e.name)) || childrenOf(e).some((c) => reads(c, names));

/** `1 - E` somewhere in `e`, E reading one of `names`: the first such E. */
function oneMinus(e: Expr, names: ReadonlySet<string>): Expr | undefined {
  if (e.kind === 'binary' && e.op === '-' && e.left.kind === 'number' && e.left.value === 1 && reads(e.right, names)) return e.right;
  for (const c of childrenOf(e)) {
    const found = oneMinus(c, names);
    if (found) return found;
  }
  return undefined;
}

/** Sigmoid when a log reads 1 − (something of) a hidden-layer argument, with the line it does so on. */
export function chooseHiddenActivation(loss: LossModel, hiddenNames: readonly string[]): HiddenActivationChoice {
  const names = new Set(hiddenNames);
  if (names.size === 0) return { activation: 'relu' };
  let found: { log: Expr; inner: Expr } | undefined;
  walkExprs(evaluatedExprs(loss), (e) => {
    const arg = !found && isLog(e) ? logArgument(e) : undefined;
    const inner = arg && oneMinus(arg, names);
    if (inner) found = { log: e, inner };
  });
  if (!found) return negativePart(loss, names) ?? { activation: 'relu' };
  const name = [...names].find((n) => reads(found!.inner, new Set([n])));
  return {
    activation: 'sigmoid',
    reason: `the loss takes the log of 1 − \`${name}\` (line ${found.log.range.startLine + 1}), which needs activations in (0, 1)`,
  };
}

const isZero = (e: Expr | undefined): boolean => e?.kind === 'number' && e.value === 0;
const calleeIs = (e: Expr, re: RegExp): boolean => (e.kind === 'call' && re.test(e.callee)) || (e.kind === 'method' && re.test(e.method));
const firstOperand = (e: Extract<Expr, { kind: 'call' | 'method' }>): Expr | undefined => (e.kind === 'method' ? e.object : e.args[0]);

/**
 * The part of `e` below zero, when `e` takes it (`z.clamp(max=0)`, `torch.clamp(z, max=0)`, `relu(-z)`,
 * `tf.minimum(z, 0)`): the expression whose negative values it reads.
 */
function belowZero(e: Expr): Expr | undefined {
  if (e.kind !== 'call' && e.kind !== 'method') return undefined;
  const operand = firstOperand(e);
  if (!operand) return undefined;
  if (calleeIs(e, /(^|\.)(clamp|clip)$/) && isZero(e.kwargs['max'])) return operand;
  if (calleeIs(e, /(^|\.)clamp_max$/) && isZero(e.kind === 'method' ? e.args[0] : e.args[1])) return operand;
  if (calleeIs(e, /(^|\.)relu$/) && operand.kind === 'unary' && operand.op === '-') return operand.operand;
  if (e.kind === 'call' && /(^|\.)minimum$/.test(e.callee) && (isZero(e.args[1]) || isZero(e.args[0]))) return isZero(e.args[1]) ? e.args[0] : e.args[1];
  return undefined;
}

/**
 * Linear when a penalty reads the negative part of a hidden-layer argument (`- z.clamp(max=0).sum()`, a penalty on
 * negative codes): relu units are never below 0, so the penalty would read 0 at every λ and could never be seen
 * working; the user's code layer is unbounded there.
 */
function negativePart(loss: LossModel, names: ReadonlySet<string>): HiddenActivationChoice | undefined {
  for (const t of loss.terms) {
    if (t.role !== 'penalty') continue;
    let found: { at: Expr; name: string } | undefined;
    walkExprs([t.expr], (e) => {
      const inner = found ? undefined : belowZero(e);
      const name = inner && [...names].find((n) => reads(inner, new Set([n])));
      if (name) found = { at: e, name };
    });
    if (found) {
      return { activation: 'linear', reason: `the penalty reads the negative part of \`${found.name}\` (line ${found.at.range.startLine + 1}), which relu units never have` };
    }
  }
  return undefined;
}
