// A settings dict handed to a constructor (`PhysicalAbundanceLoss(CONFIG["loss"])`, `Loss({"lam": 0.5})`,
// `Loss(dict(lam=0.5))`, `Loss(cfg)` with `cfg = {...}` above) and read in `__init__` as `cfg.get("lam", 1.0)` or
// `cfg["lam"]`: the dict's literal entries, found by following names and string subscripts to the dict literal
// they were assigned, as Python would bind them. Never run: a dict built any other way is not read.
import type { Node } from 'web-tree-sitter';
import { entriesOf } from './dictConstants';
import { literalOf } from './params';
import { isTrivia } from './trivia';

/** Names and subscripts followed before giving up (a chain of aliases is short in real code). */
const MAX_HOPS = 6;

/** The last `name = <value>` at the top of the module (a script's settings dict). */
function moduleAssignment(root: Node, name: string, before: number): Node | undefined {
  let last: Node | undefined;
  for (const s of root.namedChildren) {
    if (!s || s.startIndex >= before || s.type !== 'expression_statement') continue;
    const a = s.namedChild(0);
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) last = a.childForFieldName('right') ?? undefined;
  }
  return last;
}

/** The dict literal `node` denotes, following module names and string subscripts (`CONFIG["loss"]`). */
export function dictLiteralOf(node: Node, hops = 0): Node | undefined {
  if (hops > MAX_HOPS) return undefined;
  if (entriesOf(node)) return node;
  if (node.type === 'parenthesized_expression') {
    const inner = node.namedChildren.find((c) => c && !isTrivia(c));
    return inner ? dictLiteralOf(inner, hops + 1) : undefined;
  }
  if (node.type === 'identifier') {
    let root: Node = node;
    while (root.parent) root = root.parent;
    const value = moduleAssignment(root, node.text, node.startIndex);
    return value ? dictLiteralOf(value, hops + 1) : undefined;
  }
  if (node.type !== 'subscript') return undefined;
  const keys = node.childrenForFieldName('subscript').filter((s): s is Node => !!s);
  const key = keys.length === 1 && keys[0] ? literalOf(keys[0]) : undefined;
  const outer = node.childForFieldName('value');
  const dict = typeof key === 'string' && outer ? dictLiteralOf(outer, hops + 1) : undefined;
  const entry = dict ? entriesOf(dict)?.find(([k]) => k === key)?.[1] : undefined;
  return entry ? dictLiteralOf(entry, hops + 1) : undefined;
}

/** The literal entries of the dict `node` denotes: key → value node. Undefined when it is not a readable dict. */
export function passedDictEntries(node: Node): Map<string, Node> | undefined {
  const dict = dictLiteralOf(node);
  const entries = dict ? entriesOf(dict) : undefined;
  return entries ? new Map(entries) : undefined;
}

/**
 * `self.x = cfg.get("k", default)` or `self.x = cfg["k"]` with `cfg` a constructor parameter: the parameter, the key
 * and the default node (`get`'s second argument; none for a subscript, which raises when the key is missing).
 */
export function dictSettingRead(right: Node, isInitParam: (name: string) => boolean): { param: string; key: string; fallback?: Node } | undefined {
  if (right.type === 'subscript') {
    const owner = right.childForFieldName('value');
    const keys = right.childrenForFieldName('subscript').filter((s): s is Node => !!s);
    const key = keys.length === 1 && keys[0] ? literalOf(keys[0]) : undefined;
    return owner?.type === 'identifier' && isInitParam(owner.text) && typeof key === 'string' ? { param: owner.text, key } : undefined;
  }
  const fn = right.type === 'call' ? right.childForFieldName('function') : null;
  const owner = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get' ? fn.childForFieldName('object') : null;
  const args = (right.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && !isTrivia(a));
  const key = args[0] ? literalOf(args[0]) : undefined;
  if (owner?.type !== 'identifier' || !isInitParam(owner.text) || typeof key !== 'string' || args.length > 2 || args.some((a) => a.type === 'keyword_argument')) return undefined;
  return args[1] ? { param: owner.text, key, fallback: args[1] } : { param: owner.text, key };
}
