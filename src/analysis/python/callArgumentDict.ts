// The dict a function's parameter is given where the file calls the function: `train_codec({}, clips)`,
// `make_loss({"w": 0.3})`. Read for `{**DEFAULTS, **recipe}` (expr.ts mergedDict), whose entries are only known when
// what `recipe` brings is: the one call's dict literal, or an empty dict at every call.
import type { Node } from 'web-tree-sitter';
import { isTrivia } from './trivia';

const argsOf = (call: Node): Node[] => call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !isTrivia(c)) ?? [];

/** The function `name` is a parameter of, and its position there, else undefined. */
function parameterOf(name: Node): { fn: Node; index: number } | undefined {
  let fn = name.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const params = fn?.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => !!c && !isTrivia(c)) ?? [];
  const index = params.findIndex((p) => p.type === 'identifier' && p.text === name.text);
  return fn && index >= 0 ? { fn, index } : undefined;
}

/** The calls of a module-level function named `fnName` anywhere in the file. */
function callsOf(root: Node, fnName: string): Node[] {
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'call' && n.childForFieldName('function')?.type === 'identifier' && n.childForFieldName('function')?.text === fnName) out.push(n);
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(root);
  return out;
}

const isEmptyDict = (n: Node): boolean => (n.type === 'dictionary' && n.namedChildren.every((c) => !c || isTrivia(c))) || (n.type === 'call' && n.text.replace(/\s+/g, '') === 'dict()');

/**
 * What the parameter `name` is given: `'empty'` when every call passes an empty dict, the dict literal when the
 * function is called once with one, else undefined (not called, called with something else, or several dicts).
 */
export function passedDict(name: Node): Node | 'empty' | undefined {
  const param = parameterOf(name);
  const fnName = param?.fn.childForFieldName('name')?.text;
  if (!param || !fnName) return undefined;
  const passed: Node[] = [];
  for (const call of callsOf(name.tree.rootNode, fnName)) {
    const args = argsOf(call);
    const byKeyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name.text)?.childForFieldName('value');
    const arg = byKeyword ?? (args[param.index]?.type === 'keyword_argument' ? undefined : args[param.index]);
    if (!arg || (arg.type !== 'dictionary' && !isEmptyDict(arg))) return undefined;
    passed.push(arg);
  }
  if (passed.length > 0 && passed.every(isEmptyDict)) return 'empty';
  return passed.length === 1 ? passed[0] : undefined;
}
