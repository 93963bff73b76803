// What a TS/JS expression is read against: inlined locals, the loss's parameters, the TF.js imports.
import type { Expr, NameRef } from '../ir';
import type { ScriptImports } from './imports';

export interface ScriptScope {
  locals: Map<string, Expr>;
  refs: ReadonlyMap<string, NameRef>;
  imports: ScriptImports;
  labels: WeakMap<Expr, string>;
}

export function forkScriptScope(scope: ScriptScope): ScriptScope {
  return { ...scope, locals: new Map(scope.locals) };
}
