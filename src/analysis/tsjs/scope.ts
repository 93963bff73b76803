// What a TS/JS expression is read against: inlined locals, the loss's parameters, the TF.js imports.
import type { Expr, NameRef } from '../ir';
import type { ScriptImports } from './imports';

export interface ScriptScope {
  locals: Map<string, Expr>;
  refs: ReadonlyMap<string, NameRef>;
  imports: ScriptImports;
  labels: WeakMap<Expr, string>;
  /** Declarators left out of the body (`const pred = model.predict(xs)` in a `minimize` arrow), by node id. */
  skipped?: ReadonlySet<number>;
  /** Model calls read as the prediction's name (inline.ts), by node id. */
  forwardCalls?: ReadonlyMap<number, string>;
}

export function forkScriptScope(scope: ScriptScope): ScriptScope {
  return { ...scope, locals: new Map(scope.locals) };
}
