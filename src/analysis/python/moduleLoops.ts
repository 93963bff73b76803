// `for m in net.modules(): if isinstance(m, nn.Linear): … m.weight …` (soft orthogonality, spectral or max-norm
// penalties over a model's layers): a loop over the model's layers that reads each Linear layer's weight. The trial
// model is an MLP of Linear layers, so it is the loop over the model's named parameters that keeps the weights:
// `isinstance(m, nn.Linear)` holds for a weight (`name.endswith('weight')`), `m.weight` is that weight in
// nn.Linear's layout ([out, in], `.t()` of the trial's [in, out] kernel). A loop reading its module any other way
// (`m.bias`, `m.kernel_size`, an isinstance of a class the trial has none of) is left as it is: the trainer refuses
// `.modules()` by name.
import type { Expr } from '../ir';
import { rebuild, some } from '../terms/expr';

/** Layer classes the trial's layers are instances of. */
const TRIAL_LAYER = /(^|\.)(Linear|LazyLinear|Module)$/;

type At = { range: Expr['range']; text: string };

/**
 * The model of `net.modules()` / `self.net.modules()` (no arguments), or undefined. A model the caller built
 * (`orth_reg(model, …)` with `model = EmbedNet(…)`, read through to its constructor call) is named by its text.
 */
export function modelOfMethod(iterable: Expr, method: string): Expr | undefined {
  // `net.modules()` with `net` a module-level model reads as a call of the dotted name
  const dotted = iterable.kind === 'call' && iterable.args.length === 0 ? /^((?:self\.)?[A-Za-z_]\w*)\.(\w+)$/.exec(iterable.callee) : null;
  if (dotted?.[2] === method) return { kind: 'name', name: dotted[1]!, ref: 'global', range: iterable.range, text: dotted[1]! };
  if (iterable.kind !== 'method' || iterable.method !== method || iterable.args.length > 0) return undefined;
  const o = iterable.object;
  if (o.kind === 'name' || (o.kind === 'attr' && o.object.kind === 'name' && o.object.name === 'self')) return o;
  const built = o.kind === 'call' && (/(^|\.)[A-Z]\w*$/.test(o.callee) || /^build_|_model$|^make_/.test(o.callee));
  return built ? { kind: 'name', name: 'model', ref: 'global', range: o.range, text: o.text } : undefined;
}

const isVariable = (e: Expr, m: string): boolean => e.kind === 'name' && e.ref === 'loop' && e.name === m;

/** The classes an isinstance test names: `nn.Linear`, or each of a tuple. */
const classesOf = (e: Expr | undefined): string[] => (e?.kind === 'tuple' ? e.items.flatMap(classesOf) : e ? [e.text.replace(/\s+/g, '')] : []);

export interface ModuleLoop {
  /** The loop read over named parameters: the name variable, then the weight (the module's own variable). */
  variables: string[];
  iterable: Expr;
  /** A pass's value with the module's reads made weight reads; undefined when it reads the module another way. */
  rewrite: (e: Expr) => Expr | undefined;
}

/** An attribute chain over a plain name: `model.encoder`, `self.net.features`. */
const isMemberChain = (e: Expr): boolean => e.kind === 'attr' && (e.object.kind === 'name' || isMemberChain(e.object));

/**
 * The model or member whose layers a loop walks: `net.modules()`, `net.children()`, or a container attribute
 * iterated itself (`for layer in model.encoder`, whose parameters are that member's, modelMembers.ts). A container
 * is only told from a list by the isinstance/hasattr guard on its item, so it needs one.
 */
function layersWalked(iterable: Expr): { model: Expr; needsGuard: boolean } | undefined {
  const model = modelOfMethod(iterable, 'modules') ?? modelOfMethod(iterable, 'children');
  if (model) return { model, needsGuard: false };
  // `self.encoder` alone is the loss's own attribute, not a model's member
  const ownAttribute = iterable.kind === 'attr' && iterable.object.kind === 'name' && iterable.object.name === 'self';
  return isMemberChain(iterable) && !ownAttribute ? { model: iterable, needsGuard: true } : undefined;
}

/** A loop over `net.modules()` with one variable, read as a loop over the weights (header), else undefined. */
export function moduleLoop(iterable: Expr, variables: string[], at: At): ModuleLoop | undefined {
  const walked = layersWalked(iterable);
  const model = walked?.model;
  const [m] = variables;
  if (!walked || !model || variables.length !== 1 || !m) return undefined;
  const nameVariable = `${m}__name`;
  const nameRead: Expr = { kind: 'name', name: nameVariable, ref: 'loop', ...at };
  const isWeight: Expr = { kind: 'method', object: nameRead, method: 'endswith', args: [{ kind: 'string', value: 'weight', ...at }], kwargs: {}, ...at };
  const rewrite = (e: Expr): Expr | undefined => {
    let ok = true;
    let guarded = false;
    const visit = (node: Expr): Expr | undefined => {
      if (node.kind === 'attr' && node.name === 'weight' && isVariable(node.object, m)) return { kind: 'method', object: node.object, method: 't', args: [], kwargs: {}, range: node.range, text: node.text };
      if (node.kind === 'call' && node.callee === 'isinstance' && node.args[0] && isVariable(node.args[0], m)) {
        if (!classesOf(node.args[1]).some((c) => TRIAL_LAYER.test(c))) ok = false;
        guarded = true;
        return isWeight;
      }
      // `hasattr(m, 'weight')`: the trial's layers that have one are its Linear layers
      if (node.kind === 'call' && node.callee === 'hasattr' && node.args[0] && isVariable(node.args[0], m) && node.args[1]?.kind === 'string' && node.args[1].value === 'weight') {
        guarded = true;
        return isWeight;
      }
      if (isVariable(node, m)) ok = false; // read another way than its weight
      return undefined;
    };
    const out = rebuild(e, visit);
    // unguarded, every module's weight would be read, the container's and the activations' too (an error in torch)
    return ok && (guarded || (!walked.needsGuard && !some(e, (x) => isVariable(x, m)))) ? out : undefined;
  };
  return { variables: [nameVariable, m], iterable: { kind: 'method', object: model, method: 'named_parameters', args: [], kwargs: {}, ...at }, rewrite };
}

/**
 * `for block in net.modules():` whose one statement loops over `block.named_parameters(recurse=False)` (or
 * `parameters`): each parameter of the model once, so the inner loop is read over `net.named_parameters()`.
 */
export function layerParameters(iterable: Expr, variables: string[], innerIterable: string): Expr | undefined {
  const model = modelOfMethod(iterable, 'modules');
  const [m] = variables;
  const own = m ? new RegExp(`^${m}\\.(named_parameters|parameters)\\(\\s*recurse\\s*=\\s*False\\s*\\)$`).exec(innerIterable.replace(/\s+/g, ' ')) : null;
  if (!model || variables.length !== 1 || !own?.[1]) return undefined;
  return { kind: 'method', object: model, method: own[1], args: [], kwargs: {}, range: iterable.range, text: `${model.text}.${own[1]}()` };
}
