// A factory's closure value unpacked from a list its call passes (`inversion_gap, lam = settings` with
// `make([gap, K.constant(PHYS_LAMBDA)])`): the items the call writes are read one by one, so an item known before
// training (a number, a module constant, `K.constant(c)`/`torch.tensor(c)` of one) binds its parameter even when
// another item of the list (a tensor) is not known. Read after the usages, from the call each factory-call names.
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

/**
 * Binds (LossUsage.boundArgs) each unpacked parameter whose item the factory call writes as a number. The usage is
 * replaced, not changed: usages may be shared with the incremental cache, and a module constant may change.
 */
export function bindUnpackedItems(root: Node, models: LossModel[], bindNames: ReadonlyMap<string, string[]>, module: ModuleScope): void {
  for (const m of models) {
    const unpacked = m.params.filter((p) => p.unpacks);
    if (unpacked.length > 0) m.usages = m.usages.map((u) => (u.kind === 'factory-call' ? withItems(root, u, m, unpacked, bindNames, module) : u));
  }
}

function withItems(root: Node, u: LossUsage, m: LossModel, unpacked: LossParam[], bindNames: ReadonlyMap<string, string[]>, module: ModuleScope): LossUsage {
  const call = callAt(root, u);
  if (!call) return u;
  const bound: Record<string, number> = {};
  for (const p of unpacked) {
    const list = argumentFor(call, bindNames.get(m.name) ?? [], p.unpacks!.from);
    const item = list && (list.type === 'list' || list.type === 'tuple') ? itemsOf(list)[p.unpacks!.index] : undefined;
    const v = item && u.boundArgs?.[p.name] === undefined ? numberOf(item, module) : undefined;
    if (v !== undefined) bound[p.name] = v;
  }
  return Object.keys(bound).length > 0 ? { ...u, boundArgs: { ...u.boundArgs, ...bound } } : u;
}
