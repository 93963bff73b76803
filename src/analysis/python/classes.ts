// The losses a Python class holds, by what the class is and what its methods do (a table of shapes, read in order):
//   Regularizer subclass        `__call__(self, x)`: a penalty on what the layer hands it ('regularizer')
//   nn.Module / Loss subclass   `forward` / `call` with `self.x` from `__init__` ('module-forward')
//   plain callable class        `__call__(self, y_true, y_pred)`, the instance passed as the loss ('module-forward')
//   any class                   a method named like a loss with tensor arguments, `loss(self, x, recon, …)` ('method')
//   Lightning module            `training_step` returning the loss or {'loss': …} ('training-step')
//   keras.Model subclass        `train_step` differentiating the loss under GradientTape ('training-step')
//   any method                  `self.add_loss(expr)` ('add-loss'); a loop calling `loss.backward()` ('inline')
import type { Node } from 'web-tree-sitter';
import type { Regularizes } from '../ir';
import { bodyStatements, isLossFunction, type LossDef, type ModuleAttr, moduleAttrsOf, names, plainOrFactory } from './discover';
import { droppedAt } from './droppedTotal';
import { paramsPassedModuleNames } from './enclosingCalls';
import { graphAddLoss } from './graphAddLoss';
import { addLossCalls, backwardCalls, inlineLoss, isBatchName, modulePreamble, moduleStatementsAbove, returnedLoss, tapeGradient } from './inline';
import type { KerasGraph } from './kerasGraph';
import { takeLayerInputs } from './layerInputs';
import { layerLoopOf } from './layerLoopAddLoss';
import { optimisedTensor } from './optimisedTensor';
import { readParams } from './params';
import { delegatedStep } from './selfCalls';
import { ancestorBases } from './superInit';
import { isBuiltinLossBase } from './superLoss';
import { tapedHelperLoss } from './tapedHelper';
import { buildsUsedLoss, type LossUses, nestedLosses, noLossUses, usedFunction } from './usedAsLoss';

/** What the file says about its regularizers: `activity_regularizer=Ortho(0.1)` → Ortho: { on: 'activity' }. */
export type RegularizerUses = ReadonlyMap<string, Regularizes>;

const REGULARIZER_BASE = /(^|\.)Regularizer$/;
const LOSS_CLASS_BASE = /(^|\.)(Module|_?(?:Weighted)?Loss)$/;
const LOSS_METHOD = /loss|criterion|objective|cost/i;

interface ClassInfo {
  cls: Node;
  name: string;
  nameNode: Node;
  defNode: Node;
  methods: Node[];
  attrs: ModuleAttr[];
  initNames: string[];
}

const methodName = (m: Node): string => m.childForFieldName('name')?.text ?? '';

function regularizerClass(c: ClassInfo, uses: RegularizerUses): LossDef[] {
  const fn = c.methods.find((m) => methodName(m) === '__call__');
  const params = fn ? readParams(fn.childForFieldName('parameters')).slice(1).filter((p) => !p.variadic) : [];
  if (!fn || params.length === 0) return [];
  const def: LossDef = {
    kind: 'regularizer', name: c.name, nameNode: c.nameNode, defNode: c.defNode, fn, params: params.slice(0, 1),
    outerParams: [], outerStatements: [], moduleAttrs: c.attrs, bindNames: c.initNames,
    roles: { yTrue: '', yPred: params[0].name }, penaltiesOnly: true,
  };
  const on = uses.get(c.name);
  if (on) def.regularizes = on;
  return [def];
}

/** `def loss(self, x, recon, encoded, lam=1e-3)` of a model, `compute_loss(self, pred, target)`. */
function lossMethods(c: ClassInfo, skip: ReadonlySet<Node>): LossDef[] {
  return c.methods
    .filter((m) => !skip.has(m) && !methodName(m).startsWith('__') && LOSS_METHOD.test(methodName(m)) && isLossFunction(m, true))
    .map((m) => ({
      kind: 'method', name: methodName(m), nameNode: m.childForFieldName('name') as Node, defNode: m, fn: m,
      params: readParams(m.childForFieldName('parameters')).slice(1),
      outerParams: [], outerStatements: [], moduleAttrs: c.attrs, bindNames: c.initNames, className: c.name,
    }));
}

/** An inline loss inside `method` as a LossDef of `kind`. */
function inlineDef(c: ClassInfo | undefined, method: Node, kind: LossDef['kind'], anchor: Node, value: Parameters<typeof inlineLoss>[2], name: string, fallbackPred?: Node, stepBatch?: Node): LossDef | undefined {
  // a script's loop reads the set-up above it; a script's own `loss.backward()` (no loop) reads every statement above
  const atModule = method.type !== 'function_definition' && method.parent?.type === 'module';
  const script = atModule && method.type === 'expression_statement' && kind === 'inline' ? moduleStatementsAbove(method) : undefined;
  const preamble = atModule && !script ? modulePreamble(method) : [];
  // a step's first parameter is its batch (`training_step(self, batch, batch_idx)`, `train_step(self, data)`)
  // (a plain function `fit_step(model, batch, optimizer)` names it: the parameter named like a batch)
  const named = kind === 'training-step' ? (stepBatch ?? batchNamedInput(method)) : undefined;
  const data = kind === 'training-step' && !named ? dataInputs(method) : [];
  const batchParam = named ?? (data.length === 1 ? data[0] : undefined);
  const direct = kind === 'inline' && !!fallbackPred;
  // a training function's settings object passed by name from the script (`train(model, CFG)`) is that object
  const passedNames = !c && method.type === 'function_definition' ? paramsPassedModuleNames(method) : [];
  if (passedNames.length > 0) value = { ...value, bound: [...(value.bound ?? []), ...passedNames.map((b) => ({ ...b, moduleName: true }))] };
  const found = inlineLoss(anchor, method, value, fallbackPred, { preamble, ...(batchParam ? { batchParam } : {}), ...(data.length > 1 ? { dataParams: data } : {}), ...(script ? { script } : {}), ...(direct ? { direct } : {}) });
  if (!found) return undefined;
  // a layer's add_loss on the items of its inputs (layerInputs.ts): on the model's input and output, the whole loss
  const layerLoss = kind === 'add-loss' && c ? takeLayerInputs(found, method) : undefined;
  const whole = layerLoss !== undefined;
  const selfless = readParams(method.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !found.params.some((f) => f.name === p.name));
  const def: LossDef = {
    kind, name, nameNode: found.nameNode, defNode: method, fn: method, params: found.params,
    outerParams: c ? [] : selfless, outerStatements: [], moduleAttrs: c?.attrs ?? [], bindNames: c?.initNames ?? [],
    roles: { yTrue: found.yTrue, yPred: found.yPred }, inline: found.spec,
  };
  if (c) def.className = c.name;
  if (kind === 'add-loss' && !whole) def.penaltiesOnly = true;
  if (layerLoss === 'reconstruction' && c) Object.assign(def, { targetIsInput: true, standsInFor: `your Keras model (the layer \`${c.name}\` is placed on its input and its output)` });
  if (passedNames.length > 0) def.readsCallers = true;
  const dropped = value.lossVar ? droppedAt(method, anchor, value.lossVar) : undefined;
  if (dropped) def.droppedTotal = dropped;
  return def;
}

/** The first parameter after self of a method (a Layer's `call(self, inputs)`: what an add_loss there reads). */
const firstInput = (m: Node): Node | undefined => readParams(m.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic)[0]?.node;

/** Methods that step an optimizer: the object they are called on is the optimizer, not data. */
const optimizerStep = /^(apply_gradients|minimize|step|zero_grad)$/;

/**
 * What a call says its callee's root is, when not data: the model called (`model(x)`), an object whose method is
 * handed another parameter (`nst.process_input(image)`), an optimizer stepped (`optimizer.apply_gradients(…)`).
 * A tensor's own methods (`x.reshape(-1)`, `image.assign(…)` of itself) say nothing.
 */
function notDataRoot(call: Node, params: ReadonlySet<string>): string | undefined {
  const f = call.childForFieldName('function');
  if (f?.type === 'identifier') return f.text;
  const obj = f?.type === 'attribute' ? f.childForFieldName('object') : undefined;
  if (obj?.type !== 'identifier') return undefined;
  const handed = (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'identifier' && a.text !== obj.text && params.has(a.text));
  return handed || optimizerStep.test(f?.childForFieldName('attribute')?.text ?? '') ? obj.text : undefined;
}

/**
 * A step function's data: its parameters without a default that are not its model or optimizer (notDataRoot): `x, y`
 * of `train(model, x, y, optimizer)`. With none, its first.
 */
function dataInputs(m: Node): Node[] {
  const params = readParams(m.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic && p.default === undefined && !p.defaultNode);
  const names = new Set(params.map((p) => p.name));
  const notData = new Set(m.descendantsOfType('call').flatMap((c) => (c ? [notDataRoot(c, names)] : [])));
  const data = params.filter((p) => !notData.has(p.name));
  const first = firstInput(m);
  return data.length > 0 ? data.map((p) => p.node) : first ? [first] : [];
}

/** The parameter named like a batch (`batch`, `data`, `train_batch`), if one. */
const batchNamedInput = (m: Node): Node | undefined => readParams(m.childForFieldName('parameters')).find((p) => !p.variadic && isBatchName(p.name))?.node;

/** The first free name an expression reads that is not a module (`0.01 * tf.reduce_sum(tf.abs(hidden))` → hidden). */
export function firstTensorName(value: Node): Node | undefined {
  for (const id of value.descendantsOfType('identifier')) {
    const parent = id?.parent;
    if (id && !(parent?.type === 'attribute') && !(parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id)) return id;
  }
  return undefined;
}

/**
 * A function or method (not only a Model's `train_step`), or a script's loop, that records its loss under `with tf.GradientTape() as
 * tape:` and differentiates it (`tape.gradient(loss, …)`): a custom training step, its loss what the tape records.
 */
const tapedStep = (fn: Node): boolean => (fn.type === 'function_definition' || scriptLoop.has(fn.type)) && /\bwith\s+(?:tf\.)?GradientTape\s*\(/.test(fn.text);
/** A script's own training loop at module level (`for x, s, y in ds.batch(64): with tf.GradientTape() as tape: …`). */
const scriptLoop: ReadonlySet<string> = new Set(['for_statement', 'while_statement']);

/** Whether `stmt` runs inside a loop of `container` (its epochs or batches), not once per call. */
function inLoop(stmt: Node, container: Node): boolean {
  for (let cur = stmt.parent; cur && cur.id !== container.id; cur = cur.parent) if (scriptLoop.has(cur.type)) return true;
  return false;
}

/** Losses written inside one function or method: training steps, add_loss calls, backward loops. */
export function inlineLosses(method: Node, c?: ClassInfo, graph?: KerasGraph): LossDef[] {
  const text = method.text;
  const out: LossDef[] = [];
  const name = methodName(method);
  const push = (d: LossDef | undefined) => d && out.push(d);
  if (c && name === 'training_step') {
    const rets = bodyStatements(method).filter((s) => s.type === 'return_statement');
    const ret = rets.at(-1);
    const value = ret ? returnedLoss(ret) : undefined;
    // no forward pass in sight (`a, b = self.net.loss_function(x, y)` computes the terms elsewhere): the step still
    // returns the loss; its batch stands for the prediction, and what cannot be followed is reported as such
    const helper = value ? delegatedStep(value, method, c.methods, batchNamedInput(method) ?? firstInput(method)) : undefined;
    const helperRet = helper ? bodyStatements(helper.method).filter((s) => s.type === 'return_statement').at(-1) : undefined;
    const helperValue = helperRet ? returnedLoss(helperRet) : undefined;
    const delegated = helper && helperRet && helperValue ? inlineDef(c, helper.method, 'training-step', helperRet, { valueNode: helperValue, bound: helper.bound }, name, helper.batchParam, helper.batchParam) : undefined;
    if (delegated) push(delegated);
    else if (ret && value) push(inlineDef(c, method, 'training-step', ret, { valueNode: value }, name, firstInput(method)));
  } else if (((c && name === 'train_step') || tapedStep(method)) && (text.includes('.gradient(') || text.includes('.minimize('))) {
    const g = tapeGradient(method);
    // a function that IS one step (`train_step`, `def step(model, x, y)`) names its loss; a script's loop, or a
    // function that runs the whole loop (`def fit(tt): for epoch in …: with tf.GradientTape()`), has no name for it:
    // its loss is named where it is assigned, as a backward loop's is
    // `recon, kl, total = self.compute_losses(data)` under the tape: the helper builds the loss, read as the step
    const helper = g && c ? tapedHelperLoss(method, g.stmt, g.lossVar, c.methods, batchNamedInput(method) ?? firstInput(method)) : undefined;
    const delegated = helper ? inlineDef(c, helper.method, 'training-step', helper.ret, { valueNode: helper.value, bound: helper.bound }, name, helper.batchParam, helper.batchParam) : undefined;
    if (delegated) push(delegated);
    else if (g) push(inlineDef(c, method, 'training-step', g.stmt, { lossVar: g.lossVar }, scriptLoop.has(method.type) || inLoop(g.stmt, method) ? g.lossVar : name));
  }
  if (text.includes('.add_loss(')) {
    // named by the method it is written in (`ActivationPenalty.call`), or `add_loss` at module level
    const addName = c ? name : 'add_loss';
    for (const a of addLossCalls(method)) {
      // on a functional model built in the function or the script (graphAddLoss.ts): over the graph's tensors
      const graphed = c ? undefined : graphAddLoss(a.stmt, graph);
      if (graphed) {
        out.push(graphed);
        continue;
      }
      // a penalty on each layer's kernel (layerLoopAddLoss.ts) reads the model whose layers it walks, not a tensor
      const pred = firstInput(method) ?? layerLoopOf(a.value)?.model ?? firstTensorName(a.value);
      push(inlineDef(c, method, 'add-loss', a.stmt, { valueNode: a.value }, addName, pred));
    }
  }
  if (text.includes('.backward(') && name !== 'training_step') {
    // no model call in sight: the tensor handed to the optimizer is the prediction (direct optimisation)
    const direct = () => optimisedTensor(method.type === 'function_definition' ? [method] : [...moduleStatementsAbove(method), method]);
    for (const b of backwardCalls(method)) push(inlineDef(c, method, 'inline', b.stmt, b.lossVar ? { lossVar: b.lossVar } : { valueNode: b.valueNode as Node }, b.name, direct()));
  }
  return out;
}

/**
 * `loss = model.calculate_loss(batch)` then `loss.backward()`, the method running its own model on the batch
 * (`self(users, items)`, `self.forward(x)`): a recommender's or a trainer's loss method takes the batch, not the
 * prediction. Read as a training step is: its batch stands for the prediction where the model's calls are.
 */
function batchLossMethod(c: ClassInfo, m: Node, uses: LossUses, ref: string): LossDef | undefined {
  const batch = firstInput(m);
  if (!batch || !uses.lossFns.has(ref) || !runsOwnModel(c, m.childForFieldName('body')?.text ?? '')) return undefined;
  const ret = bodyStatements(m).filter((s) => s.type === 'return_statement').at(-1);
  const value = ret ? returnedLoss(ret) : undefined;
  const def = ret && value ? inlineDef(c, m, 'training-step', ret, { valueNode: value }, methodName(m), batch, batch) : undefined;
  return def && { ...def, kind: 'method', usedAsLoss: true };
}

const callsForward = (text: string): boolean => /\bself(?:\.forward)?\(/.test(text);

/** `self(x)`, `self.forward(x)`, or a method of the class that does (`self.predict(users)` returning `self.forward(users)`). */
function runsOwnModel(c: ClassInfo, text: string): boolean {
  if (callsForward(text)) return true;
  const called = new Set([...text.matchAll(/\bself\.(\w+)\(/g)].map((x) => x[1]));
  return c.methods.some((m) => called.has(methodName(m)) && methodName(m) !== 'forward' && callsForward(m.childForFieldName('body')?.text ?? ''));
}

/** How the file names a method when it uses it (`self.pair_loss`, `loss.custom_loss`): the first such name. */
const usedName = (names: ReadonlySet<string>, method: string): string | undefined => [...names].find((n) => n.endsWith(`.${method}`));

/**
 * Methods the file uses as its loss whatever their names (`loss=self.pair_objective`), factory methods returning a
 * loss (`def custom_loss(self): def c_loss(yt, yp): …; return c_loss`), and losses nested in a method and used
 * there (`def build(self): def pdf_mse(y_true, y_pred): …; model.compile(loss=pdf_mse)`), each reading its class.
 */
function usedMethodLosses(c: ClassInfo, m: Node, uses: LossUses): LossDef[] {
  const name = methodName(m);
  const factory = plainOrFactory(m, uses, usedName(uses.factories, name) ?? `self.${name}`);
  const ref = usedName(uses.lossFns, name) ?? '';
  const own = factory?.kind === 'factory' ? factory : name.startsWith('__') ? undefined : (usedFunction(m, uses, ref) ?? batchLossMethod(c, m, uses, ref));
  if (own?.kind === 'function') own.kind = 'method';
  const out = [...(own ? [own] : []), ...nestedLosses(m, uses, c.name)];
  for (const d of out) Object.assign(d, { className: c.name, moduleAttrs: c.attrs, ...(d.kind === 'factory' ? {} : { bindNames: c.initNames }) });
  return out;
}

/** Every loss a class definition holds (`defNode` is the class, or its decorated definition). */
export function classLosses(cls: Node, defNode: Node, uses: RegularizerUses, moduleLoss: (cls: Node, used: boolean) => LossDef | undefined, lossUses: LossUses = noLossUses): LossDef[] {
  const nameNode = cls.childForFieldName('name');
  if (!nameNode) return [];
  const methods = bodyStatements(cls).filter((s) => s.type === 'function_definition');
  const init = methods.find((m) => methodName(m) === '__init__');
  // an in-file base counts for what it derives from (`class RangeLoss(Penalised)`, `class Penalised(nn.Module)`)
  const bases = ancestorBases(cls);
  const c: ClassInfo = {
    cls, name: nameNode.text, nameNode, defNode, methods,
    attrs: moduleAttrsOf(init), initNames: names(readParams(init?.childForFieldName('parameters') ?? null)),
  };
  if (bases.some((b) => REGULARIZER_BASE.test(b))) return regularizerClass(c, uses);
  const out: LossDef[] = [];
  const skip = new Set<Node>();
  // a plain class whose instances are called like a loss (`loss=MotionLoss(weight=0.05)` with `__call__(self, y_true, y_pred)`)
  const callable = bases.every((b) => b === 'object') && methods.some((m) => methodName(m) === '__call__');
  if (callable || bases.some((b) => LOSS_CLASS_BASE.test(b) || isBuiltinLossBase(b))) {
    const m = moduleLoss(cls, buildsUsedLoss(lossUses, c.name));
    // an nn.Module whose instance the file uses as its loss is one, whatever its forward returns through
    if (m?.scalarOnly && buildsUsedLoss(lossUses, c.name)) Object.assign(m, { scalarOnly: undefined, usedAsLoss: true });
    if (m) {
      m.defNode = defNode;
      out.push(m);
      skip.add(m.fn);
    }
  }
  const named = lossMethods(c, skip);
  out.push(...named);
  const found = new Set([...skip, ...named.map((d) => d.fn)]);
  for (const m of methods) if (!skip.has(m)) out.push(...inlineLosses(m, c), ...(found.has(m) ? [] : usedMethodLosses(c, m, lossUses)));
  return out.sort((a, b) => a.nameNode.startIndex - b.nameNode.startIndex);
}
