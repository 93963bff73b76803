// Losses with no function of their own, written where training happens: a PyTorch loop (`loss = criterion(out, y)
// + lam * reg` then `loss.backward()`), a Lightning `training_step` returning the loss (or a dict with 'loss'), a
// Keras `train_step` differentiating it under `GradientTape`, `self.add_loss(…)` / `model.add_loss(…)`.
// Each is read like a function body: the statements on the way to the anchor (the `.backward()`, the `return`, the
// `tape.gradient`) in order, with the model's forward pass (`out = model(x)`) left out so its names stay the
// prediction and the extra tensors instead of being inlined as an unknown call.
import type { Node } from 'web-tree-sitter';
import { isTargetName } from '../terms/roles';
import { parsesFlags } from './argparse';
import { criterionComparedOutput } from './criterionOutput';
import { buildsCallable, chainRoot, type FileNames, type Flow, fileNamesAt, fromBatch, modelCallOf, modelCallsIn, modelNamed, namedChildren, namesRead } from './forward';
import { cutByIndex, indexCut, indexVariables } from './indexBatches';
import { convertsOwnData, ownDataParams } from './ownData';
import { passedAs } from './passedAs';
import { type ParamInfo, readParams } from './params';

export interface InlineSpec {
  /** The statements read in order: those before the anchor in each enclosing block, outermost first. */
  statements: Node[];
  /** The local that holds the loss at the anchor (`loss` of `loss.backward()`). */
  lossVar?: string;
  /** Or the expression that is the loss (`self.add_loss(expr)`, `return {'loss': expr}`). */
  valueNode?: Node;
  /** The name of what computes `valueNode` when it has one (a function passed to `add_loss` by name): the term's name. */
  valueLabel?: string;
  /**
   * Nodes that read as a name of the loss (Scope.forwardCalls): calls that run the model inside the statements read
   * (`criterion(model(xb), yb)`) as the prediction, and targets cut in place by a loop's index as the target.
   */
  forwardCalls?: { node: Node; name: string }[];
  /**
   * A step's helper method read as the step (selfCalls.ts): its other parameters, bound to what the step passes; a
   * training function's settings parameter, bound to the module name the script passes (`moduleName`: read at module
   * level, where `cfg` is the script's `cfg` even when the parameter has that name).
   */
  bound?: { name: string; node: Node; moduleName?: boolean }[];
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

/** Names of a batch being unpacked (`x, y = batch`). */
const batchName = /^(batch|data|sample|samples|inputs_and_targets|train_batch|item|(\w+_)?batch)$/;
export const isBatchName = (name: string): boolean => batchName.test(name);

const named = namedChildren;
const identifiersIn = (pattern: Node): Node[] => (pattern.type === 'identifier' ? [pattern] : named(pattern).flatMap(identifiersIn));
/** `_`, `__`: a name that discards what it is given. */
const discarded = (n: Node): boolean => /^_+$/.test(n.text);

function assignmentOf(stmt: Node): { left: Node; right: Node } | undefined {
  const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
  const right = a?.childForFieldName('right');
  return left && right ? { left, right } : undefined;
}

/** `x, y = batch` / `inputs, labels = data` / `xb, yb = next(it)` / `x = batch["image"]`: the identifiers bound. */
function batchUnpack(stmt: Node, batch: ReadonlySet<string>): Node[] | undefined {
  const a = assignmentOf(stmt);
  if (!a) return undefined;
  if (a.left.type !== 'identifier') {
    const fromName = a.right.type === 'identifier' ? batchName.test(a.right.text) || batch.has(a.right.text) : a.right.type === 'call' && /^next\b/.test(a.right.text);
    if (fromName || fromBatch(a.right, batch)) return identifiersIn(a.left);
    return undefined;
  }
  return fromBatch(a.right, batch) ? [a.left] : undefined;
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
    const right = a?.type === 'assignment' ? a.childForFieldName('right') : null;
    if (right?.type === 'call' && !parsesFlags(right)) out.unshift(s);
  }
  return out;
}

/** A script with no loop (`y_pred = model(x)`, `loss = …`, `loss.backward()`): the assignments above, in order. */
export function moduleStatementsAbove(top: Node): Node[] {
  const out: Node[] = [];
  for (let s = top.previousNamedSibling; s && out.length < PREAMBLE_MAX; s = s.previousNamedSibling) {
    const a = assignmentOf(s);
    if (a && !parsesFlags(a.right)) out.unshift(s);
  }
  return out;
}

/**
 * `x = ring_samples(256)`: a function of the file that returns what a data source makes (`torch.rand`, `np.random…`)
 * from its own arguments only, so it samples data rather than computes from the model's tensors.
 */
function samplingHelper(call: Node): boolean {
  const name = call.childForFieldName('function');
  if (name?.type !== 'identifier') return false;
  let root: Node = call;
  while (root.parent) root = root.parent;
  const def = named(root).map((n) => (n.type === 'decorated_definition' ? n.childForFieldName('definition') : n)).find((n) => n?.type === 'function_definition' && n.childForFieldName('name')?.text === name.text);
  const body = def?.childForFieldName('body');
  if (!body) return false;
  const sources = body.descendantsOfType('call').filter((c) => dataSource.test(c?.childForFieldName('function')?.text.replace(/\s+/g, '') ?? ''));
  const params = readParams(def?.childForFieldName('parameters') ?? null).map((p) => p.name);
  // handed no prediction or model (a size, a seed): what it returns is sampled, not computed from the model
  return sources.length > 0 && params.every((p) => !/^(y_?pred|pred|output|out|logits|model|net)$/.test(p));
}

/** Calls that make data rather than compute from it (`x = torch.randn(8, 10)`, `y = np.load(…)`): a script's batch. */
const dataSource = /^(torch\.(randn|rand|randint|tensor|from_numpy|load|zeros|ones|linspace|arange)|np\.[\w.]+|numpy\.[\w.]+|Variable|([\w.]+\.)?Input)$/;
/** Names a script gives its data: the input (`x`, `inputs`, `X_train`) or a target (`y`, `labels`). */
const dataName = (name: string): boolean => isTargetName(name) || /^(x|xs|x_\w+|X\w*|inputs?|inp|images?|features)$/.test(name);
function makesData(right: Node): boolean {
  let cur: Node | null = right;
  while (cur?.type === 'call' || cur?.type === 'attribute') {
    if (cur.type === 'call' && dataSource.test(cur.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '')) return true;
    if (cur.type === 'call' && samplingHelper(cur)) return true;
    cur = cur.type === 'call' ? cur.childForFieldName('function') : cur.childForFieldName('object');
  }
  return false;
}

/** The target among unpacked names: one named like a target, else the last of an `x, y` pair (not `_`, not fed to the model). */
function pickTarget(unpacked: Node[][], fedToModel: ReadonlySet<string>): Node | undefined {
  const all = unpacked.flat().filter((n) => !discarded(n));
  const last = unpacked.map((ids) => ids.filter((n) => !discarded(n))).find((ids) => ids.length >= 2)?.at(-1);
  return all.find((n) => isTargetName(n.text)) ?? (last && !fedToModel.has(last.text) ? last : undefined);
}

/** The batch's names a loop binds (`for x, y in loader`, `for batch in loader`); none for `for epoch in range(n)`. */
function loopBatchNames(loop: Node): Node[] {
  const left = loop.childForFieldName('left');
  const right = loop.childForFieldName('right');
  if (!left || (right?.type === 'call' && right.childForFieldName('function')?.text === 'range')) return [];
  return identifiersIn(left).filter((n) => !discarded(n));
}

const param = (node: Node, name = node.text): ParamInfo => ({ name, node, variadic: false });

/** What walking the statements to the anchor found: the model's outputs, the batch's names, the statements kept. */
interface Walk {
  /** Each forward pass's bound names, in order (`z_mean, z_log_var, z = self.encoder(x)`, then `recon = self.decoder(z)`). */
  outputs: Node[][];
  /** Model calls inside kept statements (`F.cross_entropy(model(xb), yb)`): each read as the prediction. */
  nested: Node[];
  unpacked: Node[][];
  kept: Node[];
  /** Batch names the model was given. */
  fed: Set<string>;
  /** The names the model is called through (`clf` of `clf(xb)`). */
  models: Set<string>;
}

function walk(statements: Node[], batch: Set<string>, unpacked: Node[][], preamble: ReadonlySet<Node>, names: FileNames, script: boolean, index: Set<string> = new Set(), fnParams: ReadonlySet<string> = new Set()): Walk {
  const w: Walk = { outputs: [], nested: [], unpacked, kept: [], fed: new Set(), models: new Set() };
  // a script's module-level data is its batch only where no loop or step parameter gives one (`for x, y in ds:`)
  const scriptData = script && batch.size === 0;
  // so is a full-batch training function's own data, its arrays made tensors (`x = torch.tensor(scaled)`)
  const functionData = !script && batch.size === 0 && fnParams.size > 0;
  const outputs = new Set<string>();
  const locals = new Set<string>();
  const flow = (): Flow => {
    const target = pickTarget(w.unpacked, w.fed)?.text;
    return { batch, outputs, locals, ...(target !== undefined ? { target } : {}) };
  };
  for (const s of statements) {
    const a = assignmentOf(s);
    const call = a ? modelCallOf(a.right, flow(), names) : undefined;
    if (a && call) {
      w.models.add(chainRoot(call.childForFieldName('function') ?? call)?.text ?? '');
      const bound = identifiersIn(a.left);
      for (const n of namesRead(call.childForFieldName('arguments') ?? call)) if (batch.has(n)) w.fed.add(n);
      w.outputs.push(bound);
      for (const b of bound) outputs.add(b.text);
      continue; // left out: its names stay the prediction and the extra tensors
    }
    // a script's data (`x = torch.randn(8, 10)`) is its batch; a target-named one (`y`) is the target
    // (an object's kept samples only under a data name: `y = torch.tensor(self.history_r)`, not `w = torch.tensor(self.class_w)`)
    const own = functionData && a?.left.type === 'identifier' && convertsOwnData(a.right, fnParams, dataName(a.left.text));
    const made = a?.left.type === 'identifier' && ((scriptData && dataName(a.left.text) && makesData(a.right)) || own) ? [a.left] : undefined;
    const unpackedHere = made ?? (preamble.has(s) ? undefined : (batchUnpack(s, batch) ?? cutByIndex(s, index)));
    if (unpackedHere) {
      w.unpacked.push(unpackedHere); // left out too: its names stay the input and the target
      for (const n of unpackedHere) batch.add(n.text);
      continue;
    }
    // `l1_lambda = 1e-5` above a script's backward is a module constant: it stays a name (a parameter λ write-back edits)
    if (script && a?.left.type === 'identifier' && /^-?\s*[\d.]/.test(a.right.text) && ['integer', 'float', 'unary_operator'].includes(a.right.type)) continue;
    w.kept.push(s);
    if (!preamble.has(s)) {
      for (const c of modelCallsIn(s, flow(), names)) {
        w.nested.push(c);
        w.models.add(chainRoot(c.childForFieldName('function') ?? c)?.text ?? '');
        for (const n of namesRead(c.childForFieldName('arguments') ?? c)) if (batch.has(n)) w.fed.add(n);
      }
    }
    if (a && !buildsCallable(a.right)) for (const id of identifiersIn(a.left)) locals.add(id.text);
  }
  // `model = nn.Sequential(…)` above the loop builds the model the trainer replaces: read no further than its name.
  // A compound statement that reads the model is kept: `for p in net.parameters(): l2 += p.norm()` in a script is a
  // penalty's accumulation, not the model's making.
  // (`loss += sum(model.losses)` reads the model: an augmented assignment binds only its left side)
  const augmented = (s: Node) => (s.namedChild(0)?.type === 'augmented_assignment' ? s.namedChild(0)?.childForFieldName('left') : undefined) ?? undefined;
  const makesModel = (s: Node) => s.type === 'expression_statement' && identifiersIn(assignmentOf(s)?.left ?? augmented(s) ?? s).some((id) => w.models.has(id.text));
  // Built inside the loop's own function or `if __name__ == '__main__':` block (`model = TinyNet()` beside the loop),
  // a constructor call that makes the model is its making too, wherever it stands.
  const constructs = (s: Node) => buildsCallable(assignmentOf(s)?.right ?? s);
  w.kept = w.kept.filter((s) => !(preamble.has(s) || script || constructs(s)) || !makesModel(s));
  return w;
}

/**
 * With no target from a batch (a PINN's full-batch loop: `data_term = criterion(u_obs, u_fit)` beside a physics
 * residual on another forward pass; a full-batch function's `parts(net(features), labels, weight=W)`), the forward
 * pass that a two-tensor call compares with a name no forward pass produced (observed data) is the prediction, and
 * that name the target: the term fitting the data is the base.
 */
function comparedWithData(w: Walk): { pred: Node; target: string } | undefined {
  const firsts = new Map(w.outputs.flatMap((o) => (o[0] ? [[o[0].text, o[0]] as const] : [])));
  const fromModel = new Set(w.outputs.flat().map((n) => n.text));
  for (const s of w.kept) {
    const a = assignmentOf(s);
    if (a && namesRead(a.right).some((n) => fromModel.has(n))) for (const id of identifiersIn(a.left)) fromModel.add(id.text);
  }
  for (const s of w.kept) {
    for (const cmp of s.descendantsOfType(['call', 'binary_operator'])) {
      const args = compared(cmp as Node);
      if (args.length !== 2 || args.some((n) => n.type !== 'identifier')) continue;
      const [a, b] = args as [Node, Node];
      const pred = firsts.get(a.text) ?? firsts.get(b.text);
      const other = firsts.has(a.text) ? b : a;
      if (pred && !fromModel.has(other.text)) return { pred, target: other.text };
    }
  }
  return undefined;
}

/**
 * The script's data cut by the loop's index in place (`criterion(pred, maps[i:i + 40])`) that the kept statements
 * compare with the prediction: the batch's target, named after the data (`maps`), read wherever the same cut is.
 */
function cutComparedWith(w: Walk, predName: string, index: ReadonlySet<string>): { name: string; node: Node; reads: Node[] } | undefined {
  if (index.size === 0) return undefined;
  for (const s of w.kept) {
    for (const cmp of s.descendantsOfType(['call', 'binary_operator'])) {
      const args = compared(cmp as Node);
      if (args.length !== 2 || !args.some((a) => a.text === predName)) continue;
      const other = args.find((a) => a.text !== predName);
      const node = other ? indexCut(other, index) : undefined;
      const name = node ? chainRoot(node)?.text : undefined;
      if (!node || !name || name === predName) continue;
      const reads = w.kept.flatMap((k) => k.descendantsOfType(node.type).filter((n): n is Node => !!n && n.text === node.text));
      return { name, node, reads };
    }
  }
  return undefined;
}

/**
 * What a call or a difference compares: a call's tensors (settings passed by keyword, `balance_weight=W`, are not
 * one of them), or the two sides of `y - y_hat`.
 */
function compared(n: Node): Node[] {
  if (n.type === 'binary_operator') return n.childForFieldName('operator')?.text === '-' ? [n.childForFieldName('left'), n.childForFieldName('right')].filter((c): c is Node => !!c) : [];
  return named(n.childForFieldName('arguments') ?? n).filter((c) => c.type !== 'comment' && c.type !== 'keyword_argument');
}

/**
 * With no batch (a full-batch script: `loss = loss_func(model(images), labels)`), the name a two-argument call
 * compares the model's call with is the target, as `comparedWithData` reads it for a named forward output.
 */
function comparedWithNested(w: Walk): string | undefined {
  const nested = new Set(w.nested.map((c) => c.id));
  for (const s of w.kept) {
    for (const call of s.descendantsOfType('call')) {
      const args = named(call?.childForFieldName('arguments') ?? call!).filter((n) => n.type !== 'comment');
      if (args.length !== 2) continue;
      const modelArg = args.findIndex((n) => nested.has(n.id));
      const other = args[1 - modelArg];
      if (modelArg >= 0 && other?.type === 'identifier') return other.text;
    }
  }
  return undefined;
}

/** The batch names the kept statements (and the handed-over value) read outside the model's calls: a target. */
function batchReadOutsideModel(w: Walk, batch: ReadonlySet<string>, valueNode: Node | undefined): string | undefined {
  const inside = new Set(w.nested.map((c) => c.id));
  const visit = (n: Node): string | undefined => {
    if (inside.has(n.id)) return undefined;
    if (n.type === 'identifier') return batch.has(n.text) && isRead(n) ? n.text : undefined;
    for (const c of named(n)) {
      const found = visit(c);
      if (found) return found;
    }
    return undefined;
  };
  for (const s of [...w.kept, ...(valueNode ? [valueNode] : [])]) {
    const a = assignmentOf(s);
    if (a && buildsCallable(a.right)) continue; // `model = keras.Model(inp, out)` builds the model, it compares nothing
    const found = visit(a ? a.right : s);
    if (found) return found;
  }
  return undefined;
}

/** An identifier in a position that reads it (not an attribute's name, a keyword's name, an assignment's target). */
function isRead(id: Node): boolean {
  const p = id.parent;
  if (!p) return true;
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) return false;
  if (p.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) return false;
  return true;
}

export interface InlineOptions {
  /** Statements of the module above a script's loop (`criterion = nn.MSELoss()`). */
  preamble?: Node[];
  /** The step's batch parameter (`training_step(self, batch, …)`, `train_step(self, data)`). */
  batchParam?: Node;
  /** A plain step function's data parameters (`x, y` of `step(model, x, y, optimizer)`): read as an unpacked batch. */
  dataParams?: Node[];
  /** A script's `loss.backward()` with no loop: the module's assignments above it, read as its body. */
  script?: Node[];
  /** `fallbackPred` is a tensor optimised directly (optimisedTensor.ts): where it is made is left out, like a forward pass. */
  direct?: boolean;
}

/** The data a directly optimised tensor is fitted to: the enclosing function's first parameter without a default the loss reads (`run(self, noisy)`). */
function dataParamRead(container: Node, readByLoss: (n: Node) => boolean): Node | undefined {
  if (container.type !== 'function_definition') return undefined;
  return readParams(container.childForFieldName('parameters')).find((p) => !p.variadic && p.default === undefined && !p.defaultNode && p.name !== 'self' && readByLoss(p.node))?.node;
}

/** `x = …`, `x.requires_grad = True`, `x.requires_grad_()`: a statement that makes or marks the tensor `name`. */
function makesTensor(s: Node, name: string): boolean {
  const a = assignmentOf(s);
  if (a) return a.left.text === name || chainRoot(a.left)?.text === name;
  const call = s.type === 'expression_statement' ? s.namedChild(0) : null;
  return call?.type === 'call' && /^requires_grad_$/.test(call.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '') && chainRoot(call)?.text === name;
}

/**
 * An inline loss reaching `anchor` (a statement inside `container`), read by data flow: the batch comes from the
 * loop variables, a step's batch parameter and what unpacks them; the model is what takes the batch (forward.ts),
 * its outputs are the prediction (the last forward pass's first name) and extra tensors; the target is the batch
 * name that is not the model's input, or the input itself when the loss compares the output with it (an
 * autoencoder). Undefined when no prediction can be told.
 */
export function inlineLoss(anchor: Node, container: Node, value: { lossVar?: string; valueNode?: Node; bound?: InlineSpec['bound'] }, fallbackPred?: Node, options: InlineOptions = {}): InlineFound | undefined {
  const path = pathTo(anchor, container);
  const preamble = options.preamble ?? [];
  const statements = [...preamble, ...(options.script ?? []), ...path.statements].flatMap(openBlocks);
  const batch = new Set<string>();
  const unpacked: Node[][] = [];
  if (options.batchParam) batch.add(options.batchParam.text);
  if (options.dataParams) {
    for (const p of options.dataParams) batch.add(p.text);
    unpacked.push(options.dataParams);
  }
  for (const loop of [...path.loops].reverse()) {
    const ids = loopBatchNames(loop);
    for (const id of ids) batch.add(id.text);
    if (ids.length >= 2) unpacked.push(ids);
  }
  const index = indexVariables(path.loops);
  const fnParams = ownDataParams(container);
  const w = walk(statements, batch, unpacked, new Set(preamble), fileNamesAt(anchor), !!options.script || preamble.length > 0, index, fnParams);
  const targetNode = pickTarget(w.unpacked, w.fed);
  const batchTarget = targetNode?.text ?? batchReadOutsideModel(w, batch, value.valueNode);
  const compared = batchTarget === undefined && w.outputs.length > 0 ? comparedWithData(w) : undefined;
  const last = w.outputs.at(-1);
  const nestedPred = !last ? w.nested[0] : undefined;
  // of several outputs, the one a framework criterion compares with the target (criterionOutput.ts), else the first
  const criterionPred = last ? criterionComparedOutput([...preamble, ...w.kept], w.outputs.flat(), batchTarget) : undefined;
  const pred = compared?.pred ?? criterionPred ?? last?.[0] ?? nestedPred ?? fallbackPred ?? handedModel(w.kept, fileNamesAt(anchor));
  if (!pred) return undefined;
  const predName = nestedPred ? nestedPred.text.replace(/\s+/g, '') : pred.text;
  // a tensor optimised directly is the prediction as it stands: how it was initialised (`noisy.detach().clone()`) is not read
  if (options.direct && pred === fallbackPred) w.kept = w.kept.filter((s) => !makesTensor(s, pred.text));
  const keptText = [...w.kept, ...(value.valueNode ? [value.valueNode] : [])].map((s) => s.text).join('\n');
  const readByLoss = (n: Node): boolean => new RegExp(`(^|[^\\p{L}\\p{N}_.])${n.text}(?![\\p{L}\\p{N}_])`, 'u').test(keptText);
  const extras = w.outputs.flat().filter((n) => n.text !== predName && !discarded(n) && readByLoss(n));
  const directTarget = options.direct && pred === fallbackPred && batchTarget === undefined ? dataParamRead(container, readByLoss) : undefined;
  const nestedTarget = nestedPred && batchTarget === undefined ? comparedWithNested(w) : undefined;
  // the script's own data for that target (`labels = (images.mean(…) > 0.5).float()`) is what the trial's data replaces
  if (nestedTarget) w.kept = w.kept.filter((s) => assignmentOf(s)?.left.text !== nestedTarget);
  // `criterion(pred, maps[i:i + 40])`: the script's targets cut in place by the loop's index, a batch's target
  const cut = batchTarget ?? compared?.target ?? directTarget ?? nestedTarget ? undefined : cutComparedWith(w, predName, index);
  const targetName = batchTarget ?? compared?.target ?? directTarget?.text ?? nestedTarget ?? cut?.name;
  const lossNode = value.lossVar ? lastAssignmentOf(w.kept, value.lossVar) : undefined;
  // a further output of the model's call (`logits, aux = model(x)`): a tensor of the model, whatever its name
  const outputIndex = (n: Node): number => w.outputs.find((o) => o.includes(n))?.indexOf(n) ?? 1;
  const params = [param(pred, predName), ...extras.map((n): ParamInfo => ({ ...param(n), modelOutput: outputIndex(n) }))];
  if (targetName && targetName !== predName) params.push(param(targetNode ?? options.batchParam ?? directTarget ?? cut?.node ?? pred, targetName));
  // read outside the model's calls: `criterion(model(xb), yb)` reads `xb` only as what the model is called on
  const outsideCalls = w.nested.reduce((text, c) => text.split(c.text).join(''), keptText);
  const readBesideModel = (n: Node): boolean => new RegExp(`(^|[^\\p{L}\\p{N}_.])${n.text}(?![\\p{L}\\p{N}_])`, 'u').test(outsideCalls);
  params.push(...batchColumns(w, params, readByLoss), ...modelInputs(w, params, readBesideModel));
  const spec: InlineSpec = { statements: w.kept, ...value };
  if (nestedPred) spec.forwardCalls = w.nested.map((node) => ({ node, name: predName }));
  if (cut) spec.forwardCalls = [...(spec.forwardCalls ?? []), ...cut.reads.map((node) => ({ node, name: cut.name }))];
  return {
    spec,
    params,
    yPred: predName,
    yTrue: targetName ?? '',
    nameNode: lossNode ?? anchor,
    anchor,
  };
}

/**
 * With no forward pass in the loop, the model the loop hands to the file's loss helpers (`loss_pde = residual_loss(
 * self.net, x, t)`, `loss_data = data_loss(model, X, U)`: a PINN's terms each run the network themselves): it stands
 * for the prediction, as a whole model passed to a loss function does.
 */
function handedModel(kept: readonly Node[], names: FileNames): Node | undefined {
  for (const s of kept) {
    for (const call of s.descendantsOfType('call')) {
      const callee = call?.childForFieldName('function');
      if (!call || callee?.type !== 'identifier' || names.imports.has(callee.text)) continue;
      const model = named(call.childForFieldName('arguments') ?? call).find((a) => (a.type === 'identifier' || a.type === 'attribute') && (modelNamed.test(a.text) || names.models.has(a.text)));
      if (model) return model;
    }
  }
  return undefined;
}

/**
 * The batch's further columns the loss reads beside the model's input and the target (`for x, protected_attribute,
 * y in ds:` with the penalty on `protected_attribute`): arguments of the loss by their names, which the trainer maps
 * (a sensitive attribute → a synthetic group column) or refuses by name, instead of free names it knows nothing of.
 */
function batchColumns(w: Walk, taken: readonly ParamInfo[], readByLoss: (n: Node) => boolean): ParamInfo[] {
  const names = new Set(taken.map((p) => p.name));
  const out: ParamInfo[] = [];
  for (const n of w.unpacked.flat()) {
    if (discarded(n) || w.fed.has(n.text) || names.has(n.text) || !readByLoss(n)) continue;
    names.add(n.text);
    const alias = passedAs(n.text, w.kept);
    out.push(alias ? { ...param(n), alias } : param(n));
  }
  return out;
}

/**
 * The model's input the loss reads beside the prediction and the target (`physics = criterion(out[:, 2:], x + dt *
 * out[:, :2])`, `torch.norm(outputs - batch_X)`): the batch the model was given, whatever its name, which the trainer
 * passes as the trial's own input batch (LossParam.modelInput) instead of refusing a free name it has no value for.
 */
function modelInputs(w: Walk, taken: readonly ParamInfo[], readByLoss: (n: Node) => boolean): ParamInfo[] {
  const names = new Set(taken.map((p) => p.name));
  const out: ParamInfo[] = [];
  for (const n of w.unpacked.flat()) {
    if (discarded(n) || !w.fed.has(n.text) || names.has(n.text) || !readByLoss(n)) continue;
    names.add(n.text);
    out.push({ ...param(n), modelInput: true });
  }
  return out;
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

/** `out["total_loss"]`: a dict entry by a literal key, the key (the name the loss is given). */
function entryKey(obj: Node | null): string | undefined {
  const key = obj?.type === 'subscript' && obj.childForFieldName('value')?.type === 'identifier' ? obj.childForFieldName('subscript') : undefined;
  return key?.type === 'string' ? /^[rbuf]*['"]{1,3}([A-Za-z_]\w*)['"]{1,3}$/i.exec(key.text)?.[1] : undefined;
}

/**
 * Every `X.backward()` under `node` whose X is a name (or `scaler.scale(X)`): the statement and the loss's name; or
 * whose X is a dict entry (`out["total_loss"].backward()`, a helper returning the total with logged parts): the
 * entry as the loss's value, named by its key.
 */
/** `l.sum()` / `l.mean()` with no arguments on a local: the local's name. */
function reducedLocal(obj: Node): string | undefined {
  const fn = obj.type === 'call' ? obj.childForFieldName('function') : undefined;
  const target = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
  const reduction = fn?.childForFieldName('attribute')?.text;
  if (target?.type !== 'identifier' || (reduction !== 'sum' && reduction !== 'mean') || named(obj.childForFieldName('arguments')).length > 0) return undefined;
  return target.text;
}

export function backwardCalls(node: Node): { stmt: Node; lossVar?: string; valueNode?: Node; name: string }[] {
  const out: { stmt: Node; lossVar?: string; valueNode?: Node; name: string }[] = [];
  for (const call of node.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'backward') continue;
    let obj = fn.childForFieldName('object');
    const stmt = call?.parent;
    if (stmt?.type !== 'expression_statement') continue;
    // `l.sum().backward()`: a per-sample loss reduced where it is differentiated (the reduction is the loss's value)
    const reduced = obj ? reducedLocal(obj) : undefined;
    if (obj && reduced) {
      out.push({ stmt, valueNode: obj, name: reduced });
      continue;
    }
    if (obj?.type === 'call') obj = named(obj.childForFieldName('arguments'))[0] ?? null; // scaler.scale(loss)
    const key = entryKey(obj);
    if (obj?.type === 'identifier') out.push({ stmt, lossVar: obj.text, name: obj.text });
    else if (obj && key) out.push({ stmt, valueNode: obj, name: key });
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

/** `loss`, `total_loss`, `self.loss`: an item of a returned tuple named as the loss. */
const LOSS_ITEM = /(?:^|[._])loss$/i;
/** `total`, `self.total`, `total_objective`: an item named as the sum of the others. */
const TOTAL_ITEM = /(?:^|[._])total(?:_\w+)?$/i;

/**
 * The loss among a returned tuple's items (`return out, loss`, `return (logits, total_loss)`): the one item named as
 * the loss, when the first item is a name that is not (a model's output). A computed first item is the total the
 * tuple leads with (`return recon_loss + kl, recon_loss, kl`): none is picked, as when no item, or several, are named.
 * An item named as the total after the first is the sum of the others, whatever leads (`return [recon_loss, total]`).
 */
export function tupleLossItem(value: Node | undefined): Node | undefined {
  const inner = value?.type === 'parenthesized_expression' ? named(value)[0] : value;
  if (inner?.type !== 'expression_list' && inner?.type !== 'tuple' && inner?.type !== 'list') return undefined;
  const items = named(inner);
  const isLoss = (n: Node): boolean => LOSS_ITEM.test(n.text.replace(/\s+/g, ''));
  const first = items[0];
  const totals = items.filter((n) => ['identifier', 'attribute'].includes(n.type) && TOTAL_ITEM.test(n.text));
  if (totals.length === 1 && totals[0] !== first) return totals[0];
  // a first item named as the total (`return total, task_loss`) leads the tuple as a computed one does
  if (!first || !['identifier', 'attribute'].includes(first.type) || isLoss(first) || TOTAL_ITEM.test(first.text)) return undefined;
  const losses = items.filter(isLoss);
  return losses.length === 1 ? losses[0] : undefined;
}

/**
 * The keys under which a returned dict holds what is optimised, preferred first: Lightning's `"loss"`, else the total
 * a loss returns beside its logged parts (`{"total": cls + lam * sep, "cls": cls}`, `losses["total"].backward()`).
 */
const totalKeys: readonly RegExp[] = [/^loss$/i, /^total(?:_?loss)?$/i, /^loss_?total$/i];

/** The key of `keys` that holds what a returned dict optimises (totalKeys), if any. */
export function totalKey(keys: readonly string[]): string | undefined {
  for (const re of totalKeys) {
    const key = keys.find((k) => re.test(k));
    if (key !== undefined) return key;
  }
  return undefined;
}

const stringKey = (key: Node | null): string | undefined => (key?.type === 'string' ? /^[rbuf]*['"]{1,3}([^'"]*)['"]{1,3}$/i.exec(key.text)?.[1] : undefined);

/**
 * The value a `return` statement gives the trainer: the expression, a returned dict's total entry (totalKey: `'loss'`
 * in any case, else `'total'`), or the item of a returned tuple named as the loss (a model's `return out, loss`).
 */
export function returnedLoss(ret: Node): Node | undefined {
  const value = named(ret)[0];
  const item = tupleLossItem(value);
  if (item) return item;
  if (value?.type !== 'dictionary') return value;
  const pairs = named(value).filter((p) => p.type === 'pair');
  const key = totalKey(pairs.map((p) => stringKey(p.childForFieldName('key')) ?? ''));
  return key === undefined ? undefined : (pairs.find((p) => stringKey(p.childForFieldName('key')) === key)?.childForFieldName('value') ?? undefined);
}
