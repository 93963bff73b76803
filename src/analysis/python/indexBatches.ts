// Minibatches a script cuts by hand with a loop's index, not from a loader: `for i in range(0, n, bs):` then
// `inp = degraded[i:i + bs]`, `gt = clean[i:i + bs].to(device)`, `X = data[b * bs:(b + 1) * bs]`. Each is a batch
// of the script's data, as `x, y` of `for x, y in loader` are: the inline front end (inline.ts) leaves its
// assignment out, so the name stays the model's input or the loss's target, which the trial's data replaces,
// instead of being read as the script's whole tensor sliced by an index the trainer has no value for.
import type { Node } from 'web-tree-sitter';
import { namedChildren } from './forward';

/** The variables of the `for v in range(…)` loops passed on the way to the loss (the minibatch indices). */
export function indexVariables(loops: readonly Node[]): Set<string> {
  const out = new Set<string>();
  for (const loop of loops) {
    const right = loop.childForFieldName('right');
    const left = loop.childForFieldName('left');
    if (right?.type === 'call' && right.childForFieldName('function')?.text === 'range' && left?.type === 'identifier') out.add(left.text);
  }
  return out;
}

/** The subscript a chain of calls and attributes starts from (`clean[i:i + 8]` of `clean[i:i + 8].to(device)`). */
function subscriptRoot(n: Node): Node | undefined {
  let cur: Node | null = n;
  while (cur?.type === 'call' || cur?.type === 'attribute') cur = cur.type === 'call' ? cur.childForFieldName('function') : cur.childForFieldName('object');
  return cur?.type === 'subscript' ? cur : undefined;
}

/**
 * Whether the subscript cuts by one of the index variables: a slice reading one (`[i:i + 8]`, `[b * bs:(b + 1) *
 * bs]`) or the variable itself, a batch of indices (`X[idx]` after `idx = order[i:i + bs]`).
 */
function slicedBy(sub: Node, index: ReadonlySet<string>): boolean {
  const items = namedChildren(sub).slice(1);
  const readsIndex = (it: Node) => it.descendantsOfType('identifier').some((id) => !!id && index.has(id.text));
  return items.some((it) => (it.type === 'slice' && readsIndex(it)) || (it.type === 'identifier' && index.has(it.text)));
}

/**
 * `name = data[i:i + bs]…` inside an index loop: the identifier bound, as a batch's item; else undefined. A name so
 * bound joins `index`: `idx = order[i:i + bs]` is the batch's indices, which cut the data next
 * (`xb, yb = X[idx], y[idx]`); a name no subscript reads that way is unaffected.
 */
export function cutByIndex(stmt: Node, index: Set<string>): Node[] | undefined {
  if (index.size === 0) return undefined;
  const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
  const right = a?.childForFieldName('right');
  if (!left || !right) return undefined;
  const cut = (value: Node): boolean => {
    const sub = subscriptRoot(value);
    return !!sub && slicedBy(sub, index);
  };
  if (left.type === 'identifier') {
    if (!cut(right)) return undefined;
    index.add(left.text);
    return [left];
  }
  // `xb, yb = X[i:i + bs], y[i:i + bs]`: each name a batch's item when every value is cut by the index
  const names = left.type === 'pattern_list' || left.type === 'tuple_pattern' ? namedChildren(left) : [];
  const values = right.type === 'expression_list' || right.type === 'tuple' ? namedChildren(right) : [];
  const pairs = names.length > 0 && names.length === values.length && names.every((n) => n.type === 'identifier');
  return pairs && values.every(cut) ? names : undefined;
}

/** `maps[i:i + bs]` (or `maps[i:i + bs].to(device)`) inside an index loop: the subscript, cut by the loop's index. */
export function indexCut(n: Node, index: ReadonlySet<string>): Node | undefined {
  const sub = index.size > 0 ? subscriptRoot(n) : undefined;
  return sub && slicedBy(sub, index) ? n : undefined;
}
