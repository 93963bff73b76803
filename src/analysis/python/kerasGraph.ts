// A Keras functional model read from the statements that build it, as the keras.io VAE and the notebooks after it
// write one: `inputs = Input(…)`, layers applied to tensors (`z_mean = Dense(2)(h)`, `z = Lambda(sampling)([m, v])`),
// models built from tensors (`vae = Model(inputs, outputs)`) and applied to them (`outputs = decoder(encoder(inputs)[2])`).
// A loss written over these tensors (`vae.add_loss(mean(bce(inputs, outputs) + kl))`) reads them as the model's input,
// its output and its inner tensors, which the trainer stands in for with its trial model; the building statements
// themselves are never read as the loss's values (they would be layers the trainer has no op for).
// Each statement is classified by this table, first match wins:
//   input        `x = Input(shape=…)`, `keras.Input(…)`, `layers.Input(…)`
//   model        `m = Model(ins, outs)`, `keras.Model(inputs=…, outputs=…)`, `Sequential([…])`
//   layer        `d = Dense(4)` (a capitalised constructor that is no class of the file): a layer to apply later
//   application  `h = Dense(4)(x)`, `outputs = decoder(z)`, `z = encoder(x)[2]`: a layer or a model applied to a tensor
// Any other assignment of a name forgets it (it is a value of the loss again).
import type { Node } from 'web-tree-sitter';
import { isTrivia } from './trivia';

export interface KerasGraph {
  /** Names bound to a tensor of the graph: an input, a layer's or a model's output. */
  tensors: Set<string>;
  /** Names bound to `Input(…)`. */
  inputs: Set<string>;
  /** `name = Model(ins, outs)`: the tensor names its inputs and outputs are written with (none for an expression). */
  models: Map<string, { inputs: string[]; outputs: string[] }>;
  /** Names bound to a layer or a model not yet applied (`decoder = Sequential([…])`, `d = Dense(4)`). */
  layers: Set<string>;
  /** The file's (or the notebook's) own classes: an object of one is followed by the analysis (its `call`), not a layer. */
  classes: Set<string>;
}

export const emptyKerasGraph = (): KerasGraph => ({ tensors: new Set(), inputs: new Set(), models: new Map(), layers: new Set(), classes: new Set() });

/** A copy to read further statements into (a function body's graph over the module's). */
export const copyKerasGraph = (g: KerasGraph): KerasGraph => ({ tensors: new Set(g.tensors), inputs: new Set(g.inputs), models: new Map(g.models), layers: new Set(g.layers), classes: g.classes });

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && !isTrivia(c));
const lastPart = (callee: string): string => callee.slice(callee.lastIndexOf('.') + 1);

const INPUT = /^Input$/;
const MODEL = /^(Model|Sequential|Functional)$/;
const CONSTRUCTOR = /^\p{Lu}[\p{L}\p{N}_]*$/u;
/** A constructor named like a loss or a metric builds no layer (`criterion = nn.MSELoss()`). */
const NOT_LAYER = /loss|criterion|metric|optimi[sz]er|scaler|regulari[sz]er/i;

/** The identifiers an argument names (`inputs`, `[z_mean, z_log_var, z]`); none for an expression (`decoder(z)`). */
function tensorNamesOf(arg: Node | undefined): string[] {
  if (!arg) return [];
  if (arg.type === 'identifier') return [arg.text];
  if (arg.type === 'list' || arg.type === 'tuple') return named(arg).flatMap((c) => (c.type === 'identifier' ? [c.text] : []));
  return [];
}

/** `Model(ins, outs)` / `Model(inputs=ins, outputs=outs)`: the names of both. */
function modelEnds(call: Node): { inputs: string[]; outputs: string[] } {
  const args = named(call.childForFieldName('arguments'));
  const keyword = (k: string) => args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === k)?.childForFieldName('value') ?? undefined;
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  return { inputs: tensorNamesOf(keyword('inputs') ?? positional[0]), outputs: tensorNamesOf(keyword('outputs') ?? positional[1]) };
}

/** The call under subscripts (`encoder(inputs)[2]` → `encoder(inputs)`). */
function underSubscripts(n: Node): Node {
  let cur = n;
  while (cur.type === 'subscript') cur = cur.childForFieldName('value') ?? cur;
  return cur;
}

/** Whether `right` applies a layer or a model of the graph to something: `Dense(4)(x)`, `decoder(z)`, `encoder(x)[2]`. */
function appliesLayer(right: Node, graph: KerasGraph): boolean {
  const call = underSubscripts(right);
  if (call.type !== 'call') return false;
  const fn = call.childForFieldName('function');
  const root = fn?.type === 'identifier' || fn?.type === 'attribute' ? fn.text : '';
  if (fn?.type !== 'call' && !graph.layers.has(root) && !graph.models.has(root)) return false;
  // applied to a tensor of the graph (`Dense(4)(x)`, `decoder(encoder(inputs)[2])`), not to data
  const args = call.childForFieldName('arguments');
  return !!args && args.descendantsOfType('identifier').some((id) => !!id && graph.tensors.has(id.text));
}

/** The names an assignment binds (`a`, `a, b`, `(a, b)`). */
function boundNames(left: Node): string[] {
  if (left.type === 'identifier') return [left.text];
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern') return named(left).flatMap((c) => (c.type === 'identifier' ? [c.text] : []));
  return [];
}

const forget = (graph: KerasGraph, names: string[]) => {
  for (const n of names) {
    graph.tensors.delete(n);
    graph.inputs.delete(n);
    graph.models.delete(n);
    graph.layers.delete(n);
  }
};

/**
 * Reads one top-level statement (a module's, a cell's, or one of a function body's) into `graph`; true when it builds
 * the graph (a loss reading the graph leaves it out).
 */
export function readGraphStatement(stmt: Node, graph: KerasGraph): boolean {
  const cls = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
  if (cls?.type === 'class_definition') graph.classes.add(cls.childForFieldName('name')?.text ?? '');
  const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  if (a?.type !== 'assignment') return false;
  const left = a.childForFieldName('left');
  const right = a.childForFieldName('right');
  if (!left || !right) return false;
  const names = boundNames(left);
  if (names.length === 0) return false;
  const callee = right.type === 'call' ? (right.childForFieldName('function')?.text ?? '') : '';
  const ctor = lastPart(callee);
  if (right.type === 'call' && INPUT.test(ctor)) {
    for (const n of names) {
      graph.tensors.add(n);
      graph.inputs.add(n);
    }
  } else if (right.type === 'call' && MODEL.test(ctor) && names.length === 1) {
    forget(graph, names);
    graph.models.set(names[0]!, ctor === 'Sequential' ? { inputs: [], outputs: [] } : modelEnds(right));
  } else if (appliesLayer(right, graph)) {
    forget(graph, names);
    for (const n of names) graph.tensors.add(n);
  } else if (right.type === 'call' && CONSTRUCTOR.test(ctor) && !NOT_LAYER.test(ctor) && !graph.classes.has(callee) && names.length === 1) {
    forget(graph, names);
    graph.layers.add(names[0]!);
  } else {
    forget(graph, names);
    return false;
  }
  return true;
}

/** The model a statement `name.add_loss(…)` / `name.compile(…)` is called on, when the graph built it. */
export function graphModelOf(receiver: Node | null | undefined, graph: KerasGraph | undefined): { name: string; inputs: string[]; outputs: string[] } | undefined {
  if (!receiver || !graph || receiver.type !== 'identifier') return undefined;
  const m = graph.models.get(receiver.text);
  return m ? { name: receiver.text, ...m } : undefined;
}

/**
 * `encoder(x)` in a loss, `encoder = Model(inputs, hidden)` a sub-model of the graph that runs from the graph's input
 * to one named inner tensor: the tensor it gives (`hidden`), which the trainer stands in for by name (a hidden
 * layer's activations), as for the model's own call on its input.
 */
export function graphModelOutput(name: string, graph: KerasGraph | undefined): string | undefined {
  if (!graph) return undefined;
  const m = graph.models.get(name);
  const out = m?.outputs.length === 1 ? m.outputs[0] : undefined;
  if (!m || !out || !m.inputs.every((i) => graph.inputs.has(i))) return undefined;
  return graph.tensors.has(out) && !graph.inputs.has(out) ? out : undefined;
}

/**
 * `Lambda(lambda x: K.ones_like(x))`, the layer part of `Lambda(…)(t)`: its function when written inline (a lambda),
 * which the loss reads applied to the layer's input as Keras runs it.
 */
export function inlineLambdaLayer(layer: Node): Node | undefined {
  if (layer.type !== 'call' || lastPart(layer.childForFieldName('function')?.text ?? '') !== 'Lambda') return undefined;
  const fn = named(layer.childForFieldName('arguments'))[0];
  return fn?.type === 'lambda' ? fn : undefined;
}
