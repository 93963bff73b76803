// Whether a functional activation inside a function (`torch.softmax(…)`, `F.sigmoid(…)` in `forward`) is the
// model's output activation: only where that function returns its value (usages.ts reads the file's last one). An
// attention softmax the model pools with, or one a later layer runs on, is not.
import type { Node } from 'web-tree-sitter';

const unparenthesized = (n: Node): Node => (n.type === 'parenthesized_expression' && n.namedChildren[0] ? unparenthesized(n.namedChildren[0]) : n);

/** Names of weights a model computes inside (`attn = torch.softmax(scores, dim=1)`), not its output. */
const INNER_WEIGHTS = /^(attn|attention|att|alpha|alphas|gates?|gating|\w*_(attn|attention|weights|gate|gates))$/i;

/**
 * Whether a returned item holds the variable `name` as it is: the item itself, a dict entry's value or a keyword
 * argument of a container (`SurvivalOutputs(cdf=cdf, …)`), never an argument a layer runs on (`self.head(q)`).
 */
function heldAsItem(item: Node, name: string): boolean {
  if (item.type === 'identifier') return item.text === name;
  const entries = item.type === 'dictionary' ? item.namedChildren : item.type === 'call' ? (item.childForFieldName('arguments')?.namedChildren ?? []) : [];
  return entries.some((n) => (n?.type === 'pair' || n?.type === 'keyword_argument') && n.childForFieldName('value')?.type === 'identifier' && n.childForFieldName('value')?.text === name);
}

/**
 * Whether `call` may be the output's activation: outside any function (a script's last op), or returned by its
 * function, alone or as an item of a tuple (`return torch.sigmoid(x)`, `p = torch.sigmoid(x)` … `return p, mu`),
 * and not held by a name that says it weighs something inside the model (`attn = torch.softmax(…)`).
 */
export function returnedAsOutput(call: Node): boolean {
  let fn = call.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  if (!fn) return true;
  const assignment = call.parent?.type === 'assignment' && call.parent.childForFieldName('right')?.startIndex === call.startIndex ? call.parent : undefined;
  const target = assignment?.childForFieldName('left');
  const name = target?.type === 'identifier' ? target.text : undefined;
  if (name && INNER_WEIGHTS.test(name)) return false;
  return fn.descendantsOfType('return_statement').some((r) => {
    const value = r?.namedChildren[0];
    if (!value) return false;
    const e = unparenthesized(value);
    const items = e.type === 'expression_list' || e.type === 'tuple' ? e.namedChildren.filter((n): n is Node => !!n).map(unparenthesized) : [e];
    return items.some((it) => (name ? heldAsItem(it, name) : it.startIndex <= call.startIndex && call.endIndex <= it.endIndex));
  });
}
