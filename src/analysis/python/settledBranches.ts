// A conditional whose branches hold the same terms (a reduction chosen by a string: `if how == "mean": return
// v.mean()` / `if how == "sum": return v.sum()` …) is split along the branch the loss's settings select where it is
// built: `self.reduction = reduction` with `reduction="mean"` passed by every constructor call of the class in the file
// (or by none, so its default), as Python would run it. The trainer checks the same choice against the values it
// binds (trainer/interpreter/termBranch.ts) and refuses when they select the other branch.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { childrenOf, some } from '../terms/expr';
import { argsPassedToClass } from './classCalls';
import type { ModuleAttr } from './discover';
import type { ParamInfo } from './params';
import { literalOf } from './params';
import type { Scope } from './scope';
import { staticTruth } from './static';

type Literal = number | string | boolean;

/** The value every constructor call of the class gives `param` (or its default when no call passes it), if one. */
function settledParam(classNode: Node, param: string, initParams: readonly ParamInfo[], fallback?: Literal): Literal | undefined {
  const index = initParams.findIndex((p) => p.name === param);
  const passed = argsPassedToClass(classNode, param, index).map((n) => literalOf(n));
  const values = passed.length > 0 ? passed : [fallback ?? initParams[index]?.default];
  const first = values[0];
  return first !== undefined && values.every((v) => v === first) ? first : undefined;
}

/** `self.x = x` attributes whose value is the same wherever the class is built: by attribute name (without `self.`). */
export function settledAttrs(classNode: Node, attrs: readonly ModuleAttr[], initParams: readonly ParamInfo[]): Map<string, Literal> {
  const out = new Map<string, Literal>();
  for (const a of attrs) {
    if (!a.initParam || a.fromDict || !a.name.startsWith('self.')) continue;
    const value = settledParam(classNode, a.initParam, initParams, a.default);
    if (value !== undefined) out.set(a.name.slice('self.'.length), value);
  }
  return out;
}

/**
 * The constructor's arguments whose value is the same wherever the class is built, by parameter name: a flag the
 * constructor computes from them (`self.use_entropy = alpha == 0.0`) reaches the loss as that expression.
 */
export function settledInitParams(classNode: Node, initParams: readonly ParamInfo[]): Map<string, Literal> {
  const out = new Map<string, Literal>();
  for (const p of initParams) {
    const value = p.variadic ? undefined : settledParam(classNode, p.name, initParams);
    if (value !== undefined) out.set(p.name, value);
  }
  return out;
}

/**
 * Marks each conditional on the way to the terms with the branch the settled values select (ir.ts `taken`). The
 * values are read only for a body that is a conditional (most are not: reading them walks the file's calls).
 */
export function markSettledBranches(body: Expr, scope: Scope, settledOf: () => ReadonlyMap<string, Literal>, paramsOf: () => ReadonlyMap<string, Literal>): void {
  // a conditional anywhere in the body (`plain + reg` with `reg` chosen by `if self.hparams.order == 1: …`)
  if (!some(body, (e) => e.kind === 'conditional')) return;
  const settled = settledOf();
  const params = paramsOf();
  if (settled.size === 0 && params.size === 0) return;
  const decided: Scope = { ...scope, staticAttrs: new Map([...(scope.staticAttrs ?? []), ...settled]) };
  const mark = (e: Expr): void => {
    if (e.kind === 'conditional') {
      const known = staticTruth(e.test, decided, params);
      if (known !== undefined) e.taken = known ? 'then' : 'else';
    }
    for (const c of childrenOf(e)) mark(c);
  };
  mark(body);
}
