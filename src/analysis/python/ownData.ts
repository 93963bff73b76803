// A full-batch training function's own data (inline.ts): the arrays it is handed made tensors (`counts =
// torch.tensor(raw_counts)`) and, in a method, the samples its object keeps (`y = torch.tensor(self.rewards)`). They
// are its batch, as `x, y` of `for x, y in loader` are: the trial's data replaces them.
import type { Node } from 'web-tree-sitter';
import { readParams } from './params';
import { argsOf } from './usages';

/** Calls that turn an array (or a list of samples) handed to a function into a tensor, unchanged. */
const TO_TENSOR = /^(torch\.(tensor|as_tensor|from_numpy|Tensor|FloatTensor|stack)|np\.(asarray|array|stack)|tf\.(convert_to_tensor|constant|stack))$/;

/**
 * The names a function's own data can come from: its arguments without defaults (`score(scaled, raw_counts, lam=1.0)`)
 * and `self`, for what a method's object keeps; none outside a function.
 */
export function ownDataParams(container: Node): ReadonlySet<string> {
  if (container.type !== 'function_definition') return new Set();
  return new Set(readParams(container.childForFieldName('parameters')).filter((p) => !p.variadic && p.default === undefined && !p.defaultNode).map((p) => p.name));
}

/** One of the function's arguments, or what its object keeps (`self.history_r`, the samples gathered so far). */
function ownData(n: Node | undefined, params: ReadonlySet<string>, objectState: boolean): boolean {
  if (n?.type === 'identifier') return params.has(n.text) && n.text !== 'self';
  return objectState && n?.type === 'attribute' && n.childForFieldName('object')?.text === 'self' && params.has('self');
}

/**
 * `counts = torch.tensor(raw_counts, dtype=…)`, `.reshape(-1, 1)` and all, `y = torch.tensor(self.history_r)`: a tensor
 * of the function's own data. What the object keeps counts only where the caller says so (a data name: `y`, not a
 * kept weight `w = torch.tensor(self.class_w)`).
 */
export function convertsOwnData(right: Node, params: ReadonlySet<string>, objectState: boolean): boolean {
  let cur: Node | null = right;
  while (cur?.type === 'call' || cur?.type === 'attribute') {
    if (cur.type === 'call' && TO_TENSOR.test(cur.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '')) return ownData(argsOf(cur).positional[0], params, objectState);
    cur = cur.type === 'call' ? cur.childForFieldName('function') : cur.childForFieldName('object');
  }
  return false;
}
