// `def get_loss(kind, weight=0.5): if kind == "mse": return nn.MSELoss() … return RangePenaltyLoss(weight)`: a
// function that selects a loss object by name. Every value it returns is an object a class builds, so it is not a
// loss itself (discover.ts); `criterion = get_loss("range", weight=0.3)` then holds the object of the file's loss
// class it can build (usages.ts), which the loop's `criterion(pred, y)` calls.
import type { Node } from 'web-tree-sitter';

/** The `return` statements of `fn` itself (not of a def or lambda nested in it). */
function ownReturns(fn: Node): Node[] {
  return fn.descendantsOfType('return_statement').filter((r): r is Node => {
    for (let p = r?.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return false;
    return !!r;
  });
}

/** The classes the file defines at its top level. */
function fileClasses(node: Node): Set<string> {
  let root = node;
  while (root.parent) root = root.parent;
  return new Set(root.namedChildren.flatMap((s) => (s?.type === 'class_definition' ? [s.childForFieldName('name')?.text ?? ''] : [])));
}

/**
 * `nn.MSELoss()`, `RangePenaltyLoss(weight)`: a returned call that builds a class: one of the file's own, or a
 * library's CamelCase class (`nn.SmoothL1Loss`). A module-level object called (`L(S(logits), mask)` with `L =
 * nn.BCELoss()`) is not: its callee is a name the file binds, not a class it defines.
 */
function builtClass(ret: Node, classes: ReadonlySet<string>): string | undefined {
  const value = ret.namedChild(0);
  const callee = value?.type === 'call' ? value.childForFieldName('function') : undefined;
  if (callee?.type === 'identifier') return classes.has(callee.text) ? callee.text : undefined;
  const last = callee?.type === 'attribute' ? (callee.childForFieldName('attribute')?.text ?? '') : '';
  return /^[A-Z]\w*[a-z]\w*$/.test(last) ? callee?.text : undefined;
}

/** Whether every value `fn` returns is an object a class builds (at least one return). */
export function buildsLossObjects(fn: Node): boolean {
  const returns = ownReturns(fn);
  const classes = fileClasses(fn);
  return returns.length > 0 && returns.every((r) => builtClass(r, classes) !== undefined);
}

/**
 * The call building the one loss class of the file (`isLossClass`) that the module-level selector `name` returns, or
 * undefined when `name` is no such selector or it can build several of the file's classes.
 */
export function selectedLossCall(root: Node, name: string, isLossClass: (cls: string) => boolean): Node | undefined {
  const fn = root.namedChildren.find((s) => s?.type === 'function_definition' && s.childForFieldName('name')?.text === name);
  if (!fn || !buildsLossObjects(fn)) return undefined;
  const defined = fileClasses(fn);
  const own = ownReturns(fn).filter((r) => isLossClass(builtClass(r, defined) ?? ''));
  const classes = new Set(own.map((r) => builtClass(r, defined)));
  return classes.size === 1 ? (own[0]?.namedChild(0) ?? undefined) : undefined;
}
