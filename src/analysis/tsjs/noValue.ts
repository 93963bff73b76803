// Rule LL114 for TS/JS: a loss arrow, function or method whose block body never returns a value
// (`const actorLoss = (yTrue, yPred) => { const fit = …; tf.add(fit, penalty); }`): `compile` gets undefined instead
// of a loss and fails far from the cause. An expression body (`(a, b) => tf.mean(…)`) always returns.
import type { Node } from 'web-tree-sitter';
import type { NoValueLoss } from '../ir';
import { rangeOf } from '../parsing/range';
import type { ScriptLossDef } from './discover';

/** Nodes whose own `return` is not the function's. */
const nestedFunctions: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'function', 'function_declaration', 'method_definition', 'class_declaration', 'class']);

/** `return <value>` anywhere in the block (nested functions and classes excluded). */
function returnsValue(block: Node): boolean {
  for (const c of block.namedChildren) {
    if (!c || nestedFunctions.has(c.type)) continue;
    if (c.type === 'return_statement' && c.namedChildren.some((v) => v && v.type !== 'comment')) return true;
    if (c.type === 'throw_statement' || returnsValue(c)) return true;
  }
  return false;
}

/** The LL114 finding for a discovered loss whose block body hands nothing back, if it is one. */
export function scriptNoValueOf(def: ScriptLossDef): NoValueLoss | undefined {
  if (def.kind === 'inline' || def.kind === 'regularizer' || def.kind === 'factory') return undefined;
  const body = def.fn.childForFieldName('body');
  if (body?.type !== 'statement_block' || body.namedChildren.filter((c) => c && c.type !== 'comment').length === 0 || returnsValue(body)) return undefined;
  return { name: def.name, what: 'no-return', range: rangeOf(def.defNode), nameRange: rangeOf(def.nameNode) };
}
