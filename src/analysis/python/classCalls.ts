// The calls of a class of the file (`Loss(…)`, `losses.Loss(…)`) and what each passes for an `__init__` parameter,
// read from one index of a tree's calls by callee, built once per tree: every reader of constructor arguments
// (settings dicts, held criteria, settled branches, None defaults) asks here instead of walking the file again.
import type { Node } from 'web-tree-sitter';
import { isTrivia } from './trivia';

/** Every call of a tree by its callee's last name (`Loss` for `losses.Loss(…)`), read in one walk per tree. */
const callsByTree = new WeakMap<object, Map<string, Node[]>>();

export function callsOfClass(root: Node, cls: string): Node[] {
  let byName = callsByTree.get(root.tree);
  if (!byName) {
    byName = new Map();
    for (const c of root.descendantsOfType('call')) {
      const last = c?.childForFieldName('function')?.text.split('.').at(-1);
      if (!c || !last) continue;
      const calls = byName.get(last);
      if (calls) calls.push(c);
      else byName.set(last, [c]);
    }
    callsByTree.set(root.tree, byName);
  }
  return byName.get(cls) ?? [];
}

/** The argument each call of the class in this file passes for its `__init__` parameter `name` (at `index`, or by keyword). */
export function argsPassedToClass(classNode: Node, name: string, index: number): Node[] {
  const cls = classNode.childForFieldName('name')?.text;
  let root: Node = classNode;
  while (root.parent) root = root.parent;
  if (!cls) return [];
  const out: Node[] = [];
  for (const c of callsOfClass(root, cls)) {
    const args = (c.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && !isTrivia(a));
    const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value');
    const positional = args.filter((a) => a.type !== 'keyword_argument')[index];
    const passed = keyword ?? positional;
    if (passed) out.push(passed);
  }
  return out;
}
