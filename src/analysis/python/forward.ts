// Which calls of a training loop run the model, told by data flow rather than by the model's name: the model is
// whatever callable takes the batch (`out = classifier(images)`, `z_mean, z_log_var, z = self.encoder(data)`) or
// what a forward output goes on through (`recon = self.decoder(z)`), however its variable is called. Calls that are
// not the model, by a table of what they are instead:
//   an op of an imported module   `F.cross_entropy(out, y)`, `torch.sigmoid(out)`
//   a helper of the file/class    `prediction_entropy(out)`, `self.kl(mu, logvar)`
//   a loss or criterion           `criterion(out, y)`, `self.loss_fn(x_hat, x)`
//   a method of a local tensor    `x.view(-1, 784)`, `out.squeeze(1)`
//   a call that reads the target  `ce(out, labels)`
import type { Node } from 'web-tree-sitter';
import { isTrivia } from './trivia';

/** Callees that run the model whatever they read (`out = model(x)`, `logits = self(x)`). */
export const modelNamed = /^(self|self\.(forward|model|net|network|module|backbone)|model|net|network|[\w.]*[._](model|net)|\w*(model|net))$/;
/** A callee named like a loss or a criterion is not the model, whatever it reads. */
const lossNamed = /loss|criterion|crit$|objective|cost|penalty|regulari[sz]/i;

export const namedChildren = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && !isTrivia(c));

/** What the file says about names a callee may start with: imported modules and functions of the file or class. */
export interface FileNames {
  /** Names bound by imports (`torch`, `F`, `tf`, `np`). */
  imports: ReadonlySet<string>;
  /** Top-level functions of the file and methods of the enclosing class (`self.` + name): helpers. */
  helpers: ReadonlySet<string>;
  /** Names the file binds to an object of one of its own model classes (`flow = TopFlow()`): calling one runs the model. */
  models: ReadonlySet<string>;
  /**
   * Names bound to an object of one of its other classes (`fair = GapAbs()` with `forward(self, X, out, sensitive)`):
   * a criterion, which reads the batch beside the outputs; calling one does not run the model.
   */
  criteria: ReadonlySet<string>;
}

/** Layers with weights a model's `__init__` builds (`self.heads = nn.Linear(…)`); a loss holds criteria, not these. */
const weightedLayer = /^(?:torch\.)?nn\.(?:Linear|Bilinear|Conv[123]d|ConvTranspose[123]d|Embedding|EmbeddingBag|LSTM|GRU|RNN|Sequential|ModuleList|MultiheadAttention|Transformer\w*)$|^(?:tf\.)?(?:keras\.)?layers\.(?:Dense|Conv[123]D|Embedding|LSTM|GRU)$/;

/** Whether a value is a layer with weights the framework builds, moved or cast after (`nn.Sequential(…).to(dev)`). */
function builtLayer(value: Node): boolean {
  for (let cur: Node | null = value; cur?.type === 'call'; ) {
    const fn = cur.childForFieldName('function');
    if (weightedLayer.test(fn?.text.replace(/\s+/g, '') ?? '')) return true;
    cur = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  }
  return false;
}

/** Whether a class's `__init__` builds a layer with weights (`self.out = nn.Linear(…)`). */
function buildsLayers(methods: Node[]): boolean {
  const init = methods.find((m) => m.childForFieldName('name')?.text === '__init__');
  return (init?.descendantsOfType('call') ?? []).some((c) => weightedLayer.test(c?.childForFieldName('function')?.text.replace(/\s+/g, '') ?? ''));
}

/**
 * A class of the file whose objects are models: a `forward`/`call` taking one input (a loss takes two or more), or
 * more inputs when its `__init__` builds layers with weights (`forward(self, x, masks)` of a gated classifier), and
 * not named like a loss or criterion.
 */
function isModelClass(cls: Node): boolean {
  if (lossNamed.test(cls.childForFieldName('name')?.text ?? '')) return false;
  const methods = namedChildren(cls.childForFieldName('body'))
    .map((s) => (s.type === 'decorated_definition' ? s.childForFieldName('definition') : s))
    .filter((s): s is Node => s?.type === 'function_definition');
  const run = methods.find((s) => ['forward', 'call'].includes(s.childForFieldName('name')?.text ?? ''));
  const inputs = namedChildren(run?.childForFieldName('parameters')).filter((p) => p.type === 'identifier' || p.type === 'typed_parameter');
  return inputs.length === 2 || (inputs.length > 2 && buildsLayers(methods));
}

/**
 * Names bound anywhere in the file (`flow = TopFlow()`, in a main block too) to an object of a class of the file: of
 * a model class (`models`), or of another (`criteria`).
 */
function fileObjects(root: Node, classes: ReadonlyMap<string, Node>): { models: Set<string>; criteria: Set<string> } {
  const out = new Set<string>();
  const criteria = new Set<string>();
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!left || !right) continue;
    for (const [name, value] of pairedItems(left, right)) {
      const callee = value.type === 'call' ? value.childForFieldName('function')?.text : undefined;
      const cls = callee ? classes.get(callee) : undefined;
      // a network built from the framework's layers (`unmixer = nn.Sequential(nn.Linear(…), …).to(dev)`) is a model too
      if (name.type === 'identifier' && !cls && !lossNamed.test(name.text) && builtLayer(value)) out.add(name.text);
      if (name.type !== 'identifier' || !cls) continue;
      if (!lossNamed.test(name.text) && isModelClass(cls)) out.add(name.text);
      else criteria.add(name.text);
    }
  }
  return { models: out, criteria };
}

/** `a = f()` → [[a, f()]]; `g, d = G(), D()` → [[g, G()], [d, D()]] (a GAN's two players built on one line). */
function pairedItems(left: Node, right: Node): [Node, Node][] {
  const listed = (n: Node): Node[] | undefined => (n.type === 'pattern_list' || n.type === 'expression_list' || n.type === 'tuple_pattern' || n.type === 'tuple' ? namedChildren(n) : undefined);
  const names = listed(left);
  const values = listed(right);
  if (!names) return [[left, right]];
  return values && values.length === names.length ? names.map((n, i) => [n, values[i] as Node]) : [];
}

const fileNamesCache = new WeakMap<Node, FileNames>();

/** The import aliases and helpers seen from `at` (cached per tree root; the class's methods added per call). */
export function fileNamesAt(at: Node): FileNames {
  let root: Node = at;
  while (root.parent) root = root.parent;
  let base = fileNamesCache.get(root);
  if (!base) {
    const imports = new Set<string>();
    const helpers = new Set<string>();
    const classes = new Map<string, Node>();
    for (const top of namedChildren(root)) {
      const stmt = top.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
      if (stmt?.type === 'function_definition') helpers.add(stmt.childForFieldName('name')?.text ?? '');
      if (stmt?.type === 'class_definition') classes.set(stmt.childForFieldName('name')?.text ?? '', stmt);
      if (stmt?.type === 'import_statement' || stmt?.type === 'import_from_statement') {
        for (const n of stmt.descendantsOfType(['dotted_name', 'identifier'])) {
          const alias = n?.parent?.type === 'aliased_import' ? n.parent.childForFieldName('alias') : undefined;
          if (n && n.parent?.id === stmt.id) imports.add(n.text.split('.')[0] ?? '');
          if (alias) imports.add(alias.text);
        }
      }
    }
    base = { imports, helpers, ...fileObjects(root, classes) };
    fileNamesCache.set(root, base);
  }
  let cls: Node | null = at;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  if (!cls) return base;
  const defs = namedChildren(cls.childForFieldName('body'))
    .map((s) => (s.type === 'decorated_definition' ? s.childForFieldName('definition') : s))
    .filter((s): s is Node => s?.type === 'function_definition');
  const selfName = (s: Node): string => `self.${s.childForFieldName('name')?.text ?? ''}`;
  // a method that only hands its input to the forward (`def predict(self, users): return self.forward(users)`) runs the model
  // and the class's own forward pass called by its name (`self.call(data)` in a Keras step's helper) runs it too
  const runsSelf = (s: Node): boolean => returnsForward(s) || forwardMethods.has(s.childForFieldName('name')?.text ?? '');
  const wrappers = defs.filter(runsSelf).map(selfName);
  const methods = defs.filter((s) => !runsSelf(s)).map(selfName);
  const models = wrappers.length > 0 ? new Set([...base.models, ...wrappers]) : base.models;
  return { imports: base.imports, helpers: new Set([...base.helpers, ...methods]), models, criteria: base.criteria };
}

/** A model class's own forward pass (PyTorch's, Keras's). */
const forwardMethods: ReadonlySet<string> = new Set(['forward', 'call']);

/** `return self(x)` / `return self.forward(x)` as the method's whole body (a docstring aside), not in `forward` itself. */
function returnsForward(method: Node): boolean {
  if (method.childForFieldName('name')?.text === 'forward') return false;
  const stmts = namedChildren(method.childForFieldName('body')).filter((s) => s.type !== 'comment' && !(s.type === 'expression_statement' && s.namedChild(0)?.type === 'string'));
  const value = stmts.length === 1 && stmts[0]?.type === 'return_statement' ? stmts[0].namedChild(0) : undefined;
  return value?.type === 'call' && /^self(?:\.forward)?$/.test(value.childForFieldName('function')?.text ?? '');
}

/** The identifier a chain of attributes, subscripts and calls starts from (`x` of `x[0].to(dev)`), else undefined. */
export function chainRoot(node: Node): Node | undefined {
  let cur: Node | null = node;
  while (cur) {
    if (cur.type === 'identifier') return cur;
    if (cur.type === 'attribute') cur = cur.childForFieldName('object');
    else if (cur.type === 'subscript') cur = cur.childForFieldName('value');
    else if (cur.type === 'call') cur = cur.childForFieldName('function');
    else return undefined;
  }
  return undefined;
}

/** The names an expression reads (not attribute names, not keyword names), outermost first. */
export function namesRead(node: Node): string[] {
  if (node.type === 'identifier') return isNameOf(node, node.parent) ? [] : [node.text];
  return [...namesUnder(node)];
}

/**
 * Top-down, so each identifier's parent is at hand (tree-sitter's `.parent` walks down from the root: asking it of
 * every identifier made a deep nesting cubic), and memoised per tree, as the loop asks it of each nested call.
 */
function namesUnder(n: Node): readonly string[] {
  const memo = memoFor(namesMemo, n.tree);
  const known = memo.get(n.id);
  if (known) return known;
  const out: string[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type !== 'identifier') out.push(...namesUnder(c));
    else if (!isNameOf(c, n)) out.push(c.text);
  }
  memo.set(n.id, out);
  return out;
}

const namesMemo = new WeakMap<object, Map<number, readonly string[]>>();

/** The memo of one tree or one flow (node id → answer), made on first use. */
function memoFor<K extends object, V>(store: WeakMap<K, Map<number, V>>, key: K): Map<number, V> {
  const found = store.get(key);
  if (found) return found;
  const made = new Map<number, V>();
  store.set(key, made);
  return made;
}

/** Whether an identifier names an attribute (`x.mean`) or a keyword (`dim=1`) of its parent, rather than reading a value. */
function isNameOf(id: Node, parent: Node | null): boolean {
  if (parent?.type === 'attribute') return parent.childForFieldName('attribute')?.id === id.id;
  if (parent?.type === 'keyword_argument') return parent.childForFieldName('name')?.id === id.id;
  return false;
}

/** What the loop knows so far: names holding the batch, names holding the model's outputs, the target. */
export interface Flow {
  batch: ReadonlySet<string>;
  outputs: ReadonlySet<string>;
  target?: string;
  /** Names assigned by statements read so far (a call on them is a tensor's method, not the model). */
  locals: ReadonlySet<string>;
}

/**
 * Whether `call` runs the model: not an op, helper, loss or tensor method (the table above), and it reads the batch
 * (not its target) with no model output, or only model outputs through `self.<layer>`, or its name says model.
 */
export function isModelCall(call: Node, flow: Flow, names: FileNames): boolean {
  // Memoised per flow: a call asks the same of every call nested in its arguments, and they of theirs, so without
  // it `f(f(f(…)))` took time exponential in the depth (a fuzzed 20-deep nesting took 16 s, 50 never ended).
  const known = memoFor(modelCallMemo, flow);
  const cached = known.get(call.id);
  if (cached !== undefined) return cached;
  const runsModel = decideModelCall(call, flow, names);
  known.set(call.id, runsModel);
  return runsModel;
}

const modelCallMemo = new WeakMap<Flow, Map<number, boolean>>();

/** Whether the batch names `args` reads are each read only for a size (`x.shape[1]`, `x.size(1)`, `len(x)`). */
function readsOnlySizes(args: Node | null, flow: Flow): boolean {
  const batchIds = (args?.descendantsOfType('identifier') ?? []).filter((id): id is Node => !!id && flow.batch.has(id.text));
  const forSize = (id: Node): boolean => {
    const p = id.parent;
    if (p?.type === 'attribute' && p.childForFieldName('object')?.id === id.id) return /^(shape|size|ndim)$/.test(p.childForFieldName('attribute')?.text ?? '');
    return p?.type === 'argument_list' && p.parent?.childForFieldName('function')?.text === 'len';
  };
  return batchIds.length > 0 && batchIds.every(forSize);
}

function decideModelCall(call: Node, flow: Flow, names: FileNames): boolean {
  const fn = call.childForFieldName('function');
  // a Keras functional layer applied where it is built (`layers.Dense(4)(hid)`): a step of the model
  if (fn?.type === 'call' && buildsCallable(fn)) {
    const read = namesRead(call.childForFieldName('arguments') ?? call);
    return read.length > 0 && read.every((n) => flow.batch.has(n) || flow.outputs.has(n));
  }
  if (!fn || (fn.type !== 'identifier' && fn.type !== 'attribute')) return false;
  // `CountAutoencoder(x.shape[1], hidden)`: a model built to the data's size, not run on it
  if (buildsCallable(call) && readsOnlySizes(call.childForFieldName('arguments'), flow)) return false;
  const callee = fn.text.replace(/\s+/g, '');
  const head = callee.split('.')[0] ?? '';
  if (names.imports.has(head) || names.helpers.has(callee) || lossNamed.test(callee.slice(callee.lastIndexOf('.') + 1))) return false;
  if (head !== 'self' && (flow.batch.has(head) || flow.outputs.has(head) || flow.locals.has(head)) && !modelNamed.test(callee)) return false;
  // a callee named or built as the model runs it whatever it is handed (`model(users, pos_items, neg_items)`: a
  // batch of three whose last name is an input, not the target a guess from the unpacking would make it)
  if (modelNamed.test(callee) || names.models.has(callee)) return true;
  if (names.criteria.has(callee)) return false;
  const args = call.childForFieldName('arguments');
  const read = args ? namesRead(args) : [];
  if (flow.target !== undefined && read.includes(flow.target) && !inputList(args, flow)) return false;
  const readsBatch = read.some((n) => flow.batch.has(n));
  const readsOutputs = read.some((n) => flow.outputs.has(n)) || nestedModelCall(args, flow, names);
  if (readsBatch) return !readsOutputs;
  return readsOutputs && head === 'self' && read.every((n) => flow.outputs.has(n));
}

/**
 * `self.encoder([audio, lyrics])`: a list of two or more batch names handed over together is a multi-input model's
 * inputs, so the batch's last name is one of them, not the target a pair (`x, y = data`) would make it.
 */
function inputList(args: Node | null, flow: Flow): boolean {
  return namedChildren(args).some((a) => (a.type === 'list' || a.type === 'tuple') && namedChildren(a).length >= 2 && namedChildren(a).every((i) => i.type === 'identifier' && flow.batch.has(i.text)));
}

function nestedModelCall(args: Node | null, flow: Flow, names: FileNames): boolean {
  return !!args && args.namedChildren.some((c) => !!c && runsModelWithin(c, flow, names));
}

/** Whether `n` or a call anywhere under it runs the model; memoised per flow like isModelCall. */
function runsModelWithin(n: Node, flow: Flow, names: FileNames): boolean {
  const known = memoFor(withinMemo, flow);
  const cached = known.get(n.id);
  if (cached !== undefined) return cached;
  const runs = (n.type === 'call' && isModelCall(n, flow, names)) || n.namedChildren.some((c) => !!c && runsModelWithin(c, flow, names));
  known.set(n.id, runs);
  return runs;
}

const withinMemo = new WeakMap<Flow, Map<number, boolean>>();

/** The outermost calls under `stmt` that run the model (`model(xb.cuda())` inside `F.cross_entropy(…)`). */
export function modelCallsIn(stmt: Node, flow: Flow, names: FileNames): Node[] {
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'call' && isModelCall(n, flow, names)) {
      out.push(n);
      return;
    }
    if (n.type === 'lambda' || n.type === 'function_definition') return;
    for (const c of namedChildren(n)) visit(c);
  };
  visit(stmt);
  return out;
}

/** The call an assignment's right side runs the model with (`model(x)`, `model(x)[0]`); a computation on it is not. */
export function modelCallOf(right: Node, flow: Flow, names: FileNames): Node | undefined {
  const call = right.type === 'subscript' ? right.childForFieldName('value') : right;
  return call?.type === 'call' && isModelCall(call, flow, names) ? call : undefined;
}

/** A right side that builds a callable (`Net()`, `nn.Sequential(…).to(dev)`, `models.resnet18()`), or one each, not a tensor. */
const constructorCallee = /(^|\.)[A-Z]\w*$|(^|\.)models?\.\w+$|create_model$|from_pretrained$|load_model$/;
export function buildsCallable(right: Node): boolean {
  // `generator, discriminator = Generator(), Discriminator()`: each item builds one
  if (right.type === 'expression_list' || right.type === 'tuple') return namedChildren(right).length > 0 && namedChildren(right).every(buildsCallable);
  for (let cur: Node | null = right; cur; ) {
    if (cur.type === 'call') {
      const fn = cur.childForFieldName('function');
      if (fn && constructorCallee.test(fn.text.replace(/\s+/g, ''))) return true;
      cur = fn;
    } else if (cur.type === 'attribute') cur = cur.childForFieldName('object');
    else return false;
  }
  return false;
}

/** Whether an expression only reshapes, indexes or moves batch names (`batch['image']`, `x.view(-1, 784)`, `a.cuda(), b.cuda()`). */
export function fromBatch(right: Node, batch: ReadonlySet<string>): boolean {
  if (right.type === 'expression_list' || right.type === 'tuple') {
    const items = namedChildren(right);
    return items.length > 0 && items.every((i) => fromBatch(i, batch));
  }
  if (!['identifier', 'attribute', 'subscript', 'call'].includes(right.type)) return false;
  if (reducesBatch(right)) return false;
  const root = chainRoot(right);
  if (root && batch.has(root.text)) return true;
  // `tf.convert_to_tensor(batch["target"], dtype=…)`, `torch.as_tensor(batch["y"])`: the batch's item, as a tensor
  const fn = right.type === 'call' ? right.childForFieldName('function')?.text : undefined;
  const first = fn && conversion.test(fn) ? right.childForFieldName('arguments')?.namedChild(0) : undefined;
  return !!first && first.type !== 'keyword_argument' && fromBatch(first, batch);
}

/** A tensor's methods that compute a statistic of it (a GAN's `real_imgs.mean()`): a value of the batch, not an item of it. */
const statistic = /^(?:mean|std|var|sum|prod|median|norm|amax|amin|max|min|logsumexp|item)$/;

/** Whether a method chain on a batch name computes a statistic of it anywhere along (`x.float().mean()`). */
function reducesBatch(chain: Node): boolean {
  for (let cur: Node | null = chain; cur; ) {
    if (cur.type === 'call') {
      const fn = cur.childForFieldName('function');
      if (fn?.type === 'attribute' && statistic.test(fn.childForFieldName('attribute')?.text ?? '')) return true;
      cur = fn;
    } else if (cur.type === 'attribute') cur = cur.childForFieldName('object');
    else if (cur.type === 'subscript') cur = cur.childForFieldName('value');
    else return false;
  }
  return false;
}

/** Calls that only make a tensor of what they are given (its values unchanged). */
const conversion = /^(?:tf|torch|np|numpy|K|keras\.ops)\.(?:convert_to_tensor|as_tensor|tensor|from_numpy|asarray|array|constant|cast)$/;
