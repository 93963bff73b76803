// `Loss(**cfg["loss_kwargs"])`, `Loss(**params)`, `Loss(**{"lam": 0.1})`: a dict of settings unpacked into a call's
// keywords. When the dict is written in the file (a literal, or a module-level dict, or a section of one, read the
// way the call runs), each of its entries is a keyword the call passes, as Python unpacks it.
import type { Node } from 'web-tree-sitter';
import { entriesOf } from './dictConstants';
import type { ModuleScope } from './moduleScope';
import { literalOf } from './params';
import { isTrivia } from './trivia';

/** Sections nested deeper than this are not followed (real configs are two or three levels deep). */
const MAX_DEPTH = 4;

/** The dict node an expression stands for: a literal, a module dict by name, a section of one by string key. */
function dictNode(n: Node, module: ModuleScope | undefined, depth = 0): Node | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (n.type === 'dictionary' || (n.type === 'call' && n.childForFieldName('function')?.text === 'dict')) return n;
  if (n.type === 'identifier') {
    const v = module?.values?.get(n.text);
    return v && v !== n ? dictNode(v, module, depth + 1) : undefined;
  }
  if (n.type !== 'subscript') return undefined;
  const outer = n.childForFieldName('value');
  const key = n.childForFieldName('subscript');
  const k = key ? literalOf(key) : undefined;
  const parent = outer && typeof k === 'string' ? dictNode(outer, module, depth + 1) : undefined;
  const entry = parent ? entriesOf(parent)?.find(([name]) => name === k)?.[1] : undefined;
  return entry ? dictNode(entry, module, depth + 1) : undefined;
}

/** The keywords a call's `**dict` arguments pass (the call's own keywords are added by the caller, over these). */
export function splatKeywords(call: Node, module: ModuleScope | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type !== 'dictionary_splat') continue;
    const inner = a.namedChildren.find((c): c is Node => !!c && !isTrivia(c));
    const dict = inner ? dictNode(inner, module) : undefined;
    for (const [k, v] of (dict && entriesOf(dict)) || []) out.set(k, v);
  }
  return out;
}
