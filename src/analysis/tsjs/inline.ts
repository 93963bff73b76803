// A TF.js loss written where training happens: `optimizer.minimize(() => { const pred = model.predict(xs); …;
// return loss; })`. The arrow is the loss; the model is the call that predicts (`model.predict(xs)`,
// `model.apply(xs)`, a function of the data, `f(xs)`), its result the prediction, written in a declaration or inside
// the loss call (`tf.losses.meanSquaredError(ys, model.predict(xs))`); the target is the data name the arrow reads
// that is named like one (`ys`, `labels`).
import type { Node } from 'web-tree-sitter';
import { isPredictionName, isTargetName } from '../terms/roles';
import type { ScriptLossDef } from './discover';
import { readScriptImports } from './imports';
import type { ScriptParam } from './params';

/** Methods that run a TF.js model on its input. */
const predicts: ReadonlySet<string> = new Set(['predict', 'apply', 'call', 'execute', 'predictOnBatch', 'forward']);
/** Callees that are the model by name (`model(xs)`, `net(xs)`). */
const modelNamed = /^(model|net|network|\w*(Model|Net))$/;
const functionLike: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'function']);

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

/** The names the arrow declares (its locals): a call on them is a tensor's method, not the model. */
function declaredIn(body: Node): Set<string> {
  const out = new Set<string>();
  for (const d of body.descendantsOfType('variable_declarator')) {
    const name = d?.childForFieldName('name');
    if (name?.type === 'identifier') out.add(name.text);
  }
  return out;
}

/** Whether `call` runs the model: a predict-like method of a name that is not an op namespace or a local, or a model-named callee. */
function isModelCall(call: Node, locals: ReadonlySet<string>, imports: ReadonlySet<string>): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return modelNamed.test(fn.text) && !locals.has(fn.text);
  if (fn?.type !== 'member_expression') return false;
  const object = fn.childForFieldName('object');
  const head = object?.text.split('.')[0] ?? '';
  return predicts.has(fn.childForFieldName('property')?.text ?? '') && !imports.has(head) && !locals.has(head);
}

/** Free names the arrow reads that are named like a target (`ys`, `labels`), first one first. */
function targetIn(body: Node, locals: ReadonlySet<string>): Node | undefined {
  return body.descendantsOfType('identifier').find((id): id is Node => !!id && !locals.has(id.text) && isTargetName(id.text) && id.parent?.type !== 'variable_declarator');
}

const param = (node: Node, name = node.text): ScriptParam => ({ name, node, variadic: false });

/** Calls that compare two tensors: `tf.sub(pred, x)`, `pred.sub(x)`, `tf.squaredDifference`, `tf.losses.*`, `tf.metrics.*`. */
const comparing = (fn: Node): boolean => /(^|\.)(sub|squaredDifference)$|(^|\.)(losses|metrics)\.\w+$/.test(fn.text);

/**
 * The data the arrow compares the prediction with when no name says target (`tf.sub(predicted, xNext)`,
 * `tf.losses.meanSquaredError(nextFrame, out)`): the free name beside the prediction in a comparing call.
 */
function comparedWith(body: Node, predName: string, locals: ReadonlySet<string>, imports: ReadonlySet<string>): Node | undefined {
  for (const call of body.descendantsOfType('call_expression')) {
    const fn = call?.childForFieldName('function');
    if (!call || !fn || !comparing(fn)) continue;
    const object = fn.type === 'member_expression' ? fn.childForFieldName('object') : null;
    const operands = [...(object && !imports.has(object.text.split('.')[0] ?? '') ? [object] : []), ...named(call.childForFieldName('arguments'))];
    if (!operands.some((o) => o.text === predName)) continue;
    const other = operands.find((o) => o.type === 'identifier' && o.text !== predName && !locals.has(o.text) && !imports.has(o.text));
    if (other) return other;
  }
  return undefined;
}

/**
 * `const ybOneHot = tf.oneHot(yb, p)` compared with the prediction (`softmaxCrossEntropy(ybOneHot, logits)`): the
 * target as the loss takes it, made in the arrow from data outside it. It is the target (its declaration left out,
 * like the prediction's), so the trial gives it in that form (one-hot classes), not the free names it is made of.
 */
function encodedTarget(body: Node, predName: string, locals: ReadonlySet<string>, imports: ReadonlySet<string>): { name: Node; declarator: Node } | undefined {
  for (const call of body.descendantsOfType('call_expression')) {
    const fn = call?.childForFieldName('function');
    if (!call || !fn || !comparing(fn)) continue;
    const operands = named(call.childForFieldName('arguments'));
    if (!operands.some((o) => o.text === predName)) continue;
    const local = operands.find((o) => o.type === 'identifier' && o.text !== predName && locals.has(o.text));
    const declarator = local ? body.descendantsOfType('variable_declarator').find((d) => d?.childForFieldName('name')?.text === local.text) : undefined;
    const value = declarator?.childForFieldName('value');
    const reads = value ? value.descendantsOfType('identifier').filter((id): id is Node => !!id && id.parent?.type !== 'member_expression') : [];
    const fromData = reads.some((id) => !locals.has(id.text) && !imports.has(id.text));
    if (declarator && fromData) return { name: declarator.childForFieldName('name') as Node, declarator };
  }
  return undefined;
}

/** Whether every read of `name` in `body` is inside `within`. */
function readsOnlyWithin(body: Node, name: string, within: Node): boolean {
  const inside = (n: Node) => n.startIndex >= within.startIndex && n.endIndex <= within.endIndex;
  return body.descendantsOfType('identifier').every((id) => !id || id.text !== name || inside(id));
}

/** The expression an arrow returns: its expression body, or its last `return`'s value (type casts unwrapped). */
function returnedBy(body: Node): Node | undefined {
  let value: Node | undefined = body.type === 'statement_block' ? named(named(body).filter((s) => s.type === 'return_statement').at(-1))[0] : body;
  while (value && (value.type === 'parenthesized_expression' || value.type === 'as_expression')) value = named(value)[0];
  return value;
}

/** `tf.tidy(() => …)` returned by the arrow: the inner arrow's body, which holds what the arrow computes. */
function tidyBody(value: Node | undefined): Node | undefined {
  if (value?.type !== 'call_expression' || !/^(tf\.)?tidy$/.test(value.childForFieldName('function')?.text ?? '')) return undefined;
  const inner = named(value.childForFieldName('arguments')).at(-1);
  return inner && functionLike.has(inner.type) ? (inner.childForFieldName('body') ?? undefined) : undefined;
}

/** The value a local of the arrow is declared with (`const loss = studentLoss(x, pred)`), the last declaration first. */
function localValue(body: Node, name: string): Node | undefined {
  const reassigned = body.descendantsOfType(['assignment_expression', 'augmented_assignment_expression']).some((a) => a?.childForFieldName('left')?.text === name);
  if (reassigned) return undefined;
  const decl = body.descendantsOfType('variable_declarator').filter((d): d is Node => d?.childForFieldName('name')?.text === name).at(-1);
  return unwrapped(decl?.childForFieldName('value') ?? null);
}

/**
 * `() => loss(model.predict(xs), ys)`, or `{ const pred = …; const l = loss(ys, pred); return l; }`: the arrow hands
 * the data to a loss function, which is the loss (its use); its returned value is that call, directly or through
 * the local it is held in.
 */
function delegates(body: Node): boolean {
  const tidied = tidyBody(returnedBy(body));
  if (tidied) return delegates(tidied);
  let value = returnedBy(body);
  if (value?.type === 'identifier' && body.type === 'statement_block') value = localValue(body, value.text);
  return value?.type === 'call_expression' && value.childForFieldName('function')?.type === 'identifier';
}

/**
 * An autoencoder's target: the model's input (an identifier), when the arrow also hands it to another call beside
 * the prediction (`meanSquaredError(batchTensor, recon)` with `recon` from `vae.forward(batchTensor, …)`).
 */
function comparedInput(model: Node, body: Node, predName: string): Node | undefined {
  const input = named(model.childForFieldName('arguments'))[0];
  if (input?.type !== 'identifier') return undefined;
  const compares = (c: Node | null): boolean => {
    const args = named(c?.childForFieldName('arguments')).map((a) => a.text);
    return !!c && c.id !== model.id && args.includes(input.text) && args.includes(predName);
  };
  return body.descendantsOfType('call_expression').some(compares) ? input : undefined;
}

/**
 * The names a model call's result is bound to: `pred`, `[recon, mu, logvar]` (the first is the prediction), or
 * `{ predicted, newMemory, surprise }` / `{ output: out, … }` (the one named like a prediction first, else as written).
 */
function boundOutputs(bound: Node): Node[] {
  if (bound.type === 'identifier') return [bound];
  if (bound.type === 'array_pattern') return named(bound).filter((n) => n.type === 'identifier');
  if (bound.type !== 'object_pattern') return [];
  const names = named(bound).flatMap((n) => {
    if (n.type === 'shorthand_property_identifier_pattern') return [n];
    const value = n.type === 'pair_pattern' ? n.childForFieldName('value') : null;
    return value?.type === 'identifier' ? [value] : [];
  });
  const pred = names.findIndex((n) => isPredictionName(n.text));
  return pred > 0 ? [names[pred]!, ...names.filter((_, i) => i !== pred)] : names;
}

/**
 * An encoder–decoder pair run in the arrow: `const [zMean, zLogVar] = encoder.predict(x); const out =
 * decoder.predict(zMean)`. The later model call fed an output of the first is the decoder: its declared result is
 * the prediction, and the encoder's outputs are tensors beside it (a VAE head's mean and log-variance).
 */
function decoderOf(later: readonly Node[], outputs: readonly Node[]): { name: Node; declarator: Node } | undefined {
  const fed = new Set(outputs.map((o) => o.text));
  for (const call of later) {
    const reads = named(call.childForFieldName('arguments')).some((a) => a.type === 'identifier' && fed.has(a.text));
    const declarator = declaratorOf(call);
    const name = declarator?.childForFieldName('name');
    if (reads && declarator && name?.type === 'identifier') return { name, declarator };
  }
  return undefined;
}

function minimizeLoss(call: Node, arrow: Node, imports: ReadonlySet<string>, nameNode = call.childForFieldName('function')?.childForFieldName('property')): ScriptLossDef | undefined {
  const body = arrow.childForFieldName('body');
  if (!body || !nameNode || delegates(body)) return undefined;
  const locals = declaredIn(body);
  const models = body.descendantsOfType('call_expression').filter((c): c is Node => !!c && isModelCall(c, locals, imports));
  const first = models[0];
  if (!first) return directLoss(call, arrow, nameNode);
  // `const pred = model.predict(xs)`: the declared name is the prediction and the declaration is left out;
  // `const [recon, mu, logvar] = vae.forward(x)`: the first is the prediction, the others extra tensors
  const declarator = declaratorOf(first);
  const bound = declarator?.childForFieldName('name');
  const outputs = bound ? boundOutputs(bound) : [];
  if (declarator && outputs.length === 0) return undefined;
  const decoder = decoderOf(models.slice(1), outputs);
  const predNode = decoder?.name ?? outputs[0] ?? first;
  const predName = declarator ? predNode.text : first.text.replace(/\s+/g, '');
  // a target-named free name read only to encode the target (`yb` of `tf.oneHot(yb, p)`): the encoded one is the target
  const named = targetIn(body, locals);
  const encodedFirst = named ? encodedTarget(body, predName, locals, imports) : undefined;
  const onlyEncodes = !!named && !!encodedFirst && readsOnlyWithin(body, named.text, encodedFirst.declarator);
  const found = (onlyEncodes ? undefined : named) ?? comparedInput(first, body, predName) ?? comparedWith(body, predName, locals, imports);
  const encoded = found ? undefined : (encodedFirst ?? encodedTarget(body, predName, locals, imports));
  const target = found ?? encoded?.name;
  const extras = decoder ? outputs : outputs.slice(1);
  const params = [param(predNode, predName), ...extras.map((n) => param(n)), ...(target ? [param(target)] : [])];
  let stmt: Node = call;
  while (stmt.parent && stmt.parent.type !== 'statement_block' && stmt.parent.type !== 'program') stmt = stmt.parent;
  return {
    kind: 'inline', name: nameNode.text, nameNode, defNode: stmt, fn: arrow, params, outerParams: [], outerStatements: [], bindNames: [],
    roles: { yTrue: target?.text ?? '', yPred: predName },
    ...(declarator ? { skipped: [declarator, ...(decoder ? [decoder.declarator] : []), ...(encoded ? [encoded.declarator] : [])] } : { forwardCalls: models.map((node) => ({ node, name: predName })) }),
  };
}

/** `tf.variable(…)`, `tf.scalar(0.5).variable()`: a tensor made to be optimised. */
const makesVariable = (value: Node | null | undefined): boolean => value?.type === 'call_expression' && /(^tf\.variable|\.variable)$/.test(value.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '');

/**
 * The variable a closure with no model optimises directly (`const image = tf.variable(…)` read in
 * `tf.variableGrads(() => …)`, a feature visualisation; a point or weights fitted under penalties): the first name
 * the closure reads that is declared above the call as a variable, in a block that holds the call.
 */
function optimisedVariable(call: Node, arrow: Node): Node | undefined {
  let root: Node = call;
  while (root.parent) root = root.parent;
  const inBlockOfCall = (n: Node, block: Node | null | undefined) => !!block && n.startIndex < call.startIndex && block.startIndex <= call.startIndex && call.endIndex <= block.endIndex;
  const declared = root
    .descendantsOfType('variable_declarator')
    .filter((d): d is Node => !!d && inBlockOfCall(d, d.parent?.parent) && makesVariable(unwrapped(d.childForFieldName('value'))))
    .map((d) => d.childForFieldName('name')?.text);
  // `userFactors = tf.variable(…)` into a module's `let` (a model kept between calls), in the block of the call
  const assigned = root
    .descendantsOfType('assignment_expression')
    .filter((a): a is Node => !!a && a.childForFieldName('left')?.type === 'identifier' && inBlockOfCall(a, a.parent?.parent) && makesVariable(unwrapped(a.childForFieldName('right'))))
    .map((a) => a.childForFieldName('left')?.text);
  const variables = new Set([...declared, ...assigned, ...moduleVariables(root)]);
  return arrow.descendantsOfType('identifier').find((id): id is Node => !!id && variables.has(id.text));
}

/**
 * Module state set up by another function (`let weights: tf.Variable | null = null;` at the top, `weights =
 * tf.variable(…)` in a `reset()`/`init()` the script calls): a name declared at the module's top level and assigned
 * a variable anywhere in the file is one the module's training closures optimise.
 */
function moduleVariables(root: Node): string[] {
  const topLevel = new Set(
    named(root)
      .map((s) => (s.type === 'export_statement' ? named(s)[0] : s))
      .filter((s): s is Node => s?.type === 'lexical_declaration' || s?.type === 'variable_declaration')
      .flatMap((s) => named(s).filter((d) => d.type === 'variable_declarator').map((d) => d.childForFieldName('name')?.text ?? '')),
  );
  return root
    .descendantsOfType('assignment_expression')
    .filter((a): a is Node => !!a && a.childForFieldName('left')?.type === 'identifier' && topLevel.has(a.childForFieldName('left')?.text ?? '') && makesVariable(unwrapped(a.childForFieldName('right'))))
    .map((a) => a.childForFieldName('left')?.text ?? '');
}

/** A closure with no model that optimises a variable directly: that variable is the prediction, there is no target. */
function directLoss(call: Node, arrow: Node, nameNode: Node): ScriptLossDef | undefined {
  const pred = optimisedVariable(call, arrow);
  if (!pred) return undefined;
  let stmt: Node = call;
  while (stmt.parent && stmt.parent.type !== 'statement_block' && stmt.parent.type !== 'program') stmt = stmt.parent;
  return { kind: 'inline', name: nameNode.text, nameNode, defNode: stmt, fn: arrow, params: [param(pred)], outerParams: [], outerStatements: [], bindNames: [], roles: { yTrue: '', yPred: pred.text }, optimisedDirectly: true };
}

/** Wrappers of a value that keep it (`model.predict(xs) as tf.Tensor`, `await`, `!`, parentheses). */
const valueWrappers: ReadonlySet<string> = new Set(['as_expression', 'satisfies_expression', 'non_null_expression', 'parenthesized_expression', 'await_expression', 'type_assertion']);

/** The declarator a call's value is held in, through TS casts: `const pred = model.predict(xs) as tf.Tensor`. */
function declaratorOf(call: Node): Node | undefined {
  let n: Node = call;
  while (n.parent && valueWrappers.has(n.parent.type)) n = n.parent;
  return n.parent?.type === 'variable_declarator' && n.parent.childForFieldName('value')?.id === n.id ? n.parent : undefined;
}

const unwrapped = (n: Node | null): Node | undefined => (n?.type === 'parenthesized_expression' ? unwrapped(named(n)[0] ?? null) : (n ?? undefined));

/**
 * `const lossFn = () => {…}; optimizer.minimize(lossFn, true, varList)`: the arrow declared under that name before
 * the call, in a block that holds the call (the training function's, a `tf.tidy` arrow's), the last one first.
 */
function arrowNamed(id: Node, top: Node): Node | undefined {
  const found = top.descendantsOfType('variable_declarator').filter((d): d is Node => {
    if (!d || d.childForFieldName('name')?.text !== id.text || d.startIndex >= id.startIndex) return false;
    const block = d.parent?.parent;
    return !!block && block.startIndex <= id.startIndex && id.endIndex <= block.endIndex && functionLike.has(unwrapped(d.childForFieldName('value'))?.type ?? '');
  });
  return found.at(-1);
}

/**
 * What differentiates a closure's value: `optimizer.minimize(() => …)`, and `tf.variableGrads(() => …)` /
 * `tf.valueAndGrads`-style calls whose gradients the code applies itself (`opt.applyGradients(grads)`).
 */
const differentiates: ReadonlySet<string> = new Set(['minimize', 'variableGrads']);
export const differentiatesText = /\.(minimize|variableGrads)\(/;

/** Every `X.minimize(() => …)` / `tf.variableGrads(() => …)` (or with `lossFn` an arrow above) under a top-level statement whose arrow returns a loss. */
export function minimizeLosses(top: Node): ScriptLossDef[] {
  if (!differentiatesText.test(top.text)) return [];
  let root = top;
  while (root.parent) root = root.parent;
  const imports = new Set(['tf', ...readScriptImports(root).keys()]);
  const out: ScriptLossDef[] = [];
  for (const call of top.descendantsOfType('call_expression')) {
    const fn = call?.childForFieldName('function');
    if (!call || fn?.type !== 'member_expression' || !differentiates.has(fn.childForFieldName('property')?.text ?? '')) continue;
    const given = named(call.childForFieldName('arguments'))[0];
    const forwarded = given ? forwardedVariableLoss(call, given, top) : undefined;
    if (forwarded) {
      out.push(forwarded);
      continue;
    }
    const method = given ? calledOwnMethod(given) : undefined;
    const fromMethod = method ? minimizeLoss(call, method, imports, method.childForFieldName('name') ?? undefined) : undefined;
    if (fromMethod && method) {
      out.push({ ...fromMethod, defNode: method });
      continue;
    }
    const declared = given?.type === 'identifier' ? arrowNamed(given, top) : undefined;
    const arrow = declared ? unwrapped(declared.childForFieldName('value')) : given;
    if (!arrow || !functionLike.has(arrow.type) || named(arrow.childForFieldName('parameters')).length > 0) continue;
    const def = minimizeLoss(call, arrow, imports, declared?.childForFieldName('name') ?? undefined);
    if (def) out.push(def);
  }
  return out;
}

/**
 * `opt.minimize(() => this.loss().total, false, [this.X, this.Y])`: a closure that only calls a method of its own
 * class with no arguments (a field or an item of its value taken, returnedItem.ts) hands the loss to that method,
 * which computes it from the object's state (a recommender's factor matrices): the method is the loss, read as the
 * closure would be. Its `method_definition`, when the class has one taking no parameters.
 */
function calledOwnMethod(given: Node): Node | undefined {
  if (!functionLike.has(given.type) || named(given.childForFieldName('parameters')).length > 0) return undefined;
  const body = given.childForFieldName('body');
  let value = castInner(body?.type === 'statement_block' ? returnedBy(body) : body);
  while (value && (value.type === 'member_expression' || value.type === 'subscript_expression')) value = castInner(value.childForFieldName('object'));
  const fn = value?.type === 'call_expression' && named(value.childForFieldName('arguments')).length === 0 ? value.childForFieldName('function') : undefined;
  if (fn?.type !== 'member_expression' || fn.childForFieldName('object')?.type !== 'this') return undefined;
  const name = fn.childForFieldName('property')?.text;
  let cls: Node | null = given.parent;
  while (cls && cls.type !== 'class_body') cls = cls.parent;
  const method = named(cls).find((m) => m.type === 'method_definition' && m.childForFieldName('name')?.text === name);
  return method && named(method.childForFieldName('parameters')).length === 0 ? method : undefined;
}

/** What a closure returns through TS casts and parentheses (`lossFn(w) as tf.Scalar`). */
function castInner(n: Node | null | undefined): Node | undefined {
  let cur = n ?? undefined;
  while (cur && valueWrappers.has(cur.type)) cur = named(cur)[0];
  return cur;
}

/** A parameter's own name node: a JS identifier, or a TS `required_parameter`'s pattern. */
const paramName = (p: Node): Node | undefined => (p.type === 'identifier' ? p : (p.childForFieldName('pattern') ?? undefined));

/**
 * `opt.minimize(() => lossFn(w) as tf.Scalar)` with `const lossFn = (weights) => {…}` declared above it and `w` a
 * `tf.variable`: the closure only hands the optimised variable to the named arrow, which is the loss (named by it),
 * its parameter that receives the variable the prediction, optimised directly.
 */
function forwardedVariableLoss(call: Node, given: Node, top: Node): ScriptLossDef | undefined {
  if (!functionLike.has(given.type) || named(given.childForFieldName('parameters')).length > 0) return undefined;
  const body = given.childForFieldName('body');
  const forwarding = castInner(body?.type === 'statement_block' ? returnedBy(body) : body);
  const callee = forwarding?.type === 'call_expression' ? forwarding.childForFieldName('function') : undefined;
  const declared = callee?.type === 'identifier' ? arrowNamed(callee, top) : undefined;
  const loss = declared ? unwrapped(declared.childForFieldName('value')) : undefined;
  const variable = optimisedVariable(call, given);
  const nameNode = declared?.childForFieldName('name');
  if (!forwarding || !loss || !functionLike.has(loss.type) || !variable || !nameNode) return undefined;
  const at = named(forwarding.childForFieldName('arguments')).findIndex((a) => a.text === variable.text);
  const pred = at >= 0 ? paramName(named(loss.childForFieldName('parameters'))[at] as Node) : undefined;
  if (pred?.type !== 'identifier') return undefined;
  let stmt: Node = call;
  while (stmt.parent && stmt.parent.type !== 'statement_block' && stmt.parent.type !== 'program') stmt = stmt.parent;
  return { kind: 'inline', name: nameNode.text, nameNode, defNode: stmt, fn: loss, params: [param(pred)], outerParams: [], outerStatements: [], bindNames: [], roles: { yTrue: '', yPred: pred.text }, optimisedDirectly: true };
}
