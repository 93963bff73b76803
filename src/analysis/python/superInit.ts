// `super().__init__(weight, reduction=reduction)` in a loss class's `__init__` runs its base's constructor, which sets
// attributes the loss then reads (`self.weight`, `self.reduction` in `F.cross_entropy(…, weight=self.weight,
// reduction=self.reduction)`). A base of the same file sets what its own `__init__` assigns from its parameters
// (`self.lam = lam`); torch's loss bases set what their constructors are documented to set (a table). Each becomes
// an attribute of the class, bound to what the call passes (a parameter of the subclass's `__init__`, a literal) or
// the base's default. What the subclass assigns itself wins.
import type { Node } from 'web-tree-sitter';
import type { ModuleAttr } from './discover';
import { literalOf, type ParamInfo, readParams } from './params';
import { isTrivia } from './trivia';

interface BaseInit {
  /** The constructor's parameters after self, in order. */
  params: string[];
  /** Attribute set by the constructor → the parameter it copies. */
  sets: Record<string, string>;
  defaults: Record<string, number | string | boolean>;
}

/** torch.nn.modules.loss: `_Loss(size_average, reduce, reduction='mean')`, `_WeightedLoss(weight, …)`. */
const LIBRARY_BASES: Readonly<Record<string, BaseInit>> = {
  _Loss: { params: ['size_average', 'reduce', 'reduction'], sets: { reduction: 'reduction' }, defaults: { reduction: 'mean' } },
  _WeightedLoss: { params: ['weight', 'size_average', 'reduce', 'reduction'], sets: { weight: 'weight', reduction: 'reduction' }, defaults: { reduction: 'mean' } },
};

const lastSegment = (s: string): string => s.slice(s.lastIndexOf('.') + 1);

/** `super().__init__(…)`, `super(Cls, self).__init__(…)`, `Base.__init__(self, …)`: the base's name and the arguments after self. */
function superCall(call: Node, bases: string[]): { base: string; args: Node[] } | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== '__init__') return undefined;
  const obj = fn.childForFieldName('object');
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && !isTrivia(a));
  if (obj?.type === 'call' && obj.childForFieldName('function')?.text === 'super') return bases[0] ? { base: bases[0], args } : undefined;
  const named = obj ? bases.find((b) => b === obj.text.replace(/\s+/g, '')) : undefined;
  return named && args[0]?.text === 'self' ? { base: named, args: args.slice(1) } : undefined;
}

/** What a base of the same file sets from its constructor's parameters (`self.lam = lam`). */
function fileBaseInit(cls: Node): BaseInit | undefined {
  const init = (cls.childForFieldName('body')?.namedChildren ?? []).find((s) => s?.type === 'function_definition' && s.childForFieldName('name')?.text === '__init__');
  if (!init) return undefined;
  const params = readParams(init.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic);
  const out: BaseInit = { params: params.map((p) => p.name), sets: {}, defaults: {} };
  for (const p of params) if (p.default !== undefined) out.defaults[p.name] = p.default;
  for (const a of init.childForFieldName('body')?.descendantsOfType('assignment') ?? []) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self' && right?.type === 'identifier' && out.params.includes(right.text)) {
      out.sets[left.childForFieldName('attribute')?.text ?? ''] = right.text;
    }
  }
  return out;
}

function baseInitOf(base: string, from: Node): BaseInit | undefined {
  const lib = LIBRARY_BASES[lastSegment(base)];
  if (lib) return lib;
  const cls = fileClass(from, base);
  return cls ? fileBaseInit(cls) : undefined;
}

/** The attributes the base constructor a class's `__init__` calls sets, as `self.x = …` of the class. */
export function superInitAttrs(init: Node, initParams: ReadonlyMap<string, ParamInfo>, own: ReadonlySet<string>): ModuleAttr[] {
  const cls = init.parent?.parent?.type === 'class_definition' ? init.parent.parent : init.parent?.parent?.parent;
  const bases = cls ? baseNamesOf(cls) : [];
  const out: ModuleAttr[] = [];
  for (const call of init.childForFieldName('body')?.descendantsOfType('call') ?? []) {
    const found = call ? superCall(call, bases) : undefined;
    const base = found ? baseInitOf(found.base, init) : undefined;
    if (!call || !found || !base) continue;
    const positional = found.args.filter((a) => a.type !== 'keyword_argument');
    const keyword = new Map(found.args.filter((a) => a.type === 'keyword_argument').map((a) => [a.childForFieldName('name')?.text ?? '', a.childForFieldName('value') as Node]));
    for (const [attr, param] of Object.entries(base.sets)) {
      const name = `self.${attr}`;
      if (own.has(name)) continue;
      const passed = keyword.get(param) ?? positional[base.params.indexOf(param)];
      out.push(attributeFrom(name, passed ?? call, passed, initParams, base.defaults[param]));
    }
  }
  return out;
}

function attributeFrom(name: string, node: Node, passed: Node | undefined, initParams: ReadonlyMap<string, ParamInfo>, baseDefault: number | string | boolean | undefined): ModuleAttr {
  const attr: ModuleAttr = { name, node, value: node };
  const param = passed?.type === 'identifier' ? initParams.get(passed.text) : undefined;
  if (param) attr.initParam = param.name;
  const lit = param ? param.default : passed ? literalOf(passed) : baseDefault;
  if (lit !== undefined) attr.default = lit;
  const defaultNode = param ? param.defaultNode : passed && lit !== undefined ? passed : undefined;
  if (defaultNode) attr.defaultNode = defaultNode;
  return attr;
}

/** The top-level classes of a tree by name, read once per tree: every class's `super().__init__` asks for its base. */
const classesByTree = new WeakMap<object, Map<string, Node>>();

/** A top-level class of the file `from` is in, by name. */
function fileClass(from: Node, name: string): Node | undefined {
  let byName = classesByTree.get(from.tree);
  if (!byName) {
    byName = new Map();
    for (const c of from.tree.rootNode.namedChildren) {
      const cls = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
      const clsName = cls?.type === 'class_definition' ? cls.childForFieldName('name')?.text : undefined;
      // the first definition wins, as the loop this replaces found it
      if (cls && clsName && !byName.has(clsName)) byName.set(clsName, cls);
    }
    classesByTree.set(from.tree, byName);
  }
  return byName.get(name);
}

const baseNamesOf = (cls: Node): string[] =>
  (cls.childForFieldName('superclasses')?.namedChildren ?? []).filter((b): b is Node => !!b && b.type !== 'keyword_argument').map((b) => b.text.replace(/\s+/g, ''));

/**
 * A class's bases, then (transitively) the bases of those written in the same file: `class RangeLoss(Penalised)`
 * with `class Penalised(nn.Module)` gives ['Penalised', 'nn.Module'], so it is an nn.Module as torch sees it.
 */
export function ancestorBases(cls: Node): string[] {
  const out = baseNamesOf(cls);
  for (let i = 0; i < out.length && out.length < 16; i++) {
    const base = /^[A-Za-z_]\w*$/.test(out[i]!) ? fileClass(cls, out[i]!) : undefined;
    if (base && base.id !== cls.id) for (const b of baseNamesOf(base)) if (!out.includes(b)) out.push(b);
  }
  return out;
}
