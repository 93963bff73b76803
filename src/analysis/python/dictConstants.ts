// Settings kept in a module-level dict (`config = {"lam": 0.1, "eps": 1e-7}`, `cfg = dict(lam=0.1)`): a loss reading
// `config["lam"]` reads the constant `config['lam']` (a module constant like `LAM = 0.1`, moduleScope.ts), whose
// value and place λ write-back uses. Only literal values are read; a dict reassigned or changed later is not a
// constant (`config["lam"] = …` is an assignment the reader forgets it on).
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import type { ModuleScope } from './moduleScope';
import { arithmeticOf, literalOf } from './params';
import { isTrivia } from './trivia';

/** The constant's key: `config['lam']`, whatever quotes the code uses. */
export const dictKey = (dict: string, key: string): string => `${dict}['${key}']`;

/** Key and value nodes of `{"lam": 0.1}` or `dict(lam=0.1)`. */
export function entriesOf(right: Node): [string, Node][] | undefined {
  const items = right.type === 'dictionary' ? right.namedChildren : right.type === 'call' && right.childForFieldName('function')?.text === 'dict' ? right.childForFieldName('arguments')?.namedChildren : undefined;
  if (!items) return undefined;
  const out: [string, Node][] = [];
  for (const item of items) {
    if (!item || isTrivia(item)) continue;
    const key = item.type === 'pair' ? literalOf(item.childForFieldName('key') as Node) : item.type === 'keyword_argument' ? item.childForFieldName('name')?.text : undefined;
    const value = item.childForFieldName('value');
    if (typeof key === 'string' && value) out.push([key, value]);
  }
  return out;
}

/** Whether a statement's text may assign a dict (`NAME = {…}`, `NAME = dict(…)`): cheap, before readDictConstants. */
export const mayAssignDict = (text: string): boolean => /^\w+\s*=\s*(?:\{|dict\()/.test(text);

/** Dicts nested deeper than this in a settings dict are not read (real configs are two or three levels deep). */
const MAX_NESTING = 4;

/**
 * Reads `NAME = {"k": literal, …}` / `NAME = dict(k=literal)` into `scope.constants` as `NAME['k']`, and a nested
 * section (`CONFIG = {"loss": {"weight": 0.1}}`) as `CONFIG['loss']['weight']`. Returns whether any was.
 */
export function readDictConstants(stmt: Node, scope: ModuleScope): boolean {
  const assignment = stmt.namedChild(0);
  const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  const right = assignment?.childForFieldName('right');
  return left?.type === 'identifier' && right ? readEntries(left.text, right, scope, 0) : false;
}

function readEntries(dict: string, right: Node, scope: ModuleScope, depth: number): boolean {
  const entries = entriesOf(right);
  if (!entries) return false;
  let read = false;
  for (const [key, value] of entries) {
    const v = literalOf(value) ?? arithmeticOf(value);
    if (v === undefined) {
      if (depth < MAX_NESTING && readEntries(dictKey(dict, key), value, scope, depth + 1)) read = true;
      continue;
    }
    scope.constants.set(dictKey(dict, key), { value: v, nameRange: rangeOf(value.parent ?? value), valueRange: rangeOf(value) });
    read = true;
  }
  return read;
}

/** Whether `name` is a section of a module settings dict (`CONFIG['loss']` with `CONFIG['loss']['weight']` read). */
export const isDictSection = (name: string, scope: ModuleScope | undefined): boolean =>
  !!scope && [...scope.constants.keys()].some((k) => k.startsWith(`${name}['`));

/**
 * `config["lam"]` with `config` a module-level dict of settings: the constant's key, else undefined. A section read
 * on the way (`CONFIG["loss"]["weight"]`, or `loss_cfg["weight"]` after `loss_cfg = config["loss"]`) is named the
 * same way (`CONFIG['loss']`), so what is read from it is that constant.
 */
export function dictConstantRead(node: Node, isLocal: (name: string) => boolean, scope: ModuleScope | undefined, aliasOf?: (name: string) => string | undefined): string | undefined {
  const name = scope ? settingPath(node, isLocal, aliasOf) : undefined;
  return name && (scope?.constants.has(name) || isDictSection(name, scope)) ? name : undefined;
}

/** The dotted settings name a subscript chain with string keys reads (`CONFIG['loss']['weight']`), else undefined. */
function settingPath(node: Node, isLocal: (name: string) => boolean, aliasOf?: (name: string) => string | undefined): string | undefined {
  const value = node.childForFieldName('value');
  const subscripts = node.childrenForFieldName('subscript').filter((s): s is Node => !!s);
  if (subscripts.length !== 1 || subscripts[0]?.type !== 'string') return undefined;
  const key = literalOf(subscripts[0]);
  // a local standing for a module dict (`config` with `train(model, CONFIG)`, enclosingCalls.ts) reads that dict
  // (and `self.W` holding one: aliasOf knows the object's attributes)
  const ownAttr = value?.type === 'attribute' && value.childForFieldName('object')?.text === 'self';
  const dict =
    value?.type === 'identifier' ? (isLocal(value.text) ? aliasOf?.(value.text) : value.text) : value?.type === 'subscript' ? settingPath(value, isLocal, aliasOf) : ownAttr ? aliasOf?.(value.text) : undefined;
  return dict && typeof key === 'string' ? dictKey(dict, key) : undefined;
}

/**
 * `self.config["beta"]` with `self.config = {"beta": 0.5}` in `__init__` (discover.ts moduleAttrsOf): the attribute
 * `self.config['beta']`, one setting of the object named as dictKey writes it (so the trainer and λ write-back find
 * it by that name); else undefined.
 */
export function ownDictSetting(node: Node): Expr | undefined {
  const value = node.childForFieldName('value');
  const subscripts = node.childrenForFieldName('subscript').filter((s): s is Node => !!s);
  const owner = value?.type === 'attribute' && value.childForFieldName('object')?.text === 'self' ? value.childForFieldName('attribute')?.text : undefined;
  if (!value || !owner || subscripts.length !== 1 || subscripts[0]?.type !== 'string') return undefined;
  const key = literalOf(subscripts[0]);
  if (typeof key !== 'string' || !/^[A-Za-z_]\w*$/.test(key)) return undefined;
  const self: Expr = { kind: 'name', name: 'self', ref: 'module', range: rangeOf(value), text: 'self' };
  return { kind: 'attr', object: self, name: dictKey(owner, key), range: rangeOf(node), text: `self.${dictKey(owner, key)}` };
}
