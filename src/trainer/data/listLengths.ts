// Lengths and numbers known before training, read from the loss's syntax: a literal index (`y_pred[:, 5]`), a list
// literal (`[0.5] * 6`) or a list bound to a name (`QUANTILES`, `self.quantiles`). Used by the shape inferences.
import type { Expr } from '../../analysis/ir';
import { type Known, staticValue } from '../interpreter/staticValues';

export type Lookup = (name: string) => unknown;

/** Functions whose list argument is a tensor constant (a per-output weight, bound, prior…). */
export const tensorConstructors = /^(torch\.(tensor|as_tensor|Tensor|FloatTensor)|tf\.(constant|convert_to_tensor|tensor1d|tensor)|K\.constant|np\.(array|asarray)|keras\.ops\.convert_to_tensor)$/;

export function literalNumber(e: Expr | undefined, lookup?: Lookup): number | undefined {
  if (!e) return undefined;
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') return -e.operand.value;
  if (!lookup) return undefined;
  const v = staticValue(e, lookup as Parameters<typeof staticValue>[1]);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** A 1-D list of numbers known before training (`tf.constant(self.quantiles)`, QUANTILES): its length. */
export function knownListLength(e: Expr, lookup: Lookup): number | undefined {
  if (e.kind !== 'name' && e.kind !== 'attr') return undefined;
  const v: Known | undefined = staticValue(e, lookup as Parameters<typeof staticValue>[1]);
  return Array.isArray(v) && v.length >= 2 && v.every((x) => typeof x === 'number') ? v.length : undefined;
}

/** The static length of a list literal: `[0.5, 1.0]`, `[0.5] * 6`, `6 * [0.5]`, `[a] * n + [b]`. */
export function staticListLength(e: Expr): number | undefined {
  if (e.kind === 'tuple') return e.items.length;
  if (e.kind === 'binary' && e.op === '*') {
    const [list, n] = e.left.kind === 'number' ? [e.right, e.left] : [e.left, e.right];
    const len = staticListLength(list);
    return len !== undefined && n.kind === 'number' && Number.isInteger(n.value) ? len * n.value : undefined;
  }
  if (e.kind === 'binary' && e.op === '+') {
    const a = staticListLength(e.left);
    const b = staticListLength(e.right);
    return a !== undefined && b !== undefined ? a + b : undefined;
  }
  return undefined;
}

/** A 1-D list of numbers (not nested): a per-output constant; nested lists and single numbers are not. */
export function flatListLength(e: Expr): number | undefined {
  const len = staticListLength(e);
  if (len === undefined || len < 2) return undefined;
  const first = e.kind === 'tuple' ? e.items[0] : e.kind === 'binary' ? (e.left.kind === 'tuple' ? e.left.items[0] : e.right.kind === 'tuple' ? e.right.items[0] : undefined) : undefined;
  return first && first.kind === 'tuple' ? undefined : len;
}
