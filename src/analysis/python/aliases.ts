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

const PARTIAL = /^(functools\.)?partial$/;

/**
 * `self.loss = partial(tf.nn.weighted_cross_entropy_with_logits, pos_weight=w)`: the imported function with the keywords
 * the partial binds, called as `self.loss(y, p)` with them (the call site's own keywords win, as in Python). Only a
 * partial binding keywords: a bound positional argument would come before the call's own, which an alias cannot say.
 */
export function partialAlias(value: Node, imports: ImportMap, convert: (n: Node) => Expr): Extract<Expr, { kind: 'call' }> | undefined {
  if (value.type !== 'call' || !PARTIAL.test(value.childForFieldName('function')?.text ?? '')) return undefined;
  const args = (value.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  const [fn, ...rest] = args;
  const alias = fn ? functionAlias(fn, imports) : undefined;
  if (!alias || rest.some((a) => a.type !== 'keyword_argument')) return undefined;
  const kwargs: Record<string, Expr> = {};
  for (const kw of rest) {
    const key = kw.childForFieldName('name')?.text;
    const v = kw.childForFieldName('value');
    if (!key || !v) return undefined;
    kwargs[key] = convert(v);
  }
  return { ...alias, kwargs, range: rangeOf(value), text: value.text };
}
