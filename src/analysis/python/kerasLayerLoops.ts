// `for layer in model.layers: if isinstance(layer, (Conv2D, Dense)): … layer.kernel …` (a Keras loss or factory
// collecting its model's kernels: a global weight norm, an orthogonality penalty): the Keras twin of moduleLoops.ts.
// The trial model is an MLP of Dense layers, so the walk is the loop over the model's trainable weights that keeps
// the kernels: `isinstance(layer, Dense)` (or `hasattr(layer, 'kernel')`) holds for a kernel (`'kernel' in w.name`),
// an isinstance of classes without Dense (`Conv2D`) holds for none (one that only tests such classes is left alone), and `layer.kernel`, `layer.trainable_weights[0]`
// are that kernel. A walk without such a guard, or reading its layer any other way (`layer.bias`, `get_weights()`,
// whose numpy copy has no gradient), is left as it is: the trainer refuses it by name.
import type { Expr } from '../ir';
import { rebuild } from '../terms/expr';
import type { ModuleLoop } from './moduleLoops';

type At = { range: Expr['range']; text: string };

/** A layer's weight lists whose first item is its kernel. */
const WEIGHT_LISTS: ReadonlySet<string> = new Set(['trainable_weights', 'trainable_variables', 'weights', 'variables']);

const isVariable = (e: Expr, layer: string): boolean => e.kind === 'name' && e.ref === 'loop' && e.name === layer;

/** The classes an isinstance test names: `Dense`, `layers.Dense`, or each of a tuple. */
const classesOf = (e: Expr | undefined): string[] => (e?.kind === 'tuple' ? e.items.flatMap(classesOf) : e ? [e.text.replace(/\s+/g, '')] : []);
const DENSE = /(^|\.)Dense$/;

/** The model whose `.layers` a loop walks (`model.layers`, `self.model.layers`), else undefined. */
function modelOfLayers(iterable: Expr): Expr | undefined {
  if (iterable.kind !== 'attr' || iterable.name !== 'layers') return undefined;
  const o = iterable.object;
  return o.kind === 'name' || (o.kind === 'attr' && o.object.kind === 'name' && o.object.name === 'self') ? o : undefined;
}

/** `layer.kernel` or `layer.trainable_weights[0]`: a read of the layer's kernel. */
function readsKernel(e: Expr, layer: string): boolean {
  if (e.kind === 'attr') return e.name === 'kernel' && isVariable(e.object, layer);
  const first = e.kind === 'subscript' && e.index.length === 1 && e.index[0]?.kind === 'index' && e.index[0].value.kind === 'number' && e.index[0].value.value === 0;
  return first && e.kind === 'subscript' && e.object.kind === 'attr' && WEIGHT_LISTS.has(e.object.name) && isVariable(e.object.object, layer);
}

/** `and`/`or` with a side known (an isinstance the trial's layers fail), folded as Python does. */
function folded(e: Expr): Expr {
  if (e.kind !== 'binary' || (e.op !== 'and' && e.op !== 'or')) return e;
  const known = [e.left, e.right].find((s) => s.kind === 'bool');
  const other = known === e.left ? e.right : e.left;
  if (known?.kind !== 'bool') return e;
  if (e.op === 'or') return known.value ? known : other;
  return known.value ? other : known;
}

/** A loop over `model.layers` with one variable, read as a loop over the model's kernels (header), else undefined. */
export function kerasLayerLoop(iterable: Expr, variables: string[], at: At): ModuleLoop | undefined {
  const model = modelOfLayers(iterable);
  const [layer] = variables;
  if (!model || variables.length !== 1 || !layer) return undefined;
  const w: Expr = { kind: 'name', name: layer, ref: 'loop', ...at, text: layer };
  const name: Expr = { kind: 'attr', object: w, name: 'name', ...at, text: `${layer}.name` };
  const isKernel: Expr = { kind: 'method', object: name, method: '__contains__', args: [{ kind: 'string', value: 'kernel', ...at, text: "'kernel'" }], kwargs: {}, ...at, text: `'kernel' in ${layer}.name` };
  const rewrite = (e: Expr): Expr | undefined => {
    let ok = true;
    let guarded = false;
    let holds = false;
    const visit = (node: Expr): Expr | undefined => {
      if (readsKernel(node, layer)) return { ...w, range: node.range, text: node.text };
      const [subject, what] = node.kind === 'call' ? node.args : [];
      if (node.kind === 'call' && subject && isVariable(subject, layer) && (node.callee === 'isinstance' || node.callee === 'hasattr')) {
        guarded = true;
        const dense = node.callee === 'isinstance' ? classesOf(what).some((c) => DENSE.test(c)) : what?.kind === 'string' && what.value === 'kernel';
        if (node.callee === 'hasattr' && !dense) ok = false; // another attribute: not told here
        holds ||= dense;
        return dense ? isKernel : { kind: 'bool', value: false, range: node.range, text: node.text };
      }
      if (isVariable(node, layer)) ok = false; // read another way than its kernel
      return undefined;
    };
    const out = rebuild(e, visit, folded);
    // a walk no trial layer passes (`isinstance(layer, Conv2D)` alone) collects nothing: the trainer refuses it
    return ok && guarded && holds ? out : undefined;
  };
  return { variables: [layer], iterable: { kind: 'attr', object: model, name: 'trainable_weights', ...at, text: `${model.text}.trainable_weights` }, rewrite };
}
