// Losses with no function of their own, written where training happens: a PyTorch loop (`loss = criterion(out, y)
// + lam * reg` then `loss.backward()`), a Lightning `training_step` returning the loss (or a dict with 'loss'), a
// Keras `train_step` differentiating it under `GradientTape`, `self.add_loss(…)` / `model.add_loss(…)`.
// Each is read like a function body: the statements on the way to the anchor (the `.backward()`, the `return`, the
// `tape.gradient`) in order, with the model's forward pass (`out = model(x)`) left out so its names stay the
// prediction and the extra tensors instead of being inlined as an unknown call.
import type { Node } from 'web-tree-sitter';
import { isTargetName } from '../terms/roles';
import type { ParamInfo } from './params';
import { isTrivia } from './trivia';

export interface InlineSpec {
  /** The statements read in order: those before the anchor in each enclosing block, outermost first. */
  statements: Node[];
  /** The local that holds the loss at the anchor (`loss` of `loss.backward()`). */
  lossVar?: string;
  /** Or the expression that is the loss (`self.add_loss(expr)`, `return {'loss': expr}`). */
  valueNode?: Node;
}

export interface InlineFound {
  spec: InlineSpec;
  /** The prediction first, then extra tensors of the forward pass (`recon, mu, logvar = model(x)`), then the target. */
  params: ParamInfo[];
  yPred: string;
  yTrue: string;
  /** Where the loss is named (the `loss` of `loss = …`, else the anchor). */
  nameNode: Node;
  anchor: Node;
}

/** Callees that run the model being trained: its output is the prediction (`out = model(x)`, `logits = self(x)`). */
const forwardCallee = /^(self|self\.(forward|model|net|network|module|backbone)|model|net|network|[\w.]*[._](model|net)|\w*(model|net))$/;
/** Names of a batch being unpacked (`x, y = batch`). */
const batchName = /^(batch|data|sample|samples|inputs_and_targets|train_batch|item|(\w+_)?batch)$/;

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && !isTrivia(c));
const identifiersIn = (pattern: Node): Node[] => (pattern.type === 'identifier' ? [pattern] : named(pattern).flatMap(identifiersIn));

/** The identifiers a forward pass binds (`out = model(x)`, `recon, mu, logvar = self(x)`), else undefined. */
function forwardPass(stmt: Node): Node[] | undefined {
  const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  if (a?.type !== 'assignment') return undefined;
  const right = a.childForFieldName('right');
  const fn = right?.type === 'call' ? right.childForFieldName('function') : undefined;
  if (!fn || !forwardCallee.test(fn.text.replace(/\s+/g, ''))) return undefined;
  const left = a.childForFieldName('left');
  return left ? identifiersIn(left) : undefined;
}

/** `x, y = batch` / `inputs, labels = data` / `xb, yb = next(it)`: the unpacked identifiers. */
function batchUnpack(stmt: Node): Node[] | undefined {
  const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
  const right = a?.childForFieldName('right');
  if (!left || !right || left.type === 'identifier') return undefined;
  const fromBatch = right.type === 'identifier' ? batchName.test(right.text) : right.type === 'call' && /^next\b/.test(right.text);
  if (!fromBatch) return undefined;
  return identifiersIn(left);
}

/** The statements before `stmt` in each block between `container` and it, outermost first; the loop headers passed. */
function pathTo(stmt: Node, container: Node): { statements: Node[]; loops: Node[] } {
  const levels: Node[][] = [];
  const loops: Node[] = [];
  let cur: Node | null = stmt;
  while (cur && cur.id !== container.id) {
    const parent: Node | null = cur.parent;
    if (!parent) break;
    if (parent.type === 'block' || parent.type === 'module') {
      const siblings = named(parent);
      levels.unshift(siblings.slice(0, siblings.findIndex((s) => s.id === (cur as Node).id)));
    }
    if (parent.type === 'for_statement') loops.push(parent);
    cur = parent;
  }
  return { statements: levels.flat(), loops };
}

/** `with tf.GradientTape() as tape:` / `try:` before the anchor: their statements run in line, so they are read so. */
function openBlocks(stmt: Node): Node[] {
  if (stmt.type !== 'with_statement' && stmt.type !== 'try_statement') return [stmt];
  return named(stmt.childForFieldName('body')).flatMap(openBlocks);
}

/**
 * A script's loop reads what the module set up before it: the `criterion = nn.MSELoss()` and the like
 * (assignments of a call, at most `PREAMBLE_MAX` statements back).
 */
const PREAMBLE_MAX = 100;
export function modulePreamble(top: Node): Node[] {
  const out: Node[] = [];
  for (let s = top.previousNamedSibling; s && out.length < PREAMBLE_MAX; s = s.previousNamedSibling) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    if (a?.type === 'assignment' && a.childForFieldName('right')?.type === 'call') out.unshift(s);
  }
  return out;
}

/** The target among unpacked names: one named like a target, else the last of an `x, y` pair. */
function pickTarget(unpacked: Node[][]): Node | undefined {
  const all = unpacked.flat();
  return all.find((n) => isTargetName(n.text)) ?? unpacked.find((ids) => ids.length >= 2)?.at(-1);
}

const param = (node: Node): ParamInfo => ({ name: node.text, node, variadic: false });

/**
 * An inline loss reaching `anchor` (a statement inside `container`): the forward pass gives the prediction and extra
 * tensors, an unpacked batch or loop variable the target. Undefined when no prediction can be told.
 */
export function inlineLoss(anchor: Node, container: Node, value: { lossVar?: string; valueNode?: Node }, fallbackPred?: Node, preamble: Node[] = []): InlineFound | undefined {
  const path = pathTo(anchor, container);
  const statements = [...preamble, ...path.statements];
  const loops = path.loops;
  const forward: Node[] = [];
  const unpacked: Node[][] = [];
  const kept: Node[] = [];
  for (const s of statements.flatMap(openBlocks)) {
    const bound = forwardPass(s);
    if (bound) {
      forward.splice(0, forward.length, ...bound);
      continue; // left out: its names stay the prediction and the extra tensors
    }
    const batch = batchUnpack(s);
    if (batch) unpacked.push(batch); // left out too: its names stay the input and the target
    else kept.push(s);
  }
  for (const loop of loops) {
    const left = loop.childForFieldName('left');
    if (left && left.type !== 'identifier') unpacked.push(identifiersIn(left));
  }
  const pred = forward[0] ?? fallbackPred;
  if (!pred) return undefined;
  const target = pickTarget(unpacked);
  const lossNode = value.lossVar ? lastAssignmentOf(kept, value.lossVar) : undefined;
  const params = [param(pred), ...forward.slice(1).map(param)];
  if (target && target.text !== pred.text) params.push(param(target));
  return {
    spec: { statements: kept, ...value },
    params,
    yPred: pred.text,
    yTrue: target?.text ?? '',
    nameNode: lossNode ?? anchor,
    anchor,
  };
}

/** The left-hand identifier of the last `name = …` / `name += …` among `stmts` (where the loss is named). */
function lastAssignmentOf(stmts: Node[], name: string): Node | undefined {
  for (let i = stmts.length - 1; i >= 0; i--) {
    for (const a of stmts[i].descendantsOfType(['assignment', 'augmented_assignment'])) {
      const left = a?.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name) return left;
    }
  }
  return undefined;
}

/** Every `X.backward()` under `node` whose X is a name (or `scaler.scale(X)`): the statement and the loss's name. */
export function backwardCalls(node: Node): { stmt: Node; lossVar: string }[] {
  const out: { stmt: Node; lossVar: string }[] = [];
  for (const call of node.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'backward') continue;
    let obj = fn.childForFieldName('object');
    if (obj?.type === 'call') obj = named(obj.childForFieldName('arguments'))[0] ?? null; // scaler.scale(loss)
    const stmt = call?.parent;
    if (obj?.type === 'identifier' && stmt?.type === 'expression_statement') out.push({ stmt, lossVar: obj.text });
  }
  return out;
}

/** What differentiates a loss in a Keras train_step: `tape.gradient(loss, …)`, `optimizer.minimize(loss, …, tape=tape)`. */
const differentiates: ReadonlySet<string> = new Set(['gradient', 'minimize']);

/** `tape.gradient(loss, …)` (or `.minimize(loss, …)`) under `node`: the statement holding it and the loss's name. */
export function tapeGradient(node: Node): { stmt: Node; lossVar: string } | undefined {
  for (const call of node.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    if (fn?.type !== 'attribute' || !differentiates.has(fn.childForFieldName('attribute')?.text ?? '')) continue;
    const first = named(call?.childForFieldName('arguments'))[0];
    let stmt: Node | null = call?.parent ?? null;
    while (stmt && stmt.type !== 'expression_statement') stmt = stmt.parent;
    if (first?.type === 'identifier' && stmt) return { stmt, lossVar: first.text };
  }
  return undefined;
}

/** `self.add_loss(expr)` / `model.add_loss(expr)` statements under `node`, with the expression. */
export function addLossCalls(node: Node): { stmt: Node; value: Node }[] {
  const out: { stmt: Node; value: Node }[] = [];
  for (const call of node.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'add_loss') continue;
    let value: Node | undefined = named(call?.childForFieldName('arguments'))[0];
    if (value?.type === 'lambda') value = value.childForFieldName('body') ?? undefined; // model.add_loss(lambda: …)
    const stmt = call?.parent;
    if (value && stmt?.type === 'expression_statement') out.push({ stmt, value });
  }
  return out;
}

/** The value a `return` statement gives the trainer: the expression, or a returned dict's 'loss' entry. */
export function returnedLoss(ret: Node): Node | undefined {
  const value = named(ret)[0];
  if (value?.type !== 'dictionary') return value;
  for (const pair of named(value)) {
    const key = pair.childForFieldName('key');
    if (pair.type === 'pair' && key?.type === 'string' && /^['"]loss['"]$/.test(key.text)) return pair.childForFieldName('value') ?? undefined;
  }
  return undefined;
}
