// The one reader of a penalty weight's literal value: the number a run's λ replaces (the trial's literal λ, a
// sweep knob, "Use λ = x"). A weight is literal when it is a number (`0.1 * p`) or a number wrapped in a call that
// only makes a tensor of it (`tf.scalar(0.01).mul(p)`, `torch.tensor(0.1) * p`, `K.constant(0.5) * p`): the
// analysis reads those as the code's λ, so the trial must replace them too, or a sweep's "λ = 0" run would train
// the code's weight. A name bound to a number (`tf.scalar(C)` with `const C = 0.01`) is not literal here: the
// analysis makes it the loss's λ parameter, which a run binds.
import type { Expr, Framework } from './ir';

type NumberExpr = Extract<Expr, { kind: 'number' }>;

/** Per framework, the calls that make a tensor of one number and nothing else (as the IR spells their callee). */
const NUMBER_WRAPPERS: Readonly<Record<Framework, ReadonlySet<string>>> = {
  keras: new Set(['tf.constant', 'tf.convert_to_tensor', 'K.constant', 'K.cast_to_floatx', 'keras.ops.convert_to_tensor', 'np.float32', 'np.float64', 'float']),
  pytorch: new Set(['torch.tensor', 'torch.as_tensor', 'torch.scalar_tensor', 'np.float32', 'np.float64', 'float']),
  tfjs: new Set(['tf.scalar', 'tf.tensor', 'Number']),
};

/**
 * Keywords a wrapper may carry without changing the one number it holds (`torch.tensor(0.1, device=d)`,
 * `tf.constant(0.5, dtype=tf.float32)`); any other (`shape=[4]`), or a second positional argument (a TF.js shape),
 * may make a tensor of several values, which a run's λ must not stand in for.
 */
export const KEEPS_ONE_NUMBER: ReadonlySet<string> = new Set(['dtype', 'device', 'requires_grad', 'name']);

/** The number literal a weight is, unwrapped (its node: the range write-back edits), or undefined. */
export function literalOfWeight(weight: Expr | undefined, framework: Framework): NumberExpr | undefined {
  if (!weight) return undefined;
  if (weight.kind === 'number') return weight;
  if (weight.kind !== 'call' || !NUMBER_WRAPPERS[framework]?.has(weight.callee)) return undefined;
  const [only, ...more] = weight.args;
  if (more.length > 0 || Object.keys(weight.kwargs).some((k) => !KEEPS_ONE_NUMBER.has(k))) return undefined;
  return only?.kind === 'number' ? only : undefined;
}

/** The value of a literal weight (literalOfWeight), or undefined. */
export function literalWeightValue(weight: Expr | undefined, framework: Framework): number | undefined {
  return literalOfWeight(weight, framework)?.value;
}
