// Python's `isinstance` decided before training where the type is known (issue 9 §2, a branch on a static value):
// `if isinstance(lambd, torch.Tensor): lambd = lambd.relu().mean()` with `lambd = self.lambd` a number every
// constructor call passes, `isinstance(v, (int, float))` on a literal, `isinstance(pred, torch.Tensor)` on the loss's
// tensor argument. A type is a set of Python classes the value may have (a constructor attribute is every value the
// file's calls pass, and its default); the test is known only when every one of them answers it the same way.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { argsPassedToClass } from './classCalls';
import type { ParamInfo } from './params';

export type PyType = 'int' | 'float' | 'bool' | 'str' | 'NoneType' | 'list' | 'tuple' | 'dict' | 'torch.Tensor' | 'tf.Tensor';

/** What each class named in `isinstance(x, C)` admits (bool is a subclass of int, as in Python). */
const ADMITS: Readonly<Record<string, readonly PyType[]>> = {
  int: ['int', 'bool'],
  float: ['float'],
  bool: ['bool'],
  complex: [],
  str: ['str'],
  list: ['list'],
  tuple: ['tuple'],
  dict: ['dict'],
  'numbers.Number': ['int', 'float', 'bool'],
  'numbers.Real': ['int', 'float', 'bool'],
  'torch.Tensor': ['torch.Tensor'],
  'torch.nn.Parameter': [],
  'tf.Tensor': ['tf.Tensor'],
  'tf.Variable': [],
  'np.ndarray': [],
  'numpy.ndarray': [],
};

/** Roles of the loss's names that hold a tensor of the framework (the prediction, the target, extra tensors). */
const TENSOR_REFS: ReadonlySet<string> = new Set(['yPred', 'yTrue', 'tensor', 'weight']);

/** The type of a literal as written (`0.2`, `3`, `True`, `'mean'`, `None`, `[…]`), else undefined. */
export function literalType(node: Node | null | undefined): PyType | undefined {
  if (!node) return undefined;
  if (node.type === 'unary_operator') return literalType(node.childForFieldName('argument'));
  const byNode: Readonly<Record<string, PyType>> = { integer: 'int', float: 'float', true: 'bool', false: 'bool', string: 'str', none: 'NoneType', list: 'list', tuple: 'tuple', dictionary: 'dict' };
  return byNode[node.type];
}

/** The types a constructor attribute `self.x = x` may hold: what every call of the class passes, and the default. */
export function initParamTypes(classNode: Node, param: ParamInfo, index: number): PyType[] | undefined {
  const nodes = [...argsPassedToClass(classNode, param.name, index), ...(param.defaultNode ? [param.defaultNode] : [])];
  const types = nodes.map(literalType);
  return nodes.length > 0 && types.every((t) => t !== undefined) ? [...new Set(types as PyType[])] : undefined;
}

/** The framework a tensor of this file is, from its imports (undefined for a file importing both, or neither). */
function tensorType(imports: ReadonlyMap<string, string>): PyType | undefined {
  const modules = new Set([...imports.values()].map((v) => v.split('.')[0]));
  if (modules.has('torch') && !modules.has('tensorflow')) return 'torch.Tensor';
  if (modules.has('tensorflow') && !modules.has('torch')) return 'tf.Tensor';
  return undefined;
}

export interface TypeScope {
  imports: ReadonlyMap<string, string>;
  /** `self.x`'s possible types, by attribute name. */
  attrTypes?: ReadonlyMap<string, readonly PyType[]>;
  staticAttrs?: ReadonlyMap<string, number | string | boolean>;
  /** Module constants (`MARGIN = 2`): a literal's type. */
  module?: { constants: ReadonlyMap<string, { value: unknown }> };
}

const valueType = (v: unknown): PyType | undefined =>
  typeof v === 'boolean' ? 'bool' : typeof v === 'string' ? 'str' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : Array.isArray(v) ? 'list' : undefined;

/** The possible types of a value the loss reads, or undefined when not known. */
export function typesOf(e: Expr, scope: TypeScope): readonly PyType[] | undefined {
  switch (e.kind) {
    case 'number':
      return [/^-?\d+$/.test(e.text.trim()) ? 'int' : 'float'];
    case 'bool':
      return ['bool'];
    case 'string':
      return ['str'];
    case 'none':
      return ['NoneType'];
    case 'name': {
      const t = TENSOR_REFS.has(e.ref) ? tensorType(scope.imports) : e.ref === 'global' ? valueType(scope.module?.constants.get(e.name)?.value) : undefined;
      return t ? [t] : undefined;
    }
    case 'attr': {
      if (e.object.kind !== 'name' || e.object.ref !== 'module') return undefined;
      const lit = valueType(scope.staticAttrs?.get(e.name));
      return lit ? [lit] : scope.attrTypes?.get(e.name);
    }
    default:
      return undefined;
  }
}

/** The classes `isinstance`'s second argument names (`torch.Tensor`, `(int, float)`), else undefined. */
function classesOf(e: Expr): string[] | undefined {
  if (e.kind === 'tuple') {
    const each = e.items.map(classesOf);
    return each.every((c) => c !== undefined) ? (each as string[][]).flat() : undefined;
  }
  const written = e.kind === 'name' ? e.name : e.kind === 'attr' || e.kind === 'call' ? e.text.replace(/\s+/g, '') : undefined;
  return written !== undefined && written in ADMITS ? [written] : undefined;
}

/** `isinstance(x, C)` when every type x may have answers it alike, else undefined. */
export function knownIsinstance(args: readonly Expr[], scope: TypeScope): boolean | undefined {
  const [value, classes] = args;
  const types = value ? typesOf(value, scope) : undefined;
  const named = classes ? classesOf(classes) : undefined;
  if (!types || types.length === 0 || !named) return undefined;
  const answers = new Set(types.map((t) => named.some((c) => ADMITS[c]?.includes(t))));
  return answers.size === 1 ? [...answers][0] : undefined;
}
