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

/** `nn.MSELoss()`, `RangePenaltyLoss(weight)`: a returned call whose callee names a class (capitalised). */
function builtClass(ret: Node): string | undefined {
  const value = ret.namedChild(0);
  const callee = value?.type === 'call' ? value.childForFieldName('function')?.text : undefined;
  const last = callee?.split('.').pop() ?? '';
  return /^[A-Z]\w*$/.test(last) ? callee : undefined;
}

/** Whether every value `fn` returns is an object a class builds (at least one return). */
export function buildsLossObjects(fn: Node): boolean {
  const returns = ownReturns(fn);
  return returns.length > 0 && returns.every((r) => builtClass(r) !== undefined);
}

/**
 * The call building the one loss class of the file (`isLossClass`) that the module-level selector `name` returns, or
 * undefined when `name` is no such selector or it can build several of the file's classes.
 */
export function selectedLossCall(root: Node, name: string, isLossClass: (cls: string) => boolean): Node | undefined {
  const fn = root.namedChildren.find((s) => s?.type === 'function_definition' && s.childForFieldName('name')?.text === name);
  if (!fn || !buildsLossObjects(fn)) return undefined;
  const own = ownReturns(fn).filter((r) => isLossClass(builtClass(r) ?? ''));
  const classes = new Set(own.map(builtClass));
  return classes.size === 1 ? (own[0]?.namedChild(0) ?? undefined) : undefined;
}
