// The value an argument passes where a loss is built or called, read as Python binds it before the call runs:
// a literal (`SparseCoder(beta=3e-4)`), a name set to a literal earlier in the same function or script
// (`lam = 0.05` then `RidgeNet(lam=lam)`), a module constant (`Model(lam=LAM)`), or a command-line flag's default
// (`SparseCoder(beta=args.sparsity_lambda)` with `add_argument('--sparsity_lambda', default=3e-4)`, argparse.ts),
// each with where its literal is written, so λ write-back edits that place and not the call.
import type { Node, Tree } from 'web-tree-sitter';
import type { SourceRange } from '../ir';
import { rangeOf } from '../parsing/range';
import { dictKey } from './dictConstants';
import type { ModuleConstant } from './moduleScope';
import { arithmeticOf, literalOf } from './params';

export interface PassedValue {
  value: number | string | boolean;
  /** Where the literal is written in this text; absent when it is in another notebook cell. */
  at?: SourceRange;
}

/** Names set from names (`a = b`, `b = opts.lam`) followed before giving up. */
const MAX_ALIASES = 4;

const scopeTypes: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition', 'module']);

/** The function (or the module) whose locals a name in `node` is one of. */
function enclosingScope(node: Node): Node | null {
  let n = node.parent;
  while (n && !scopeTypes.has(n.type)) n = n.parent;
  return n;
}

const isParameterOf = (fn: Node, name: string): boolean =>
  (fn.childForFieldName('parameters')?.namedChildren ?? []).some((p) => (p?.type === 'identifier' ? p.text : p?.childForFieldName('name')?.text ?? p?.namedChild(0)?.text) === name);

/**
 * `name = <value>` written before `node` in its own scope (not inside a nested function or class): the last one, or
 * null when the name is a local bound otherwise (a parameter, a loop variable, a non-literal assignment: unknown).
 */
function localAssignment(node: Node, name: string): Node | null | undefined {
  const scope = enclosingScope(node);
  if (!scope) return undefined;
  if (scope.type !== 'module' && isParameterOf(scope, name)) return null;
  const own = (n: Node | null): n is Node => !!n && n.startIndex < node.startIndex && enclosingScope(n)?.id === scope.id;
  // a loop variable (`for lam in (0.1, 1.0): Model(lam=lam)`) takes several values
  if (scope.descendantsOfType('for_statement').some((f) => own(f) && f.childForFieldName('left')?.text === name)) return null;
  let last: Node | undefined;
  for (const a of scope.descendantsOfType('assignment')) {
    if (!own(a)) continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier' && left.text === name) last = a.childForFieldName('right') ?? undefined;
  }
  return last;
}

/** The value `node` passes, if it is known before the call runs (see the file's header). */
export function passedValue(node: Node, constants: ReadonlyMap<string, ModuleConstant>, depth = 0): PassedValue | undefined {
  // `lambd=1 / 2048`: arithmetic of numbers is the number Python computes
  const lit = literalOf(node) ?? arithmeticOf(node);
  if (lit !== undefined) return { value: lit, at: rangeOf(node) };
  if (node.type === 'subscript') return settingOfDict(node, constants);
  if (node.type !== 'identifier' && node.type !== 'attribute') return undefined;
  const name = node.text.replace(/\s+/g, '');
  if (node.type === 'identifier') {
    const local = localAssignment(node, name);
    if (local === null) return depth < MAX_ALIASES ? parameterValue(node, name, constants, depth + 1) : undefined;
    const value = local ? literalOf(local) : undefined;
    if (value !== undefined && local) return { value, at: rangeOf(local) };
    // `alpha = opts.alpha` then `Loss(alpha=alpha)`: what that name was set from (a flag's default, a dict's entry)
    if (local && depth < MAX_ALIASES && (local.type === 'attribute' || local.type === 'subscript' || local.type === 'identifier')) return passedValue(local, constants, depth + 1);
    // set otherwise inside a function: not the module constant of that name (arithmetic at module level is)
    if (local && enclosingScope(node)?.type !== 'module') return undefined;
  }
  const c = constants.get(name);
  if (!c || Array.isArray(c.value)) return undefined;
  return c.cell === undefined ? { value: c.value, at: c.valueRange } : { value: c.value };
}

/** `HPARAMS["l2"]` with `HPARAMS = {"l2": 1e-5, …}` at module level: that entry (dictConstants.ts), unless rebound. */
function settingOfDict(node: Node, constants: ReadonlyMap<string, ModuleConstant>): PassedValue | undefined {
  const dict = node.childForFieldName('value');
  const keys = node.childrenForFieldName('subscript').filter((s): s is Node => !!s);
  const key = keys.length === 1 && keys[0] ? literalOf(keys[0]) : undefined;
  if (dict?.type !== 'identifier' || typeof key !== 'string') return undefined;
  // a parameter or a local of that name is not the module's dict
  const local = localAssignment(node, dict.text);
  if (local === null || (local && enclosingScope(node)?.type !== 'module')) return undefined;
  const c = constants.get(dictKey(dict.text, key));
  if (!c || Array.isArray(c.value)) return undefined;
  return c.cell === undefined ? { value: c.value, at: c.valueRange } : { value: c.value };
}

const atModuleLevel = (def: Node): boolean => (def.parent?.type === 'decorated_definition' ? def.parent : def).parent?.type === 'module';

/**
 * The function whose calls bind `scope`'s parameters, the name it is called by and how many leading parameters a
 * call does not pass: a module-level function (`get_loss(…)`), or the `__init__` of a module-level class that no
 * class of the file extends (`PositionalDense(16, smoothness=0.002)` runs it with `self` first).
 */
function calledAs(scope: Node | null): { fn: Node; name: string; skip: number } | undefined {
  if (scope?.type !== 'function_definition') return undefined;
  const name = scope.childForFieldName('name')?.text;
  if (name && atModuleLevel(scope)) return { fn: scope, name, skip: 0 };
  const cls = scope.parent?.parent;
  const clsName = cls?.type === 'class_definition' ? cls.childForFieldName('name')?.text : undefined;
  if (name !== '__init__' || !cls || !clsName || !atModuleLevel(cls)) return undefined;
  const extended = cls.tree.rootNode.descendantsOfType('class_definition').some((c) => (c?.childForFieldName('superclasses')?.namedChildren ?? []).some((b) => b?.text === clsName));
  return extended ? undefined : { fn: scope, name: clsName, skip: 1 };
}

/** A call's positional arguments and keywords; undefined when it unpacks any (`f(*a)`, `f(**kw)`: not known here). */
function callArguments(call: Node): { positional: Node[]; keyword: Map<string, Node> } | undefined {
  const positional: Node[] = [];
  const keyword = new Map<string, Node>();
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'list_splat' || a.type === 'dictionary_splat') return undefined;
    const name = a.type === 'keyword_argument' ? a.childForFieldName('name')?.text : undefined;
    const value = a.childForFieldName('value');
    if (name && value) keyword.set(name, value);
    else if (a.type !== 'keyword_argument') positional.push(a);
  }
  return { positional, keyword };
}

/** The plain calls (`f(…)`) of a tree by callee name, read once per parse. */
const callsMemo = new WeakMap<Tree, Map<string, Node[]>>();

function callsByName(tree: Tree): Map<string, Node[]> {
  const known = callsMemo.get(tree);
  if (known) return known;
  const out = new Map<string, Node[]>();
  for (const c of tree.rootNode.descendantsOfType('call')) {
    const fn = c?.childForFieldName('function');
    if (c && fn?.type === 'identifier') out.set(fn.text, [...(out.get(fn.text) ?? []), c]);
  }
  callsMemo.set(tree, out);
  return out;
}

/**
 * `return Loss(penalty_weight=penalty_weight)` in `def get_loss_function(kind, penalty_weight=0.5)`, which the file
 * calls as `get_loss_function("directional", penalty_weight=0.3)`: the parameter holds what every call of the
 * function passes (each the same value; a call that passes nothing gives the default), and with no call, the default.
 * The same through a constructor: `SmoothnessRegularizer(smoothness)` in `PositionalDense.__init__`, built as
 * `PositionalDense(16, smoothness=0.002)`. Undefined when the calls pass different or unknown values.
 */
function parameterValue(node: Node, name: string, constants: ReadonlyMap<string, ModuleConstant>, depth: number): PassedValue | undefined {
  const called = calledAs(enclosingScope(node));
  if (!called) return undefined;
  const { fn, name: fnName } = called;
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p && p.type !== 'comment').slice(called.skip);
  const index = params.findIndex((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text) === name);
  const param = params[index];
  if (!param || params.slice(0, index + 1).some((p) => p.type.includes('splat'))) return undefined;
  const defaultNode = param.childForFieldName('value');
  const byDefault = defaultNode ? passedValue(defaultNode, constants, depth) : undefined;
  const calls = callsByName(fn.tree).get(fnName) ?? [];
  let found: PassedValue | undefined;
  for (const call of calls) {
    if (call.startIndex >= fn.startIndex && call.endIndex <= fn.endIndex) return undefined; // recursive: not a value
    const args = callArguments(call);
    if (!args) return undefined;
    const arg = args.keyword.get(name) ?? args.positional[index];
    const v = arg ? passedValue(arg, constants, depth) : byDefault;
    if (!v || (found && found.value !== v.value)) return undefined;
    found ??= v;
  }
  return found ?? byDefault;
}
