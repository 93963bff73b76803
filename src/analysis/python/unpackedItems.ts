// A factory's closure value unpacked from a list its call passes (`inversion_gap, lam = settings` with
// `make([gap, K.constant(PHYS_LAMBDA)])`): the items the call writes are read one by one, so an item known before
// training (a number, a module constant, `K.constant(c)`/`torch.tensor(c)` of one) binds its parameter even when
// another item of the list (a tensor) is not known. An item (or argument) that is a module-level value computed from
// concrete data is fixed before training (LossParam.fixedBeforeTraining). Read after the usages, from the call each
// factory-call names.
import type { Node } from 'web-tree-sitter';
import type { LossModel, LossParam, LossUsage } from '../ir';
import type { ModuleScope } from './moduleScope';
import { arithmeticOf } from './params';
import { isTrivia } from './trivia';

/** Calls that make a tensor of a number: the number is what they hold. */
const NUMBER_TENSORS: ReadonlySet<string> = new Set(['constant', 'tensor', 'as_tensor', 'scalar', 'float32', 'float64', 'float', 'cast_to_floatx', 'variable']);

const itemsOf = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => !!c && !isTrivia(c));

/** The number an item stands for before training, else undefined. */
function numberOf(n: Node, module: ModuleScope): number | undefined {
  if (n.type === 'identifier') {
    const c = module.constants.get(n.text)?.value;
    return typeof c === 'number' ? c : undefined;
  }
  if (n.type === 'call') {
    const callee = n.childForFieldName('function')?.text ?? '';
    const args = itemsOf(n.childForFieldName('arguments') ?? n);
    const name = callee.slice(callee.lastIndexOf('.') + 1);
    return NUMBER_TENSORS.has(name) && args[0] && args[0].type !== 'keyword_argument' ? numberOf(args[0], module) : undefined;
  }
  return arithmeticOf(n);
}

/** The call node a usage's range spans. */
function callAt(root: Node, u: LossUsage): Node | undefined {
  let n: Node | null = root.descendantForPosition({ row: u.range.startLine, column: u.range.startCol }, { row: u.range.endLine, column: u.range.endCol });
  while (n && n.type !== 'call') n = n.parent;
  return n ?? undefined;
}

/** The argument a call passes for the parameter at `index` of `names` (positional or keyword). */
function argumentFor(call: Node, names: readonly string[], name: string): Node | undefined {
  const args = itemsOf(call.childForFieldName('arguments') ?? call);
  const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name);
  if (keyword) return keyword.childForFieldName('value') ?? undefined;
  const i = names.indexOf(name);
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  return i >= 0 ? positional[i] : undefined;
}

/** Top-level `name = value` assignments of the module: the values a factory call may pass by name. */
function moduleValues(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const stmt of root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.set(left.text, right);
  }
  return out;
}

/** Whether a module value is built from a symbolic `keras.Input` (a graph tensor, live in training), following the module values it reads. */
function fromSymbolicInput(value: Node, values: ReadonlyMap<string, Node>, seen: Set<string>): boolean {
  if (/\bInput\s*\(/.test(value.text)) return true;
  return value.descendantsOfType('identifier').some((id) => {
    const name = id?.text;
    if (!name || seen.has(name) || !values.has(name)) return false;
    seen.add(name);
    return fromSymbolicInput(values.get(name)!, values, seen);
  });
}

/**
 * Binds (LossUsage.boundArgs) each unpacked parameter whose item the factory call writes as a number, and marks
 * (LossParam.fixedBeforeTraining) the factory's values the call passes as a module-level value computed once. The
 * usages and params are replaced, not changed: they may be shared with the incremental caches.
 */
export function bindUnpackedItems(root: Node, models: LossModel[], bindNames: ReadonlyMap<string, string[]>, module: ModuleScope): void {
  let values: Map<string, Node> | undefined;
  for (const m of models) {
    const unpacked = m.params.filter((p) => p.unpacks || (p.origin === 'factory' && p.default === undefined));
    if (unpacked.length === 0) continue;
    const fixed = new Set<string>();
    const read: ItemReading = {
      number: (n) => numberOf(n, module),
      fixed: (n) => {
        values ??= moduleValues(root);
        const v = n.type === 'identifier' && !module.constants.has(n.text) ? values.get(n.text) : undefined;
        return v !== undefined && !fromSymbolicInput(v, values, new Set([n.text]));
      },
    };
    m.usages = m.usages.map((u) => (u.kind === 'factory-call' ? withItems(root, u, m, unpacked, bindNames, read, fixed) : u));
    if (fixed.size > 0) m.params = m.params.map((p) => (fixed.has(p.name) ? { ...p, fixedBeforeTraining: true } : p));
  }
}

interface ItemReading {
  number: (n: Node) => number | undefined;
  fixed: (n: Node) => boolean;
}

/** The node a call passes for a parameter: its argument, or the item of the list it unpacks. */
function passedFor(call: Node, names: readonly string[], p: LossParam): Node | undefined {
  if (!p.unpacks) return argumentFor(call, names, p.name);
  const list = argumentFor(call, names, p.unpacks.from);
  return list && (list.type === 'list' || list.type === 'tuple') ? itemsOf(list)[p.unpacks.index] : undefined;
}

function withItems(root: Node, u: LossUsage, m: LossModel, params: LossParam[], bindNames: ReadonlyMap<string, string[]>, read: ItemReading, fixed: Set<string>): LossUsage {
  const call = callAt(root, u);
  if (!call) return u;
  const bound: Record<string, number> = {};
  for (const p of params) {
    const item = passedFor(call, bindNames.get(m.name) ?? [], p);
    if (!item) continue;
    if (read.fixed(item)) fixed.add(p.name);
    const v = p.unpacks && u.boundArgs?.[p.name] === undefined ? read.number(item) : undefined;
    if (v !== undefined) bound[p.name] = v;
  }
  return Object.keys(bound).length > 0 ? { ...u, boundArgs: { ...u.boundArgs, ...bound } } : u;
}
