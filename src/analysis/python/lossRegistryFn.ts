// `def loss_switcher(case): losses = {"mse": mse, "mae": mae}; return losses.get(case)` then `loss_fn =
// loss_switcher(CONFIG["loss"])` and `loss = loss_fn(yb, pred, …)` under the tape: a function that looks a loss
// function of the file up by name. The file builds its loss with it (usedAsLoss.ts counts it among the factories),
// so the functions it holds are losses the file uses, whatever their argument names; and the variable its call is
// assigned to is the function the key picks (usages.ts), so the call binds that function's λ.
import type { Node } from 'web-tree-sitter';
import { literalOf } from './params';
import type { LossUses } from './usedAsLoss';

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

/** The dict a lookup reads: `D.get(key)` / `D[key]` with D a dict literal or a local assigned one in `fn`. */
function lookedUpDict(value: Node, fn: Node): Node | undefined {
  const get = value.type === 'call' ? value.childForFieldName('function') : undefined;
  const holder = get?.type === 'attribute' && get.childForFieldName('attribute')?.text === 'get' ? get.childForFieldName('object') : value.type === 'subscript' ? value.childForFieldName('value') : undefined;
  if (holder?.type === 'dictionary') return holder;
  if (holder?.type !== 'identifier') return undefined;
  const assigned = fn.descendantsOfType('assignment').filter((a): a is Node => !!a && a.childForFieldName('left')?.text === holder.text);
  const right = assigned.length === 1 ? assigned[0]?.childForFieldName('right') : undefined;
  return right?.type === 'dictionary' ? right : undefined;
}

/** A registry function's entries: [key, the function's name] for each pair whose value names a function of the file. */
function registryEntries(fn: Node, functions: ReadonlySet<string>): [string | undefined, string][] {
  const body = named(fn.childForFieldName('body'));
  const ret = body.at(-1);
  const value = ret?.type === 'return_statement' ? named(ret)[0] : undefined;
  const dict = value ? lookedUpDict(value, fn) : undefined;
  return named(dict).flatMap((p) => {
    const v = p.type === 'pair' ? p.childForFieldName('value') : undefined;
    const key = p.childForFieldName('key');
    const k = key ? literalOf(key) : undefined;
    return v?.type === 'identifier' && functions.has(v.text) ? [[typeof k === 'string' ? k : undefined, v.text] as [string | undefined, string]] : [];
  });
}

const topFunctions = (root: Node): Map<string, Node> =>
  new Map(named(root).flatMap((s) => (s.type === 'function_definition' ? [[s.childForFieldName('name')?.text ?? '', s] as [string, Node]] : [])));

/** The file's uses with the functions of the registries it builds its loss with counted as passed as the loss. */
export function withRegisteredLosses(root: Node, uses: LossUses): LossUses {
  const functions = topFunctions(root);
  const registered = [...uses.factories].flatMap((f) => {
    const fn = functions.get(f);
    return fn ? registryEntries(fn, new Set(functions.keys())).map(([, name]) => name) : [];
  });
  if (registered.length === 0) return uses;
  return { lossFns: new Set([...uses.lossFns, ...registered]), factories: uses.factories, passed: new Set([...uses.passed, ...registered]) };
}

/**
 * The function `registry(key)` returns (`call`), by name: the entry the key (a literal string) picks, else the one
 * entry; undefined when `call` is no registry call or the entry cannot be told.
 */
export function registryPick(root: Node, call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  const fn = callee?.type === 'identifier' ? topFunctions(root).get(callee.text) : undefined;
  const functions = new Set(topFunctions(root).keys());
  const entries = fn ? registryEntries(fn, functions) : [];
  const arg = named(call.childForFieldName('arguments'))[0];
  const key = arg ? literalOf(arg) : undefined;
  const picked = typeof key === 'string' ? entries.find(([k]) => k === key) : undefined;
  return picked?.[1] ?? (new Set(entries.map(([, n]) => n)).size === 1 ? entries[0]?.[1] : undefined);
}

/** Whether `name` is a registry function of the file holding at least one of its functions. */
export function isLossRegistry(root: Node, name: string): boolean {
  const functions = topFunctions(root);
  const fn = functions.get(name);
  return !!fn && registryEntries(fn, new Set(functions.keys())).length > 0;
}

/**
 * `loss_fn(yb, pred, …)` with `loss_fn = loss_switcher(…)` at module level (`values`): a call of the function a
 * registry picks. A loop's loss that is only that call is that function's use, not a loss of its own.
 */
export function callsRegisteredLoss(call: Node, values: ReadonlyMap<string, Node> | undefined): boolean {
  const fn = call.type === 'call' ? call.childForFieldName('function') : undefined;
  const value = fn?.type === 'identifier' ? values?.get(fn.text) : undefined;
  const registry = value?.type === 'call' ? value.childForFieldName('function') : undefined;
  let root: Node = call;
  while (root.parent) root = root.parent;
  return registry?.type === 'identifier' && isLossRegistry(root, registry.text);
}
