// Numbers behind expressions: literals, and hyper-parameters with a literal default (`lower_bound=0.0`).
import type { Expr } from '../ir';

export type Defaults = Readonly<Record<string, number>>;

export function numberOf(e: Expr, defaults: Defaults): number | undefined {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'name':
      return defaults[e.name];
    case 'attr':
      return defaults[e.text.replace(/\s+/g, '')];
    case 'unary': {
      const v = numberOf(e.operand, defaults);
      return v === undefined ? undefined : e.op === '-' ? -v : v;
    }
    default:
      return undefined;
  }
}
