// How a TS/JS file uses its losses: `model.compile({ loss: fn })` (bare or a factory's product), calls, factory
// calls, `model.fit`, and the last `tf.layers.dense({ activation })` as the output activation.
import type { Node } from 'web-tree-sitter';
import type { LossModel, LossUsage } from '../ir';
import { rangeOf } from '../parsing/range';
import { scriptDottedName } from './expr';
import { numberPassed } from './ctorOptions';
import { scriptLiteral } from './params';

type Bound = Record<string, number | string | boolean>;
interface Target {
  model: LossModel;
  bare: boolean;
  /** True when the value is a factory itself, not its product (`loss: makeLoss`). */
  factory?: boolean;
}

/** `{ key: value }` of an object literal. */
function property(obj: Node | undefined, key: string): Node | undefined {
  for (const pair of obj?.namedChildren ?? []) {
    if (pair?.type === 'pair' && pair.childForFieldName('key')?.text.replace(/['"]/g, '') === key) return pair.childForFieldName('value') ?? undefined;
    if (pair?.type === 'shorthand_property_identifier' && pair.text === key) return pair;
  }
  return undefined;
}

const argsOf = (call: Node): Node[] => (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');

/**
 * `new NearBinaryWeights(5e-4)` of a regularizer class: the layer's regularizer (usage 'regularizer'), built with
 * its constructor arguments bound by name (a 'factory-call', as Python's `Ortho(0.1)`).
 */
function regularizerBuilt(node: Node, byName: ReadonlyMap<string, LossModel>, bindNames: ReadonlyMap<string, string[]>): void {
  const ctor = node.childForFieldName('constructor');
  const m = ctor?.type === 'identifier' ? byName.get(ctor.text) : undefined;
  if (m?.kind !== 'regularizer') return;
  const range = rangeOf(node);
  const boundArgs: Bound = {};
  argsOf(node).forEach((a, i) => {
    const v = scriptLiteral(a) ?? numberPassed(a)?.value;
    const n = bindNames.get(m.name)?.[i];
    if (v !== undefined && n) boundArgs[n] = v;
  });
  if (!m.usages.some((u) => u.kind === 'regularizer')) m.usages.push({ kind: 'regularizer', range });
  // the trial trains the regularizer on a kernel: a `kernelRegularizer:`'s arguments come first, where they are read
  const onKernel = node.parent?.type === 'pair' && node.parent.childForFieldName('key')?.text === 'kernelRegularizer';
  const call: LossUsage = { kind: 'factory-call', range, boundArgs };
  const firstCall = m.usages.findIndex((u) => u.kind === 'factory-call');
  if (onKernel && firstCall >= 0) m.usages.splice(firstCall, 0, call);
  else m.usages.push(call);
}

/** `this.loss(…)` inside a class: the class's loss method of that name (a model of kind 'method'). */
function ownMethod(fn: Node, byName: ReadonlyMap<string, LossModel>): LossModel | undefined {
  if (fn.type !== 'member_expression' || fn.childForFieldName('object')?.type !== 'this') return undefined;
  const m = byName.get(fn.childForFieldName('property')?.text ?? '');
  return m?.kind === 'method' ? m : undefined;
}

/** Whether `node` runs inside the closure an optimizer differentiates (`opt.minimize(() => …)`, `tf.variableGrads(() => …)`). */
function insideDifferentiated(node: Node): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type !== 'arrow_function' && cur.type !== 'function_expression') continue;
    const call = cur.parent?.type === 'arguments' ? cur.parent.parent : undefined;
    const callee = call?.childForFieldName('function');
    if (callee?.type === 'member_expression' && differentiatesName.test(callee.childForFieldName('property')?.text ?? '')) return cur.parent?.namedChild(0)?.id === cur.id;
  }
  return false;
}
const differentiatesName = /^(minimize|variableGrads)$/;

export function collectScriptUsages(root: Node, models: LossModel[], bindNames: ReadonlyMap<string, string[]>): { outputActivation?: string; outputUnits?: LossModel['outputUnits'] } {
  const byName = new Map(models.map((m) => [m.name, m]));
  const vars = new Map<string, Target>();
  const fits: Node[] = [];
  let outputActivation: string | undefined;
  // the last dense layer's width, as Python's usages.ts reads `Dense(6)`: the trial's prediction is as wide
  let outputUnits: LossModel['outputUnits'];

  const targetOf = (value: Node | undefined): Target | undefined => {
    if (!value) return undefined;
    if (value.type === 'identifier' || value.type === 'shorthand_property_identifier') {
      const m = byName.get(value.text);
      if (m?.kind === 'factory') return { model: m, bare: false, factory: true };
      return m ? { model: m, bare: true } : vars.get(value.text);
    }
    // `loss: (yt, yp) => constrainedLoss(yt, yp, 0.5)`: the wrapped loss, with its arguments bound
    if (value.type === 'arrow_function' || value.type === 'function_expression') {
      const body = value.childForFieldName('body');
      const ret = body?.type === 'statement_block' ? body.descendantsOfType('return_statement')[0]?.namedChild(0) : body;
      const inner = targetOf(ret ?? undefined);
      return inner && { model: inner.model, bare: false };
    }
    if (value.type !== 'call_expression') return undefined;
    const fn = value.childForFieldName('function');
    const name = fn ? scriptDottedName(fn) : undefined;
    const m = name ? (byName.get(name) ?? vars.get(name)?.model) : undefined;
    return m ? { model: m, bare: false } : undefined;
  };

  for (const node of root.descendantsOfType(['call_expression', 'variable_declarator', 'new_expression'])) {
    if (!node) continue;
    if (node.type === 'new_expression') {
      regularizerBuilt(node, byName, bindNames);
      continue;
    }
    if (node.type === 'variable_declarator') {
      const name = node.childForFieldName('name');
      const t = targetOf(node.childForFieldName('value') ?? undefined);
      if (name?.type === 'identifier' && t) vars.set(name.text, t);
      continue;
    }
    const fn = node.childForFieldName('function');
    if (!fn) continue;
    const name = scriptDottedName(fn);
    const method = fn.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
    const args = argsOf(node);
    const range = rangeOf(node);
    const direct = (name ? byName.get(name) : undefined) ?? ownMethod(fn, byName);
    // `optimizer.minimize(() => { const [, , total] = this.loss(x, y, pred); return total; })`: what the step differentiates
    if (direct && insideDifferentiated(node)) direct.usages.push({ kind: 'training-step', range });
    if (direct) {
      const u: LossUsage = { kind: direct.kind === 'factory' ? 'factory-call' : 'call', range };
      if (direct.kind === 'factory') {
        const bound: Bound = {};
        args.forEach((a, i) => {
          const v = scriptLiteral(a);
          const n = bindNames.get(direct.name)?.[i];
          if (v !== undefined && n) bound[n] = v;
        });
        u.boundArgs = bound;
      }
      direct.usages.push(u);
    } else if (name && vars.has(name)) {
      vars.get(name)?.model.usages.push({ kind: 'call', range });
    } else if (method === 'compile') {
      const t = targetOf(property(args[0], 'loss'));
      if (t) t.model.usages.push({ kind: 'compile', range, passesBareFunction: t.bare, ...(t.factory ? { passesFactory: true } : {}) });
    } else if (method === 'fit' || method === 'fitDataset' || method === 'trainOnBatch') {
      fits.push(node);
    } else if (method === 'dense' || method === 'activation') {
      const act = scriptLiteral(property(args[0], 'activation') ?? args[0] ?? node);
      if (typeof act === 'string') outputActivation = act;
      // a dense layer without an activation is linear: a hidden layer's relu is not the output's
      else if (method === 'dense' && property(args[0], 'activation') === undefined) outputActivation = 'linear';
      const units = method === 'dense' ? scriptLiteral(property(args[0], 'units') ?? node) : undefined;
      if (typeof units === 'number' && Number.isInteger(units) && units > 0) outputUnits = { count: units, line: range.startLine + 1 };
    }
  }
  const compiled = models.filter((m) => m.usages.some((u) => u.kind === 'compile'));
  for (const fit of fits) for (const m of compiled) m.usages.push({ kind: 'fit', range: rangeOf(fit) });
  return { ...(outputActivation ? { outputActivation } : {}), ...(outputUnits ? { outputUnits } : {}) };
}
