// Guarded terms (issue 9 §2): `if lambda_reg > 0: loss += lambda_reg * reg(q)` with `lambda_reg=5` a default of the
// function the loop is written in, `if self.reg_a > 0: loss += self.reg_a * pa` with `reg_a` a constructor setting.
// The guard reads a value the code fixes before training: a parameter's literal default that no call of its function
// in the file overrides, or a `self.x` every constructor call of the class sets alike (settledBranches.ts). Such a
// guard is decided as Python would run it (body.ts readIf): the terms that run are the loss's, one whose guard is off
// (`lambda_phys=0.0`) is not part of it. A value a call passes, or one Loss Lab cannot read, leaves the guard open.
import type { Node } from 'web-tree-sitter';
import { argsPassedToClass } from './classCalls';
import { type ParamInfo, readParams } from './params';

type Literal = number | string | boolean;

/** The function definitions around `node`, innermost first. */
function enclosingFunctions(node: Node): Node[] {
  const out: Node[] = [];
  for (let cur = node.parent; cur; cur = cur.parent) if (cur.type === 'function_definition') out.push(cur);
  return out;
}

/** Whether any call of the function `fn` in the file passes its parameter `name` (by keyword or at its position). */
function passedByACall(fn: Node, name: string): boolean {
  // a method is called without its `self` (`obj.fit(…)`): positions count from the next parameter
  const positional = readParams(fn.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic);
  return argsPassedToClass(fn, name, positional.findIndex((p) => p.name === name)).length > 0;
}

/**
 * The literal values of the parameters a loss's guards may read, by name: each parameter of the loss and of the
 * functions around it with a literal default no call of its function passes; `settled` adds `self.x` settings.
 */
export function guardValues(at: Node, params: readonly ParamInfo[], settled: () => ReadonlyMap<string, Literal>): Map<string, Literal> {
  const out = new Map<string, Literal>();
  const fns = enclosingFunctions(at);
  for (const p of params) {
    if (p.default === undefined || out.has(p.name)) continue;
    const owner = fns.find((f) => readParams(f.childForFieldName('parameters')).some((q) => q.name === p.name));
    if (owner && !passedByACall(owner, p.name)) out.set(p.name, p.default);
  }
  for (const [name, value] of settled()) out.set(`self.${name}`, value);
  return out;
}
