// What a TS/JS expression is read against: inlined locals, the loss's parameters, the TF.js imports.
import type { StaticSettings } from './staticTest';
import type { Node } from 'web-tree-sitter';
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
  /** Functions visible from the loss (the file's and its enclosing functions'), followed into when called (helpers.ts). */
  functions?: ReadonlyMap<string, Node>;
  /** The loss's own class's methods, followed into when called as `this.m(…)`. */
  methods?: ReadonlyMap<string, Node>;
  /** The helpers being read (a recursive call is not followed). */
  inlining?: readonly string[];
  /** The helper each inlined call's value came from (a call of another loss of the file stays a base term). */
  inlined?: WeakMap<Expr, string>;
  /** Labels given by a followed helper's name: the caller's local name (`const rec = reconstruction(…)`) replaces them. */
  weakLabels?: WeakSet<Expr>;
  /** What the calls of the loss's factory pass in an options argument, key by key (mergedOptions.ts). */
  passedOption?: import('./mergedOptions').PassedOption;
  /** Module constants by name (`LAM`, `CONFIG.KL_WEIGHT`): a fallback `CONFIG.KL_WEIGHT || 0.01` is decided by them. */
  constants?: Readonly<Record<string, number>>;
  /** The module's literal settings (numbers, strings, booleans of its `const` objects): `if` tests they decide (staticTest.ts). */
  settings?: StaticSettings;
}

export function forkScriptScope(scope: ScriptScope): ScriptScope {
  return { ...scope, locals: new Map(scope.locals) };
}
