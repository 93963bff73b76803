// Python module-level values built from an expression (../outsideValues.ts): `EYE = torch.eye(4)`,
// `W = torch.tensor([0.2] * 6)`, `MASK = np.triu(np.ones((5, 5)), 1)`, `STEP = 1.0 / N`. The last top-level
// `NAME = …` of the file is read as a loss's expressions are (same-file helpers followed), with no locals.
import type { Node } from 'web-tree-sitter';
import type { OutsideValue } from '../ir';
import type { ReadOutside } from '../outsideValues';
import { convertExpr } from './expr';
import type { ImportMap } from './imports';
import type { ModuleScope } from './moduleScope';
import type { Scope } from './scope';

/** `NAME = …` or `A, B = …` (not `==`) at the start of a top-level statement. */
const assignsName = /^[\p{L}_][\p{L}\p{N}_]*[ \t]*(?:(?::[^=\n]*)?=(?!=)|,)/u;

/** The names and values of `A, B, C = 1, 2, torch.eye(3)` paired one to one; none when the counts differ. */
function unpackedPairs(left: Node, right: Node): [Node, Node][] {
  if (!(left.type === 'pattern_list' || left.type === 'tuple_pattern') || !(right.type === 'expression_list' || right.type === 'tuple')) return [];
  const names = left.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const values = right.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  if (names.length !== values.length || names.some((n) => n.type !== 'identifier')) return [];
  return names.map((n, i) => [n, values[i]!]);
}

/**
 * Records a top-level `NAME = value` into `module.values` (a later one replaces it, as Python rebinds), and each
 * name of a tuple assignment written item by item (`N_NODES, N_CLASSES = 300, 5`), so a value built from one of
 * them (`torch.randint(0, N_CLASSES, (N_NODES,))`) reads it as it reads a name bound alone.
 */
export function readModuleValue(stmt: Node, text: string, module: ModuleScope): void {
  if (!assignsName.test(text)) return;
  const a = stmt.namedChild(0);
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
  const right = a?.childForFieldName('right');
  if (!left || !right) return;
  const pairs: [Node, Node][] = left.type === 'identifier' ? [[left, right]] : unpackedPairs(left, right);
  if (pairs.length === 0) return;
  module.values ??= new Map();
  for (const [name, value] of pairs) module.values.set(name.text, value);
}

/** Code, not data: a lambda is followed where it is called; an object of the file's own classes is a model or a loss. */
function isValue(value: Node, module: ModuleScope): boolean {
  if (value.type === 'lambda') return false;
  const callee = value.type === 'call' ? value.childForFieldName('function')?.text : undefined;
  return !(callee && module.classes?.has(callee));
}

/** A call of a tensor library (`torch.eye`, `np.triu`, `tf.constant`), not of a parser or a config reader. */
const tensorMaker = /^(?:torch|tf|tensorflow|np|numpy|jnp|F|K|keras|ops)\./;

/** Module names whose value a call builds, alone or in arithmetic (`COLS = torch.arange(4) / N`): tensors, not settings. */
export function builtModuleNames(module: ModuleScope): Set<string> {
  const out = new Set<string>();
  for (const [name, value] of module.values ?? []) {
    if (module.constants.has(name) || !isValue(value, module)) continue;
    const call = value.type === 'call' ? value : value.type === 'binary_operator' ? value.descendantsOfType('call')[0] : undefined;
    if (call && tensorMaker.test(call.childForFieldName('function')?.text ?? '')) out.add(name);
  }
  return out;
}

export function pythonOutsideValues(module: ModuleScope, imports: ImportMap): ReadOutside {
  const read = new Map<string, OutsideValue | undefined>();
  return (name) => {
    if (read.has(name)) return read.get(name);
    const value = module.instances?.has(name) ? undefined : module.values?.get(name);
    let v: OutsideValue | undefined;
    if (value && isValue(value, module)) {
      const scope: Scope = { locals: new Map(), refs: new Map(), imports, labels: new WeakMap(), instances: new Map(), module, inlined: new WeakMap(), weakLabels: new WeakSet() };
      v = { expr: convertExpr(value, scope), line: value.startPosition.row + 1 };
    }
    read.set(name, v);
    return v;
  };
}
