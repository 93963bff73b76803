// What a Python expression is read against: the function's locals (inlined), what each free name refers to, the
// file's imports, and the constructors behind callable locals (`criterion = nn.MSELoss()`).
import type { Expr, NameRef } from '../ir';
import type { ImportMap } from './imports';

export interface Scope {
  /** Locals assigned so far, already converted (their uses are replaced by these nodes). */
  locals: Map<string, Expr>;
  /** Parameters of the loss and of its factory. */
  refs: ReadonlyMap<string, NameRef>;
  imports: ImportMap;
  /** The local name each inlined node came from (term labels). Shared by every scope of one function. */
  labels: WeakMap<Expr, string>;
  /** `self.ce = nn.CrossEntropyLoss(...)` in `__init__`: callee and constructor kwargs by attribute name. */
  instances: ReadonlyMap<string, Extract<Expr, { kind: 'call' }>>;
}

export function forkScope(scope: Scope): Scope {
  return { ...scope, locals: new Map(scope.locals) };
}
