// Function parameters with their literal defaults (`lam=0.1`, `lower=-1.0`, `mode='mean'`).
import type { Node } from 'web-tree-sitter';
import type { StaticValue } from '../ir';
import { isTrivia } from './trivia';

export interface ParamInfo {
  name: string;
  node: Node;
  default?: number | string | boolean;
  defaultNode?: Node;
  /** `*args`, `**kwargs`: not a positional parameter the loss is called with. */
  variadic: boolean;
  /** An inline loss's further output of the model's call (`logits, feats = model(x)`): LossParam.modelOutput. */
  modelOutput?: number;
  /** An inline loss's batch the model was given, read by the loss beside the target: LossParam.modelInput. */
  modelInput?: true;
  /** The name a same-file function gives the value where the loss passes it (passedAs.ts): LossParam.alias. */
  alias?: string;
  /** A hidden tensor of the file's Keras functional graph an added loss reads (graphAddLoss.ts): LossParam.graphActivation. */
  graphActivation?: true;
  /** A layer's weight of the file's Keras graph an added loss reads (`dense.kernel`): LossParam.modelWeight, and outputLayer where that layer makes the model's output. */
  graphWeight?: 'output' | 'inner';
}

/** The literal value of a default, when it is a number (possibly negative), a string or a bool. */
/**
 * Framework enums that stand for a string the library reads (`tf.keras.losses.Reduction.NONE` is 'none'): a default
 * written with one is that string, as if written out.
 */
const enumValues: readonly [RegExp, (member: string) => string][] = [[/(?:^|\.)(?:losses_utils\.)?ReductionV?2?\.([A-Z_]+)$/, (m) => m.toLowerCase()]];

function enumValue(text: string): string | undefined {
  for (const [re, value] of enumValues) {
    const m = re.exec(text);
    if (m?.[1]) return value(m[1]);
  }
  return undefined;
}

export function literalOf(node: Node): number | string | boolean | undefined {
  switch (node.type) {
    case 'integer':
    case 'float': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      const v = arg ? literalOf(arg) : undefined;
      const op = node.childForFieldName('operator')?.type;
      return typeof v === 'number' ? (op === '-' ? -v : v) : undefined;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'string':
      return node.namedChildren.filter((c) => c?.type === 'string_content').map((c) => c?.text ?? '').join('');
    case 'parenthesized_expression':
      return node.namedChild(0) ? literalOf(node.namedChild(0) as Node) : undefined;
    case 'attribute':
      return enumValue(node.text.replace(/\s+/g, ''));
    default:
      return undefined;
  }
}

const ARITHMETIC: Readonly<Partial<Record<string, (a: number, b: number) => number>>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '**': (a, b) => a ** b,
};

/** A number written as arithmetic of numbers (`1000 * 0.5`, `1 / 3`, `(2e-3) * 5`): its value, else undefined. */
export function arithmeticOf(node: Node): number | undefined {
  if (node.type === 'parenthesized_expression') return node.namedChild(0) ? arithmeticOf(node.namedChild(0) as Node) : undefined;
  if (node.type !== 'binary_operator') {
    const v = literalOf(node);
    return typeof v === 'number' ? v : undefined;
  }
  const op = ARITHMETIC[node.childForFieldName('operator')?.text ?? ''];
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  const a = left ? arithmeticOf(left) : undefined;
  const b = right ? arithmeticOf(right) : undefined;
  const v = a !== undefined && b !== undefined ? op?.(a, b) : undefined;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/**
 * The items of a list or tuple of literals (nested ones too): `[0.1, 0.5, 0.9]`, `(0.01, 0.5)`, `((0, 1), (1, 2))`;
 * undefined for anything else, and for an empty or very long one (not a setting).
 */
export function staticItemsOf(node: Node): StaticValue[] | undefined {
  const inner = node.type === 'parenthesized_expression' ? node.namedChildren.find((c) => c && !isTrivia(c)) : node;
  if (inner?.type === 'binary_operator') return repeatedItems(inner);
  if (!inner || (inner.type !== 'list' && inner.type !== 'tuple' && inner.type !== 'expression_list')) return undefined;
  const children = inner.namedChildren.filter((c): c is Node => !!c && !isTrivia(c));
  if (children.length === 0 || children.length > MAX_STATIC_ITEMS) return undefined;
  const items: StaticValue[] = [];
  for (const c of children) {
    const v = literalOf(c) ?? staticItemsOf(c);
    if (v === undefined) return undefined;
    items.push(v);
  }
  return items;
}

const MAX_STATIC_ITEMS = 4096;

/**
 * The keys of a dict literal passed as a setting (`Model(monotone={"price": -1, "promo": 1})`, `dict(price=-1)`):
 * what Python's `len(d)`, `for k in d` and `if d:` read of it. Undefined for an empty dict, a key that is not a
 * literal, or anything else.
 */
export function dictKeysOf(node: Node): StaticValue[] | undefined {
  const pairs = node.type === 'dictionary' ? node.namedChildren.filter((c): c is Node => !!c && !isTrivia(c)) : undefined;
  if (pairs) {
    const keys = pairs.map((c) => {
      const key = c.type === 'pair' ? c.childForFieldName('key') : null;
      return key ? literalOf(key) : undefined;
    });
    return keys.length > 0 && keys.length <= MAX_STATIC_ITEMS && keys.every((k) => k !== undefined) ? (keys as StaticValue[]) : undefined;
  }
  if (node.type !== 'call' || node.childForFieldName('function')?.text !== 'dict') return undefined;
  const args = node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !isTrivia(c)) ?? [];
  const keys = args.map((a) => (a.type === 'keyword_argument' ? a.childForFieldName('name')?.text : undefined));
  return keys.length > 0 && keys.every((k) => k !== undefined) ? (keys as StaticValue[]) : undefined;
}

/** List arithmetic as Python does it: `[1.5] * 6`, `6 * [0.5]`, `[a] * 2 + [b]` (a per-output default). */
function repeatedItems(node: Node): StaticValue[] | undefined {
  const op = node.childForFieldName('operator')?.text;
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return undefined;
  if (op === '+') {
    const a = staticItemsOf(left);
    const b = a && staticItemsOf(right);
    return a && b && a.length + b.length <= MAX_STATIC_ITEMS ? [...a, ...b] : undefined;
  }
  if (op !== '*') return undefined;
  const [list, count] = left.type === 'integer' ? [right, left] : [left, right];
  const items = staticItemsOf(list);
  const n = count.type === 'integer' ? Number(count.text) : Number.NaN;
  if (!items || !Number.isInteger(n) || n < 0 || items.length * n > MAX_STATIC_ITEMS) return undefined;
  return Array.from({ length: n }, () => items).flat();
}

export function readParams(parameters: Node | null): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (const p of parameters?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'identifier') out.push({ name: p.text, node: p, variadic: false });
    else if (p.type === 'typed_parameter') {
      const id = p.namedChildren.find((c) => c?.type === 'identifier');
      const splat = p.namedChildren.some((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
      if (id) out.push({ name: id.text, node: id, variadic: splat });
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      const name = p.childForFieldName('name');
      const value = p.childForFieldName('value');
      if (!name) continue;
      const info: ParamInfo = { name: name.text, node: name, variadic: false };
      if (value) {
        info.defaultNode = value;
        const lit = literalOf(value);
        if (lit !== undefined) info.default = lit;
      }
      out.push(info);
    } else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
      out.push({ name: p.text.replace(/^\*+/, ''), node: p, variadic: true });
    }
  }
  return out;
}
