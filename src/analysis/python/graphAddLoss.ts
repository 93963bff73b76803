// `vae.add_loss(vae_loss)` at the top of a script or a notebook cell, on a Keras functional model (kerasGraph.ts):
// the loss is read from the statements above it that are not the graph's making (`reconstruction_loss =
// binary_crossentropy(inputs, outputs)`, `kl_loss *= -0.5`), over the graph's tensors: the model's output is the
// prediction, its input the target when the loss compares the two (a VAE reconstructs its input), and every other
// tensor of the graph it reads (`z_mean`, `z_log_var`) an extra tensor the trainer maps by name (tensorArgs.ts).
// An added loss that compares the output with the input holds the base itself (the model compiles no loss: the
// sum of what is added is the loss, split as any loss); one that does not is a penalty on the compiled loss.
import type { Node } from 'web-tree-sitter';
import type { LossDef } from './discover';
import { copyKerasGraph, graphModelOf, inlineLambdaLayer, type KerasGraph, readGraphStatement } from './kerasGraph';
import type { ParamInfo } from './params';
import { isTrivia } from './trivia';

/** Statements of a script read above its add_loss at most (as a loop's preamble, inline.ts). */
const ABOVE_MAX = 200;

const assigns = (s: Node): boolean => s.type === 'expression_statement' && ['assignment', 'augmented_assignment'].includes(s.namedChild(0)?.type ?? '');
/** What the loss is read from: assignments, and branches that assign (`if args.mse: rec = mse(…) else: …`). */
const readable = (s: Node): boolean => assigns(s) || (s.type === 'if_statement' && s.descendantsOfType('assignment').length > 0);

/** The `X.add_loss(value)` call a top-level statement is, with its receiver and value. */
function addLossCall(stmt: Node): { receiver: Node; value: Node } | undefined {
  const call = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'add_loss') return undefined;
  const receiver = fn.childForFieldName('object');
  const value = call?.childForFieldName('arguments')?.namedChildren.find((c) => !!c && !isTrivia(c));
  return receiver && value && value.type !== 'keyword_argument' ? { receiver, value } : undefined;
}

/** Whether a function's or a lambda's parameters all have defaults (Keras calls an added callable with none). */
const callableWithoutArguments = (params: Node | null): boolean =>
  (params?.namedChildren ?? []).every((p) => !p || isTrivia(p) || p.type === 'default_parameter' || p.type === 'typed_default_parameter');

/**
 * What an added callable computes (Keras's documented form for a loss on weights: `model.add_loss(lambda:
 * tf.reduce_mean(dense.kernel))`, or a zero-argument function of the file passed by name): the statements its body
 * runs before its return, and the returned value. Undefined for a tensor, or a callable Loss Lab cannot read.
 */
function addedCallable(value: Node): { statements: Node[]; valueNode: Node; valueLabel?: string } | undefined {
  if (value.type === 'lambda') {
    const body = value.childForFieldName('body');
    return body && callableWithoutArguments(value.childForFieldName('parameters')) ? { statements: [], valueNode: body } : undefined;
  }
  if (value.type !== 'identifier') return undefined;
  let root: Node = value;
  while (root.parent) root = root.parent;
  const fn = root.namedChildren.find((n) => n?.type === 'function_definition' && n.childForFieldName('name')?.text === value.text);
  const body = fn?.childForFieldName('body')?.namedChildren.filter((n): n is Node => !!n && !isTrivia(n)) ?? [];
  const ret = body.at(-1);
  const returned = ret?.type === 'return_statement' ? ret.namedChildren.find((c) => !!c && !isTrivia(c)) : undefined;
  // a body of assignments then one return: anything else (a branch, a loop) is left for the trainer to refuse by name
  if (!fn || !returned || !callableWithoutArguments(fn.childForFieldName('parameters')) || !body.slice(0, -1).every(assigns)) return undefined;
  return { statements: body.slice(0, -1), valueNode: returned, valueLabel: value.text };
}

/**
 * The statements above `stmt` in each block around it, outermost first, up to the function it is written in (a
 * `build_vae()` that builds the model and adds its loss) or the module (a script, its `if __name__ == '__main__':`).
 */
function statementsAbove(stmt: Node): Node[] {
  const levels: Node[][] = [];
  let count = 0;
  for (let cur: Node | null = stmt; cur && cur.type !== 'function_definition' && count < ABOVE_MAX; cur = cur.parent) {
    const level: Node[] = [];
    for (let s = cur.previousNamedSibling; s && count < ABOVE_MAX; s = s.previousNamedSibling, count++) level.unshift(s);
    if (cur.parent?.type === 'block' || cur.parent?.type === 'module') levels.unshift(level);
  }
  return levels.flat();
}

/**
 * The loss's own statements above `stmt` (the graph's making left out, read into `local`), in order; a Lambda layer
 * applied to the graph (`special = Lambda(lambda x: K.ones_like(x))(latent)`) is both: a tensor of the graph, and a
 * value the loss reads through its function (higherOrder.ts), so it is kept.
 */
function lossStatements(stmt: Node, local: KerasGraph): Node[] {
  return statementsAbove(stmt).filter((s) => readable(s) && (!readGraphStatement(s, local) || lambdaLayerApplied(s) !== undefined));
}

/** The name `name = Lambda(lambda …: …)(tensor)` binds, when the statement applies a Lambda layer written inline. */
function lambdaLayerApplied(s: Node): string | undefined {
  const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
  const right = a?.childForFieldName('right');
  const layer = right?.type === 'call' ? right.childForFieldName('function') : null;
  return left?.type === 'identifier' && layer && inlineLambdaLayer(layer) ? left.text : undefined;
}

/** The first identifier named `name` the nodes read, in order. */
function firstRead(nodes: readonly Node[], name: string): Node | undefined {
  for (const n of nodes) {
    const right = n.type === 'expression_statement' ? (n.namedChild(0)?.childForFieldName('right') ?? n) : n;
    const hit = (right.type === 'identifier' && right.text === name ? right : undefined) ?? right.descendantsOfType('identifier').find((id) => id?.text === name && id.parent?.type !== 'keyword_argument' && !(id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.id === id.id));
    if (hit) return hit;
  }
  return undefined;
}

/** A layer's trainable attributes a loss on weights reads (Keras names them `kernel` and `bias`). */
const LAYER_WEIGHTS: ReadonlySet<string> = new Set(['kernel', 'bias']);

/** The layer of the graph whose call makes `output` (`outputs = dense(h)`), from the statements above `stmt`. */
function outputLayerOf(stmt: Node, output: string, graph: KerasGraph): string | undefined {
  for (const s of statementsAbove(stmt).reverse()) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    if (a?.type !== 'assignment' || a.childForFieldName('left')?.text !== output) continue;
    const right = a.childForFieldName('right');
    const layer = right?.type === 'call' ? right.childForFieldName('function') : null;
    return layer?.type === 'identifier' && graph.layers.has(layer.text) ? layer.text : undefined;
  }
  return undefined;
}

/**
 * The weights of the graph's layers the loss reads (`dense.kernel`, Keras's documented `model.add_loss(lambda:
 * tf.reduce_mean(d.kernel))`), each once: weights of the model, the output layer's marked as such.
 */
function layerWeightReads(reading: readonly Node[], graph: KerasGraph, outputLayer: string | undefined): ParamInfo[] {
  const out = new Map<string, ParamInfo>();
  for (const n of reading) {
    for (const a of [n, ...n.descendantsOfType('attribute')]) {
      const layer = a?.type === 'attribute' ? a.childForFieldName('object') : null;
      const part = a?.childForFieldName('attribute')?.text ?? '';
      if (!a || layer?.type !== 'identifier' || !graph.layers.has(layer.text) || !LAYER_WEIGHTS.has(part) || out.has(a.text)) continue;
      out.set(a.text, { name: a.text, node: a, variadic: false, graphWeight: layer.text === outputLayer ? 'output' : 'inner' });
    }
  }
  return [...out.values()];
}

/**
 * The add_loss statement `stmt` on a model of the graph (the module's `moduleGraph`, with what the blocks around the
 * statement build), read over the graph's tensors; undefined otherwise.
 */
export function graphAddLoss(stmt: Node, moduleGraph: KerasGraph | undefined): LossDef | undefined {
  const added = addLossCall(stmt);
  if (!added || !moduleGraph) return undefined;
  const callable = addedCallable(added.value);
  if (added.value.type === 'lambda' && !callable) return undefined;
  const call = { receiver: added.receiver, value: callable?.valueNode ?? added.value };
  const graph = copyKerasGraph(moduleGraph);
  // a Lambda layer's tensor is the loss's own value only where the loss reads it
  const statements = [...lossStatements(stmt, graph), ...(callable?.statements ?? [])].filter((s, i, all) => {
    const bound = lambdaLayerApplied(s);
    return bound === undefined || firstRead([...all.slice(i + 1), call.value], bound) !== undefined;
  });
  const model = graphModelOf(call.receiver, graph);
  const output = model?.outputs[0];
  if (!model || !output) return undefined;
  const reading = [...statements, call.value];
  const predNode = firstRead(reading, output);
  const input = model.inputs.find((n) => firstRead(reading, n));
  const inputNode = input ? firstRead(reading, input) : undefined;
  const param = (name: string, node: Node): ParamInfo => ({ name, node, variadic: false });
  const params: ParamInfo[] = [param(output, predNode ?? call.receiver)];
  const ownValues = new Set(statements.flatMap((s) => lambdaLayerApplied(s) ?? []));
  for (const t of graph.tensors) {
    const at = t === output || t === input || model.inputs.includes(t) || ownValues.has(t) ? undefined : firstRead(reading, t);
    // an inner tensor of the graph is a hidden activation of the model, whatever its name (`h1`, `enc_out`)
    if (at) params.push({ ...param(t, at), graphActivation: true });
  }
  if (input && inputNode) params.push(param(input, inputNode));
  params.push(...layerWeightReads(reading, graph, outputLayerOf(stmt, output, graph)));
  return {
    kind: 'add-loss', name: call.receiver.text, nameNode: call.receiver, defNode: stmt, fn: stmt, params,
    outerParams: [], outerStatements: [], moduleAttrs: [], bindNames: [],
    roles: { yTrue: input ?? '', yPred: output }, inline: { statements, valueNode: call.value, ...(callable?.valueLabel ? { valueLabel: callable.valueLabel } : {}) },
    standsInFor: `your Keras model \`${call.receiver.text}\` (its own layers, from \`${model.inputs.join(', ') || 'its input'}\` to \`${output}\`)`,
    // comparing the output with the input, the added loss is the whole loss; else it adds penalties to the compiled one
    ...(predNode && inputNode ? { targetIsInput: true } : { penaltiesOnly: true }),
  };
}
