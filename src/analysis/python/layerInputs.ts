// A Keras layer's `call(self, inputs)` whose add_loss reads the items of its inputs adds a loss on the tensors the
// layer is placed on, not on the model's prediction: `mu, log_var = inputs` (a VAE's KL layer on the encoder's heads)
// or `x = inputs[0]; x_decoded_mean = inputs[1]` (the keras-team VAE example's CustomVariationalLayer, placed on the
// model's input and its decoded output). The items become the loss's own names, mapped as any loss's: a pair read as
// (input, reconstruction) is the target and the prediction, and the layer's loss is then the whole loss (the model
// compiles `loss=None`); other items are tensors of the model the trainer maps by name (a VAE head's mean and
// log-variance) or refuses by name. The statements binding them are left out, so they stay names.
import type { Node } from 'web-tree-sitter';
import { isPredictionName, isTargetName, isTensorName, looksLikeLossPair, pickRoles } from '../terms/roles';
import type { InlineFound } from './inline';
import { readParams } from './params';
import { isTrivia } from './trivia';

/** The first parameter after self of a method (a Layer's `call(self, inputs)`). */
const firstInput = (m: Node): Node | undefined => readParams(m.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic)[0]?.node;

/** Names a layer's item has when it is the model's input (the reconstruction's target). */
const INPUT_ITEM = /^(x|xs|inputs?|inp|x_(?:input|in|true|orig|original)|input_\w+|original|images?|data)$/i;
/** Names a layer's item has when it is the model's decoded output (the reconstruction). */
const OUTPUT_ITEM = /decod|recon|x_hat|xhat|(?:^|_)out(?:puts?)?$|^(?:y_?pred|pred\w*|generated)$/i;

const assignmentIn = (s: Node): { left: Node; right: Node } | undefined => {
  const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
  const right = a?.childForFieldName('right');
  return left && right ? { left, right } : undefined;
};

/** `a, b = inputs` → [a, b]; `a = inputs[0]` → a at 0: the statements that bind the layer's items, and the items by index. */
function itemBindings(statements: readonly Node[], input: string): { binding: Set<Node>; items: Node[] } {
  const binding = new Set<Node>();
  const items: Node[] = [];
  for (const s of statements) {
    const a = assignmentIn(s);
    if (!a) continue;
    const names = a.left.namedChildren.filter((n): n is Node => !!n);
    if ((a.left.type === 'pattern_list' || a.left.type === 'tuple_pattern') && a.right.text === input && names.every((n) => n.type === 'identifier')) {
      binding.add(s);
      names.forEach((n, i) => {
        items[i] = n;
      });
      continue;
    }
    const index = a.right.type === 'subscript' && a.right.childForFieldName('value')?.text === input ? Number(a.right.childForFieldName('subscript')?.text) : Number.NaN;
    if (a.left.type === 'identifier' && Number.isInteger(index) && index >= 0) {
      binding.add(s);
      items[index] = a.left;
    }
  }
  return { binding, items: items.filter(Boolean) };
}

/**
 * The (target, prediction) among the items: one named as the model's input, and one named as its decoded output, or
 * else the item the layer passes on (`return y`: the model's output goes through the loss layer).
 */
function reconstructionItems(items: readonly Node[], returned: string | undefined): { yTrue: Node; yPred: Node } | undefined {
  const named = items.find((n) => OUTPUT_ITEM.test(n.text) || (isPredictionName(n.text) && !isTensorName(n.text)));
  const yTrue = items.find((n) => n !== named && INPUT_ITEM.test(n.text)) ?? items.find((n) => n !== named && isTargetName(n.text));
  const yPred = named ?? items.find((n) => n !== yTrue && n.text === returned && !isTensorName(n.text));
  return yPred && yTrue ? { yTrue, yPred } : undefined;
}

/**
 * A loss layer whose `call(self, y_true, y_pred)` names the pair (placed as `LossLayer()(y_input, output)`, the model
 * compiled with no loss): its add_loss is the whole loss on that target and prediction.
 */
function takeLossPairInputs(found: InlineFound, method: Node): boolean {
  const own = readParams(method.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic && p.default === undefined);
  const names = own.map((p) => p.name);
  if (own.length < 2 || !looksLikeLossPair(names.slice(0, 2))) return false;
  const roles = pickRoles(names, 'keras');
  if (!roles) return false;
  const byName = (n: string) => own.find((p) => p.name === n)!;
  const rest = found.params.filter((p) => p.name !== roles.yTrue && p.name !== roles.yPred);
  found.params = [{ ...byName(roles.yPred), variadic: false }, ...rest, { ...byName(roles.yTrue), variadic: false }];
  found.yPred = roles.yPred;
  found.yTrue = roles.yTrue;
  return true;
}

/** The name a method returns (`return y`), if it returns one name. */
function returnedName(method: Node): string | undefined {
  const body = method.childForFieldName('body');
  const ret = body?.namedChildren.filter((s) => s?.type === 'return_statement').at(-1);
  const value = ret?.namedChildren.find((n) => !!n && n.type !== 'comment');
  return value?.type === 'identifier' ? value.text : undefined;
}

/**
 * Rewrites `found` (an add_loss in a layer's `call`) over the layer's items, when it binds them; says when the added
 * loss is the whole loss, not a penalty: the items hold the model's input and its decoded output ('reconstruction':
 * the target is the input), or the call's own parameters name the target and the prediction ('pair').
 */
export function takeLayerInputs(found: InlineFound, method: Node): 'reconstruction' | 'pair' | undefined {
  if (takeLossPairInputs(found, method)) return 'pair';
  let input = firstInput(method)?.text;
  if (!input) return undefined;
  const delegated = itemBindings(found.spec.statements, input).items.length === 0 ? delegatedLoss(found, method, input) : undefined;
  if (delegated) {
    // the loss the layer adds is what its own method computes on the inputs: read as if written in `call`
    found.spec.statements = [...found.spec.statements, ...delegated.statements];
    found.spec.valueNode = delegated.value;
    input = delegated.param;
  }
  const { binding, items } = itemBindings(found.spec.statements, input);
  if (items.length === 0) return undefined;
  found.spec.statements = found.spec.statements.filter((s) => !binding.has(s));
  const roles = reconstructionItems(items, returnedName(method));
  const param = (n: Node) => ({ name: n.text, node: n, variadic: false });
  const tensors = items.filter((n) => n !== roles?.yPred && n !== roles?.yTrue && !found.params.some((p) => p.name === n.text)).map(param);
  if (!roles) {
    found.params.push(...tensors);
    return undefined;
  }
  found.params = [param(roles.yPred), ...tensors, param(roles.yTrue)];
  found.yPred = roles.yPred.text;
  found.yTrue = roles.yTrue.text;
  return 'reconstruction';
}

/** A method's statements before its last return, and the returned value, when it ends in one. */
function bodyAndReturn(fn: Node): { statements: Node[]; value: Node } | undefined {
  const body = (fn.childForFieldName('body')?.namedChildren ?? []).filter((n): n is Node => !!n && !isTrivia(n));
  const ret = body.at(-1);
  const value = ret?.type === 'return_statement' ? ret.namedChildren.find((c): c is Node => !!c && !isTrivia(c)) : undefined;
  return value ? { statements: body.slice(0, -1), value } : undefined;
}

/** The classes of the file that derive from `name` (directly), with the methods they define. */
function subclassesOf(root: Node, name: string): Node[] {
  return root.descendantsOfType('class_definition').filter((c): c is Node => !!c && (c.childForFieldName('superclasses')?.namedChildren ?? []).some((b) => b?.text === name));
}

/**
 * `self.add_loss(self.compute_loss(inputs))` in a base layer whose subclass the file builds overrides compute_loss
 * (a layer hierarchy: the base's `call` adds, the subclass computes): that method's body over its own parameter,
 * which stands for the layer's inputs. The subclass's override wins over the base's (which often only raises).
 */
function delegatedLoss(found: InlineFound, method: Node, input: string): { statements: Node[]; value: Node; param: string } | undefined {
  const v = found.spec.valueNode;
  const fn = v?.type === 'call' ? v.childForFieldName('function') : null;
  const args = (v?.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is Node => !!n && !isTrivia(n));
  if (fn?.type !== 'attribute' || fn.childForFieldName('object')?.text !== 'self' || args.length !== 1 || args[0]?.text !== input) return undefined;
  const name = fn.childForFieldName('attribute')?.text;
  let cls: Node | null = method.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const className = cls?.childForFieldName('name')?.text;
  let root: Node = method;
  while (root.parent) root = root.parent;
  if (!cls || !className || !name) return undefined;
  const built = subclassesOf(root, className).filter((c) => root.text.includes(`${c.childForFieldName('name')?.text}(`));
  const methodIn = (c: Node) => (c.childForFieldName('body')?.namedChildren ?? []).find((m) => m?.type === 'function_definition' && m.childForFieldName('name')?.text === name) ?? undefined;
  const candidates = [...built.map(methodIn), methodIn(cls)].filter((m): m is Node => !!m);
  for (const m of candidates) {
    const param = firstInput(m)?.text;
    const read = param ? bodyAndReturn(m) : undefined;
    if (param && read && itemBindings(read.statements, param).items.length > 0) return { ...read, param };
  }
  return undefined;
}
