// Weight decay added to a built Keras model by walking its layers (jricheimer's "keras hack", copied widely):
// `for layer in model.layers: if isinstance(layer, (Conv2D, Dense)): layer.add_loss(lambda layer=layer:
// l2(alpha)(layer.kernel))`. Each pass adds one penalty on one layer's kernel, so the loss adds their sum: read as
// `tf.add_n([l2(alpha)(w) for w in model.trainable_weights if 'kernel' in w.name])`, a sum over the model's kernels
// (or biases, `layer.bias`) that the trainer runs on its trial model, whose layers are Dense. A guard a Dense layer
// fails or that cannot be read, or a body reading its layer other than by `.kernel`/`.bias`, is left as written (the
// trainer then refuses it by name).
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { childrenOf } from '../terms/expr';

interface LayerLoop {
  variable: string;
  /** The model whose `.layers` the loop walks. */
  model: Node;
}

/** What a trial layer (a Dense with a bias) has, for `hasattr(layer, …)`. */
const DENSE_HAS: ReadonlySet<string> = new Set(['kernel', 'bias', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'use_bias', 'units']);

/**
 * Whether a trial layer (Dense, with a bias) passes a guard: `isinstance(layer, (Conv2D, Dense))`, `hasattr(layer,
 * 'bias_regularizer')`, `layer.use_bias`, and `and` / `or` / `not` of them; undefined for any other test.
 */
function denseTest(test: Node, variable: string): boolean | undefined {
  if (test.type === 'parenthesized_expression' && test.namedChildren[0]) return denseTest(test.namedChildren[0], variable);
  if (test.type === 'not_operator') {
    const v = test.childForFieldName('argument');
    const inner = v ? denseTest(v, variable) : undefined;
    return inner === undefined ? undefined : !inner;
  }
  if (test.type === 'boolean_operator') {
    const [l, r] = [test.childForFieldName('left'), test.childForFieldName('right')].map((side) => (side ? denseTest(side, variable) : undefined));
    if (l === undefined || r === undefined) return undefined;
    return test.childForFieldName('operator')?.text === 'or' ? l || r : l && r;
  }
  if (test.type === 'attribute') return test.childForFieldName('object')?.text === variable && test.childForFieldName('attribute')?.text === 'use_bias' ? true : undefined;
  const callee = test.type === 'call' ? test.childForFieldName('function')?.text : undefined;
  const [subject, what] = test.childForFieldName('arguments')?.namedChildren ?? [];
  if (!subject || subject.text !== variable || !what) return undefined;
  // isinstance(layer, Dense) holds for the trial's layers, isinstance(layer, Conv2D) does not
  if (callee === 'isinstance') return /(^|[\s(.,])Dense\b/.test(what.text);
  if (callee === 'hasattr' && what.type === 'string') return DENSE_HAS.has(what.text.slice(1, -1));
  return undefined;
}

/** The `for layer in model.layers` loop `value` is added in, through guards a trial Dense layer passes (denseTest). */
export function layerLoopOf(value: Node): LayerLoop | undefined {
  const guards: Node[] = [];
  for (let n = value.parent; n; n = n.parent) {
    if (n.type === 'if_statement') {
      const test = n.childForFieldName('condition');
      if (test) guards.push(test);
    } else if (n.type === 'for_statement') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      const model = right?.type === 'attribute' && right.childForFieldName('attribute')?.text === 'layers' ? right.childForFieldName('object') : null;
      if (left?.type !== 'identifier' || !model) return undefined;
      return guards.every((g) => denseTest(g, left.text) === true) ? { variable: left.text, model } : undefined;
    } else if (n.type === 'function_definition' || n.type === 'class_definition') {
      return undefined;
    }
  }
  return undefined;
}

/** The part each pass reads (`layer.kernel` or `layer.bias`), as the loop's weight; undefined when it reads its layer otherwise. */
function partsAsWeights(e: Expr, variable: string): { body: Expr; part: 'kernel' | 'bias' } | undefined {
  const parts = new Set<string>();
  let other = false;
  const walk = (x: Expr): Expr => {
    if (x.kind === 'attr' && (x.name === 'kernel' || x.name === 'bias') && x.object.kind === 'name' && x.object.name === variable) {
      parts.add(x.name);
      return { kind: 'name', name: variable, ref: 'loop', range: x.range, text: variable };
    }
    if (x.kind === 'name' && x.name === variable) other = true;
    const out: Record<string, unknown> = { ...x };
    for (const [k, v] of Object.entries(x)) {
      if (k === 'range') continue;
      if (Array.isArray(v)) out[k] = v.map((item) => (isExpr(item) ? walk(item) : item));
      else if (isExpr(v)) out[k] = walk(v);
      else if (v && typeof v === 'object' && k === 'kwargs') out[k] = Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, walk(vv as Expr)]));
    }
    return out as Expr;
  };
  const body = walk(e);
  const [part] = parts;
  return other || parts.size !== 1 || (part !== 'kernel' && part !== 'bias') ? undefined : { body, part };
}

function modelNamed(node: Node, range: Expr['range']): Expr | undefined {
  if (node.type === 'identifier') return { kind: 'name', name: node.text, ref: 'global', range, text: node.text };
  const object = node.childForFieldName('object');
  const attribute = node.childForFieldName('attribute')?.text;
  if (node.type !== 'attribute' || object?.text !== 'self' || !attribute) return undefined;
  return { kind: 'attr', object: { kind: 'name', name: 'self', ref: 'module', range, text: 'self' }, name: attribute, range, text: node.text };
}

const isExpr = (v: unknown): v is Expr => !!v && typeof v === 'object' && 'kind' in v && 'range' in v;

/** The add_loss value of one pass as the sum over the model's kernels or biases (header), or undefined. */
export function overLayerKernels(value: Expr, loop: LayerLoop): Expr | undefined {
  const read = partsAsWeights(value, loop.variable);
  if (!read || !childrenOf(value).length) return undefined;
  const { body, part } = read;
  const at = { range: value.range };
  // the model as named where its layers are walked (`model`, `self.model`), not what built it: its weights are the trial's
  const model = modelNamed(loop.model, at.range);
  if (!model) return undefined;
  const v: Expr = { kind: 'name', name: loop.variable, ref: 'loop', ...at, text: loop.variable };
  const weights: Expr = { kind: 'attr', object: model, name: 'trainable_weights', ...at, text: `${model.text}.trainable_weights` };
  const name: Expr = { kind: 'attr', object: v, name: 'name', ...at, text: `${loop.variable}.name` };
  const filter: Expr = { kind: 'method', object: name, method: '__contains__', args: [{ kind: 'string', value: part, ...at, text: `'${part}'` }], kwargs: {}, ...at, text: `'${part}' in ${loop.variable}.name` };
  const text = `[${body.text} for ${loop.variable} in ${weights.text} if ${filter.text}]`;
  const summed: Expr = { kind: 'loop', variables: [loop.variable], iterable: weights, filter, body, ...at, text };
  return { kind: 'call', callee: 'tf.add_n', args: [summed], kwargs: {}, ...at, text: `tf.add_n(${text})` };
}
