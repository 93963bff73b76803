// An attribute bound to an imported function in `__init__` (`self.loss_fn = F.mse_loss`,
// `self.kl = keras.losses.kullback_leibler_divergence`): a loss calling `self.loss_fn(p, y)` calls that function, its
// callee canonical for the rules and the trainer's op table. (Module-level aliases are read with the imports,
// python/imports.ts.)
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { dottedName } from './expr';
import { type ImportMap, resolveCallee } from './imports';

/**
 * `self.loss_fn = tf.keras.losses.mean_squared_error` in `__init__` (no call: the function itself): what
 * `self.loss_fn(y, p)` calls, as a call expression with no arguments yet (python/classScope.ts keeps it beside the
 * instances a class builds, so the call site applies its arguments).
 */
export function functionAlias(value: Node, imports: ImportMap): Extract<Expr, { kind: 'call' }> | undefined {
  const name = value.type === 'attribute' ? dottedName(value) : undefined;
  const head = name?.split('.')[0];
  if (!name || !head || !imports.has(head)) return undefined;
  return { kind: 'call', callee: resolveCallee(name, imports), args: [], kwargs: {}, range: rangeOf(value), text: value.text };
}
