// Finds the loss definitions of a TS/JS module: function declarations, `const f = (yTrue, yPred) => …` and
// function expressions, and factories returning one (`const make = (lam = 1) => (yTrue, yPred) => …`, or a function
// that returns an inner arrow or an inner named function). Top level, `export` included, and declared in the body of a
// top-level function that is not a loss itself (a script's `train()`).
import type { Node } from 'web-tree-sitter';
import type { LossKind, Regularizes } from '../ir';
import { isPredictionName, isTargetName, looksLikeLossPair } from '../terms/roles';
import { ctorArithmetic } from './ctorArithmetic';
import { optionFields, positionalNewArg } from './ctorOptions';
import { minimizeLosses } from './inline';
import { configFields, readScriptParams, type ScriptParam, scriptLiteral } from './params';

export interface ScriptLossDef {
  kind: LossKind;
  name: string;
  nameNode: Node;
  defNode: Node;
  /** The function-like node whose body computes the loss. */
  fn: Node;
  params: ScriptParam[];
  outerParams: ScriptParam[];
  outerStatements: Node[];
  bindNames: string[];
  /** A class field or method: the class it is in. */
  className?: string;
  /** The class's numeric fields and constructor defaults, as `this.x` (`lam = 0.1;`, `constructor(lam = 0.5) { this.lam = lam }`). */
  classFields?: ScriptParam[];
  /**
   * Its reading depends on code outside its own text (the `new` calls binding a constructor's options, the calls
   * handing its function a settings object): the document analyzer must not cache it by that text.
   */
  readsCallers?: true;
  /** Written inline in a `compile` call's `loss` (compiledInlineLosses): used by that compile. */
  compiledInline?: true;
  /** Target and prediction when the shape says them (a loss inline in `minimize`), instead of the name tables. */
  roles?: { yTrue: string; yPred: string };
  /** A regularizer (`kernelRegularizer: new NearBinaryWeights(5e-4)`): every term is a penalty on that layer's tensor. */
  regularizes?: Regularizes;
  /** Declarations the body reader leaves out (`const pred = model.predict(xs)`: its name stays the prediction). */
  skipped?: Node[];
  /** Model calls inside the body (`tf.losses.meanSquaredError(ys, model.predict(xs))`), each read as the prediction `name`. */
  forwardCalls?: { node: Node; name: string }[];
  /** The prediction is a variable the closure optimises directly (inline.ts directLoss). */
  optimisedDirectly?: true;
}

const LOSS_NAME = /loss|criterion|objective|penalty|cost/i;
const functionLike: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'function', 'function_declaration']);

function unwrap(n: Node | null | undefined): Node | undefined {
  let cur = n ?? undefined;
  while (cur && (cur.type === 'parenthesized_expression' || cur.type === 'as_expression' || cur.type === 'satisfies_expression')) cur = cur.namedChild(0) ?? undefined;
  return cur;
}

function isLossLike(fn: Node, name: string): boolean {
  const names = readScriptParams(fn).filter((p) => !p.variadic).map((p) => p.name);
  if (names.length < 2) return false;
  const firstThree = names.slice(0, 3);
  if (looksLikeLossPair(firstThree)) return true;
  return LOSS_NAME.test(name) && (firstThree.some(isTargetName) || firstThree.some(isPredictionName) || names.length === 2);
}

const positional = (ps: ScriptParam[]): string[] => ps.filter((p) => !p.variadic).map((p) => p.name);

/** The loss function a factory returns, with the statements before it. */
function innerLoss(fn: Node, name: string): { inner: Node; before: Node[] } | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  if (body.type !== 'statement_block') {
    const inner = unwrap(body);
    return inner && functionLike.has(inner.type) && isLossLike(inner, name) ? { inner, before: [] } : undefined;
  }
  const stmts = body.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const named = new Map<string, { node: Node; index: number }>();
  stmts.forEach((s, index) => {
    if (s.type === 'function_declaration') {
      const id = s.childForFieldName('name')?.text;
      if (id) named.set(id, { node: s, index });
    } else if (s.type === 'lexical_declaration' || s.type === 'variable_declaration') {
      for (const d of s.namedChildren) {
        const value = unwrap(d?.childForFieldName('value'));
        const id = d?.childForFieldName('name')?.text;
        if (id && value && functionLike.has(value.type)) named.set(id, { node: value, index });
      }
    }
  });
  for (const s of stmts) {
    if (s.type !== 'return_statement') continue;
    const value = unwrap(s.namedChild(0));
    if (!value) continue;
    if (functionLike.has(value.type) && isLossLike(value, name)) return { inner: value, before: stmts.slice(0, stmts.indexOf(s)) };
    const ref = value.type === 'identifier' ? named.get(value.text) : undefined;
    if (ref && isLossLike(ref.node, ref.node.childForFieldName('name')?.text ?? name)) return { inner: ref.node, before: stmts.slice(0, ref.index) };
  }
  return undefined;
}

function defOf(fn: Node, nameNode: Node, defNode: Node): ScriptLossDef | undefined {
  const name = nameNode.text;
  const outer = readScriptParams(fn);
  const factory = innerLoss(fn, name);
  if (factory) {
    return { kind: 'factory', name, nameNode, defNode, fn: factory.inner, params: readScriptParams(factory.inner), outerParams: outer, outerStatements: factory.before, bindNames: positional(outer) };
  }
  if (!isLossLike(fn, name)) return undefined;
  const kind: LossKind = fn.type === 'arrow_function' ? 'arrow' : 'function';
  return { kind, name, nameNode, defNode, fn, params: outer, outerParams: [], outerStatements: [], bindNames: positional(outer) };
}

const memberName = (m: Node): Node | null => m.childForFieldName('name') ?? m.childForFieldName('property');

/** A constructor parameter's value: what the file's `new` calls all pass, else its default. */
function paramValue(ctor: Node, params: ReadonlyMap<string, ScriptParam>, name: string): number | undefined {
  const p = params.get(name);
  if (!p || p.variadic) return undefined;
  const bound = positionalNewArg(ctor, [...params.keys()].indexOf(name));
  const v = bound ? bound.value : p.default;
  return typeof v === 'number' ? v : undefined;
}

/** `constructor(lam = 0.5) { this.lam = lam; }` and `lam = 0.1;`: the class's numbers as `this.x` parameters. */
function classFieldsOf(members: Node[]): ScriptParam[] {
  const out = new Map<string, ScriptParam>();
  for (const m of members) {
    const name = memberName(m);
    const value = m.childForFieldName('value');
    if ((m.type === 'public_field_definition' || m.type === 'field_definition') && name && value) {
      const v = scriptLiteral(value);
      if (typeof v === 'number') out.set(`this.${name.text}`, { name: `this.${name.text}`, node: name, default: v, defaultNode: value, variadic: false });
      for (const f of configFields(`this.${name.text}`, value)) out.set(f.name, f);
    }
    if (m.type !== 'method_definition' || name?.text !== 'constructor') continue;
    const params = new Map(readScriptParams(m).map((p) => [p.name, p]));
    // TS parameter properties: `constructor(private readonly strength = 1e-3)` declares and sets `this.strength`
    for (const p of params.values()) {
      const declares = p.node.parent?.namedChildren.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'override_modifier') || /^\s*readonly\b/.test(p.node.parent?.text ?? '');
      if (declares && typeof p.default === 'number' && p.defaultNode) out.set(`this.${p.name}`, { name: `this.${p.name}`, node: p.node, default: p.default, defaultNode: p.defaultNode, variadic: false, initParam: p.name });
    }
    for (const a of m.childForFieldName('body')?.descendantsOfType('assignment_expression') ?? []) {
      const left = a?.childForFieldName('left');
      const right = a?.childForFieldName('right');
      if (left?.type !== 'member_expression' || left.childForFieldName('object')?.type !== 'this' || !right) continue;
      const key = `this.${left.childForFieldName('property')?.text ?? ''}`;
      const p = right.type === 'identifier' ? params.get(right.text) : undefined;
      // `this.config = config` with `constructor(config = { beta: 0.5 })`: the default object's entries
      for (const f of configFields(key, p?.defaultNode ?? right)) out.set(f.name, f);
      // a parameter bound by the file's `new` calls (all passing one number at its place), else its default
      const bound = p && !p.variadic ? positionalNewArg(m, [...params.keys()].indexOf(p.name)) : undefined;
      const lit = bound ? bound.value : p ? p.default : scriptLiteral(right);
      const defaultNode = bound ? bound.node : p ? p.defaultNode : right;
      if (typeof lit === 'number' && defaultNode) out.set(key, { name: key, node: left, default: lit, defaultNode, variadic: false, ...(p ? { initParam: p.name } : {}) });
      // a value computed from the parameters (`this.yShift = Math.tanh(-threshold * steepness)`): known, but not a
      // place λ write-back may write a number (no default node)
      const computed = lit === undefined && !p ? ctorArithmetic(right, (n) => paramValue(m, params, n)) : undefined;
      if (computed !== undefined && Number.isFinite(computed)) out.set(key, { name: key, node: left, default: computed, variadic: false });
      // `this.w = options.w ?? 1.0`, `this.cfg = { ...DEFAULTS, ...config }`: as the file's `new` calls bind them
      for (const f of optionFields(key, left, right, m)) out.set(f.name, f);
    }
  }
  return [...out.values()];
}

/** What the file says about its regularizers: `kernelRegularizer: new NearBinaryWeights(5e-4)` → { on: 'kernel' }. */
export type ScriptRegularizers = ReadonlyMap<string, Regularizes>;

/**
 * A TF.js regularizer class: `apply(x)` returns the penalty on what the layer hands it. It is one when the file gives
 * it to a layer (`kernelRegularizer: new X(…)`) or it extends a Regularizer.
 */
function regularizerClass(cls: Node, members: Node[], uses: ScriptRegularizers): ScriptLossDef | undefined {
  const nameNode = cls.childForFieldName('name');
  const base = cls.namedChildren.find((c) => c?.type === 'class_heritage')?.text ?? '';
  const on = nameNode ? (uses.get(nameNode.text) ?? (/Regularizer\b/.test(base) ? { on: 'kernel' as const } : undefined)) : undefined;
  const apply = members.find((m) => m.type === 'method_definition' && memberName(m)?.text === 'apply');
  const params = apply ? readScriptParams(apply).filter((p) => !p.variadic) : [];
  if (!nameNode || !on || !apply || params.length === 0) return undefined;
  const ctor = members.find((m) => m.type === 'method_definition' && memberName(m)?.text === 'constructor');
  return {
    kind: 'regularizer', name: nameNode.text, nameNode, defNode: cls, fn: apply, params: params.slice(0, 1), outerParams: [], outerStatements: [],
    bindNames: ctor ? positional(readScriptParams(ctor)) : [], className: nameNode.text, classFields: classFieldsOf(members),
    roles: { yTrue: '', yPred: params[0]!.name }, regularizes: on,
  };
}

/**
 * The function a class field holds: the arrow itself, or the arrow a call wraps (`loss = tf.customGrad((a, b) => …)`,
 * `private lossFn = wrap((yTrue, yPred) => …)`): the wrapper returns a function computing what the arrow computes.
 */
function fieldFunction(value: Node): Node | undefined {
  if (functionLike.has(value.type)) return value;
  if (value.type !== 'call_expression') return undefined;
  const args = value.childForFieldName('arguments')?.namedChildren ?? [];
  return args.map((a) => unwrap(a)).find((a): a is Node => !!a && functionLike.has(a.type));
}

/** Class fields holding an arrow (`loss = (yTrue, yPred) => …`) and methods (`compute(yTrue, yPred) {…}`). */
function classLosses(cls: Node, uses: ScriptRegularizers): ScriptLossDef[] {
  const className = cls.childForFieldName('name')?.text;
  const members = (cls.childForFieldName('body')?.namedChildren ?? []).filter((n): n is Node => !!n);
  const regularizer = regularizerClass(cls, members, uses);
  if (regularizer) return [regularizer];
  const out: ScriptLossDef[] = [];
  for (const m of members) {
    const nameNode = memberName(m);
    if (!nameNode || nameNode.text === 'constructor') continue;
    const fieldValue = m.type === 'method_definition' ? undefined : unwrap(m.childForFieldName('value'));
    const fn = m.type === 'method_definition' ? m : fieldValue ? fieldFunction(fieldValue) : undefined;
    if (!fn) continue;
    // a set-up method that is not a loss declares one in its body (`initModel() { const customLoss = (yTrue,
    // yPred) => …; this.model.compile({ loss: customLoss }) }`), as a script's `train()` does
    if (!isLossLike(fn, nameNode.text)) {
      if (m.type === 'method_definition') out.push(...nestedLosses(m, uses));
      continue;
    }
    const params = readScriptParams(fn);
    const kind: LossKind = m.type === 'method_definition' ? 'method' : 'class-field';
    out.push({ kind, name: nameNode.text, nameNode, defNode: m, fn, params, outerParams: [], outerStatements: [], bindNames: positional(params), ...(className ? { className } : {}) });
  }
  if (out.length === 0) return out;
  const classFields = classFieldsOf(members);
  for (const d of out) {
    d.classFields = classFields;
    if (classFields.some((f) => f.fromOptions)) d.readsCallers = true;
  }
  return out;
}

/** What differentiates an anonymous closure, naming an inline loss by default (inline.ts). */
const differentiates: ReadonlySet<string> = new Set(['minimize', 'variableGrads']);

/** The name of the class method `fn` is written in. */
function enclosingMethod(fn: Node): string | undefined {
  for (let cur: Node | null = fn.parent; cur; cur = cur.parent) if (cur.type === 'method_definition') return memberName(cur)?.text;
  return undefined;
}

/** The losses one top-level statement defines (a declaration can declare several), or the losses inline in its `minimize` calls. */
export function discoverScriptStatement(top: Node, uses: ScriptRegularizers = new Map()): ScriptLossDef[] {
  const own = definedLosses(top, uses);
  if (own.length > 0) return own;
  const inline = minimizeLosses(top);
  // a step method's `this.optimizer.minimize(() => …)` reads the class's settings (`this.cfg.weight`) as a method does
  const stmt = top.type === 'export_statement' ? (top.childForFieldName('declaration') ?? top) : top;
  if (stmt.type === 'class_declaration' && inline.length > 0) {
    const fields = classFieldsOf((stmt.childForFieldName('body')?.namedChildren ?? []).filter((n): n is Node => !!n));
    const className = stmt.childForFieldName('name')?.text;
    for (const d of inline) {
      d.classFields ??= fields;
      if (fields.some((f) => f.fromOptions)) d.readsCallers = true;
      // an anonymous closure (`this.opt.minimize(() => …)`) is the loss of the method it steps in, as a Keras
      // train_step's is: `PpoAgent.update`, not the optimizer's `minimize`; a named arrow keeps its name
      const method = differentiates.has(d.name) ? enclosingMethod(d.fn) : undefined;
      if (method && className) Object.assign(d, { name: method, className });
    }
  }
  return inline;
}

/** An arrow whose whole body calls a function or method of the file (`(t, p) => this.lossOf(t, p)`), not an op. */
function delegates(arrow: Node): boolean {
  let body = unwrap(arrow.childForFieldName('body'));
  if (body?.type === 'statement_block') {
    const stmts = body.namedChildren.filter((s) => s && s.type !== 'comment');
    body = stmts.length === 1 && stmts[0]?.type === 'return_statement' ? unwrap(stmts[0].namedChild(0)) : undefined;
  }
  const callee = body?.type === 'call_expression' ? body.childForFieldName('function') : null;
  const root = callee?.type === 'member_expression' ? callee.childForFieldName('object') : callee;
  return !!root && (root.type === 'this' || (root.type === 'identifier' && root.text !== 'tf' && callee?.type === 'identifier'));
}

/**
 * A loss written inline where the model is compiled (`model.compile({ optimizer, loss: (yTrue, yPred) => … })`): a
 * loss of the file like a named one, called by its key (`loss`) and used by that compile (compiledInline).
 */
function compiledInlineLosses(stmt: Node): ScriptLossDef[] {
  const call = stmt.type === 'expression_statement' ? unwrap(stmt.namedChild(0)) : undefined;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'compile') return [];
  const config = call?.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'object');
  const pair = config?.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text === 'loss');
  const value = unwrap(pair?.childForFieldName('value'));
  const key = pair?.childForFieldName('key');
  // (`loss: (t, p) => this.centeredLoss(t, p)` hands compile a loss of the file: that loss is the one used)
  const def = value && key && functionLike.has(value.type) && !delegates(value) ? defOf(value, key, stmt) : undefined;
  // (not cached by its text: the compile usage is given where the models are finished, index.ts)
  return def ? [{ ...def, compiledInline: true, readsCallers: true }] : [];
}

function definedLosses(top: Node, uses: ScriptRegularizers): ScriptLossDef[] {
  const stmt = top.type === 'export_statement' ? (top.childForFieldName('declaration') ?? top) : top;
  if (stmt.type === 'class_declaration') return classLosses(stmt, uses);
  if (stmt.type === 'expression_statement') return compiledInlineLosses(stmt);
  if (stmt.type === 'function_declaration') {
    const nameNode = stmt.childForFieldName('name');
    const def = nameNode ? defOf(stmt, nameNode, top) : undefined;
    return def ? [def] : nestedLosses(stmt, uses);
  }
  if (stmt.type !== 'lexical_declaration' && stmt.type !== 'variable_declaration') return [];
  const out: ScriptLossDef[] = [];
  for (const d of stmt.namedChildren) {
    const nameNode = d?.childForFieldName('name');
    const value = unwrap(d?.childForFieldName('value'));
    if (!d || nameNode?.type !== 'identifier' || !value || !functionLike.has(value.type)) continue;
    const def = defOf(value, nameNode, top);
    if (def) out.push(def);
    else out.push(...nestedLosses(value, uses));
  }
  return out;
}

/**
 * Losses declared inside a function that is not one (`async function train(config) { …; const vaeLoss = (yTrue,
 * yPred) => …; optimizer.minimize(() => vaeLoss(batch, vae(batch))) }`): a script's training function often builds
 * its models and declares its losses in its own body.
 */
function nestedLosses(fn: Node, uses: ScriptRegularizers): ScriptLossDef[] {
  const body = fn.childForFieldName('body');
  if (body?.type !== 'statement_block') return [];
  return body.namedChildren.flatMap((s) => (s && s.type !== 'class_declaration' ? definedLosses(s, uses) : []));
}

/** Every loss defined at the top level of `root` (a program, an ERROR node, or a re-parsed chunk). */
export function discoverScriptLosses(root: Node, uses: ScriptRegularizers = new Map()): ScriptLossDef[] {
  return root.namedChildren.flatMap((c) => (c ? discoverScriptStatement(c, uses) : []));
}
