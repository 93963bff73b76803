// An object of the file's own class built at module level (`model = CorrAutoencoder()`), whose `__init__` stores a
// setting on itself (`self.sparsity_penalty = sparsity_penalty`, default 1e-4): the object's attribute holds what
// the call passes for that parameter, else its default, as Python binds it. A loss that reads `model.sparsity_penalty`
// reads that number: each such attribute becomes the module constant `model.sparsity_penalty`, written where its
// value is written (the call's argument or the default), so λ write-back edits it there.
import type { Node } from 'web-tree-sitter';
import { rangeOf } from '../parsing/range';
import type { ModuleConstant } from './moduleScope';
import { arithmeticOf, literalOf, type ParamInfo, readParams } from './params';
import { isTrivia } from './trivia';

type Constants = Map<string, ModuleConstant>;

function initOf(cls: Node): Node | undefined {
  for (const s of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === '__init__') return def;
  }
  return undefined;
}

/** The call's arguments: positional in order, keywords by name. */
function argumentsOf(call: Node): { positional: Node[]; keyword: Map<string, Node> } {
  const positional: Node[] = [];
  const keyword = new Map<string, Node>();
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || isTrivia(a)) continue;
    const key = a.type === 'keyword_argument' ? a.childForFieldName('name')?.text : undefined;
    const value = a.childForFieldName('value');
    if (key && value) keyword.set(key, value);
    else if (a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat') positional.push(a);
  }
  return { positional, keyword };
}

/** Where the value a parameter takes is written: the call's argument for it, else its default. */
function boundNode(p: ParamInfo, index: number, args: ReturnType<typeof argumentsOf>): Node | undefined {
  return args.keyword.get(p.name) ?? args.positional[index] ?? p.defaultNode;
}

/** A number (or flag, or string) written at `node`, or a module constant it names; undefined otherwise. */
function valueAt(node: Node, constants: Constants): Pick<ModuleConstant, 'value' | 'valueRange'> | undefined {
  const lit = literalOf(node) ?? arithmeticOf(node);
  if (lit !== undefined) return { value: lit, valueRange: rangeOf(node) };
  const named = node.type === 'identifier' ? constants.get(node.text) : undefined;
  return named && !Array.isArray(named.value) ? { value: named.value, valueRange: named.valueRange } : undefined;
}

/** `self.x = <value>` as a statement of `__init__`'s body: the attribute node and the value node. */
function selfAssignment(s: Node): { attr: Node; value: Node } | undefined {
  const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
  const value = a?.childForFieldName('right');
  if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== 'self' || !value) return undefined;
  const attr = left.childForFieldName('attribute');
  return attr ? { attr, value } : undefined;
}

/** Reads the attributes `name = cls(…)` leaves set by `__init__` into `constants` as `name.attr`. */
export function readInstanceAttributes(name: string, cls: Node, call: Node, constants: Constants): void {
  const init = initOf(cls);
  if (!init) return;
  const params = readParams(init.childForFieldName('parameters')).filter((p) => p.name !== 'self');
  const args = argumentsOf(call);
  for (const s of init.childForFieldName('body')?.namedChildren ?? []) {
    const set = s ? selfAssignment(s) : undefined;
    if (!set) continue;
    const key = `${name}.${set.attr.text}`;
    const i = set.value.type === 'identifier' ? params.findIndex((p) => !p.variadic && p.name === set.value.text) : -1;
    const at = i >= 0 ? boundNode(params[i]!, i, args) : set.value;
    const v = at ? valueAt(at, constants) : undefined;
    if (v) constants.set(key, { ...v, nameRange: rangeOf(set.attr) });
    else constants.delete(key); // set from something read at run time: not a known number
  }
}
