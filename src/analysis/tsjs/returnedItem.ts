// A TS/JS loss that returns several values (`return [fit, smooth, total]`) and a caller that trains one of them:
// `const [, , total] = this.loss(ys, pred); return total;` in an optimizer's closure, or `this.loss(ys, pred)[2]`.
// The loss is the item the caller trains; with no such caller, the first item, as Python reads `return loss, logs`.
// An object of parts (`return { lossPi, lossV, total }`) is read the same way by field: the field the caller trains
// (`ppoLoss(…).total`, `const { total } = ppoLoss(…)` then `return total`); with no such caller it has no loss.
import type { Node } from 'web-tree-sitter';

const FUNCTION_TYPES = new Set(['arrow_function', 'function_expression', 'function_declaration', 'function', 'method_definition', 'generator_function_declaration']);
/** Wrappers that hand a call's value on unchanged: `await f()`, `f() as [Scalar, Scalar]`, `(f())`, `f()!`. */
const PASS_THROUGH = new Set(['await_expression', 'as_expression', 'parenthesized_expression', 'non_null_expression', 'satisfies_expression']);

/** Calls of the function or method `name`: `name(…)`, `this.name(…)`, `obj.name(…)`. */
function callsOf(root: Node, name: string): Node[] {
  return root.descendantsOfType('call_expression').filter((c): c is Node => {
    const fn = c?.childForFieldName('function');
    if (fn?.type === 'identifier') return fn.text === name;
    return fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === name;
  });
}

/** `[a, , c]`: each slot's name, a hole or a non-name (`...rest`, a default) as undefined. */
function patternSlots(pattern: Node): (string | undefined)[] {
  const slots: (string | undefined)[] = [undefined];
  for (const c of pattern.children) {
    if (!c || c.type === '[' || c.type === ']') continue;
    if (c.type === ',') slots.push(undefined);
    else slots[slots.length - 1] = c.type === 'identifier' ? c.text : undefined;
  }
  return slots;
}

/** The names the function around `node` returns (`return total;`, an arrow's body `total`). */
function returnedNames(node: Node): Set<string> {
  let fn: Node | null = node.parent;
  while (fn && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
  const names = new Set<string>();
  const body = fn?.childForFieldName('body');
  if (!body) return names;
  if (body.type === 'identifier') names.add(body.text);
  for (const r of body.descendantsOfType('return_statement')) {
    let value = r?.namedChildren.find((c) => c && c.type !== 'comment');
    // `return total as tf.Scalar`, `return (total)`: the name itself
    while (value && PASS_THROUGH.has(value.type)) value = value.namedChildren.find((c) => c && c.type !== 'comment');
    if (value?.type === 'identifier') names.add(value.text);
  }
  return names;
}

/** The item one call's use picks: `call[2]`, or the slot of `const [, , total] = call` that its function returns. */
function pickedIndex(call: Node): number | undefined {
  const value = usedValue(call);
  const parent = value.parent;
  if (parent?.type === 'subscript_expression' && parent.childForFieldName('object')?.id === value.id) {
    const k = Number(parent.childForFieldName('index')?.text);
    return Number.isInteger(k) && k >= 0 ? k : undefined;
  }
  const pattern = parent?.type === 'variable_declarator' && parent.childForFieldName('value')?.id === value.id ? parent.childForFieldName('name') : undefined;
  if (pattern?.type !== 'array_pattern') return undefined;
  const returned = returnedNames(parent!);
  const hits = patternSlots(pattern).flatMap((slot, i) => (slot && returned.has(slot) ? [i] : []));
  return hits.length === 1 ? hits[0] : undefined;
}

/** What the file's callers of `name` pick from its value (`pick` of each call), when they agree on one; else undefined. */
function agreedPick<T>(anyNode: Node, name: string, pick: (call: Node) => T | undefined): T | undefined {
  let root = anyNode;
  while (root.parent) root = root.parent;
  const picked = new Set(callsOf(root, name).flatMap((c) => {
    const p = pick(c);
    return p === undefined ? [] : [p];
  }));
  const [only] = picked;
  return picked.size === 1 ? only : undefined;
}

/** The index of the returned item the file's callers of `name` train, when they agree on one; else undefined. */
export const trainedItemIndex = (anyNode: Node, name: string): number | undefined => agreedPick(anyNode, name, pickedIndex);

/** A use of a call through the wrappers that hand its value on (`await f()`, `(f())`): the outermost such node. */
function usedValue(call: Node): Node {
  let value = call;
  while (value.parent && PASS_THROUGH.has(value.parent.type)) value = value.parent;
  return value;
}

/** The field one call's use picks: `call.total`, or the field of `const { total } = call` that its function returns. */
function pickedField(call: Node): string | undefined {
  const value = usedValue(call);
  const parent = value.parent;
  if (parent?.type === 'member_expression' && parent.childForFieldName('object')?.id === value.id) return parent.childForFieldName('property')?.text;
  const pattern = parent?.type === 'variable_declarator' && parent.childForFieldName('value')?.id === value.id ? parent.childForFieldName('name') : undefined;
  if (pattern?.type !== 'object_pattern') return undefined;
  const returned = returnedNames(parent!);
  const hits = pattern.namedChildren.flatMap((c): string[] => {
    if (c?.type === 'shorthand_property_identifier_pattern') return returned.has(c.text) ? [c.text] : [];
    const key = c?.type === 'pair_pattern' ? c.childForFieldName('key')?.text : undefined;
    const local = c?.childForFieldName('value');
    return key && local?.type === 'identifier' && returned.has(local.text) ? [key] : [];
  });
  return hits.length === 1 ? hits[0] : undefined;
}

/** The field of a returned object the file's callers of `name` train, when they agree on one; else undefined. */
export const trainedFieldName = (anyNode: Node, name: string): string | undefined => agreedPick(anyNode, name, pickedField);
