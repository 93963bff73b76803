// What a Python module defines at its top level that a loss may read without defining it: constants
// (`TV_WEIGHT = 0.1`, `EPS = 1e-7`, `REDUCTION = 'mean'`, `A, B = 0.1, 0.2`) and functions (helpers a loss calls,
// followed into their bodies). Read from each top-level statement's text where one line says it all (fast on
// large files), else from its syntax tree.

import type { Node } from 'web-tree-sitter';
import type { CompiledBase } from '../compileCall';
import type { Framework, SourceRange, StaticValue } from '../ir';
import { KEEPS_ONE_NUMBER } from '../literalWeight';
import type { Deadline } from '../parsing/deadline';
import { rangeOf } from '../parsing/range';
import { fieldDefault } from './fieldDefault';
import { readInstanceAttributes } from './instanceAttrs';
import type { KerasGraph } from './kerasGraph';
import { arithmeticOf, literalOf, staticItemsOf } from './params';
import { isTrivia } from './trivia';
import { valueWrappers, wrappedDefault } from './valueWrappers';

export interface ModuleConstant {
  /** A literal, arithmetic of numbers (`1000 * 0.5`), or the items of a list/tuple of literals (`QUANTILES = [0.1, 0.5, 0.9]`). */
  value: number | string | boolean | StaticValue[];
  /** Where the name is written (the parameter's `range`). */
  nameRange: SourceRange;
  /** Where the literal is written (λ write-back edits it). */
  valueRange: SourceRange;
  /** Set when the constant comes from another notebook cell (1-based). */
  cell?: number;
  /** Set for a command-line flag's default (`args.r_so` from `add_argument('--r_so', default=0.05)`, argparse.ts). */
  flag?: boolean;
}

export interface ModuleScope {
  constants: Map<string, ModuleConstant>;
  /**
   * In a notebook: the code cells below the one analysed (magics blanked), where the class a loss is written in may be
   * built (`activity_regularizer=KLSparsity(RHO, BETA)`): its constructor call binds the loss's settings (laterCells.ts).
   */
  laterCells?: { cells: readonly { number: number; source: string }[]; deadline: Deadline };
  /** Top-level functions by name (a decorated one by its decorated statement): helpers a loss may call. */
  functions: Map<string, Node>;
  /**
   * The loss a top-level `model.compile(loss="categorical_crossentropy")` names, when it is a Keras loss's name: what
   * `self.compiled_loss(y, y_pred)` computes in a Keras `train_step`.
   */
  compiledLoss?: string;
  /** A loss object the compile builds (`loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)`): its literal keywords. */
  compiledLossKwargs?: Record<string, number | string | boolean>;
  /**
   * In a notebook: the functions of `functions` defined in the cells above, not in the cell analysed. Their nodes
   * lie in another cell's text, so what a loss reads from their bodies is placed at the call (python/expr.ts).
   */
  otherCells?: Set<string>;
  /**
   * In a notebook: the imports of the cells above (`from keras import ops` in the first cell, `ops.mean` in the
   * loss's), local name → full dotted path; the cell's own imports win.
   */
  imports?: Map<string, string>;
  /** In a notebook: the framework the cells above import, for a cell that imports nothing itself. */
  framework?: Framework;
  /** Top-level classes by name: a method called on an instance built at module level is followed (python/expr.ts). */
  classes?: Map<string, Node>;
  /**
   * Dicts of the file's functions by key (`FAIR_TERMS = {"parity": parity_gap}`): a loss that picks one
   * (`fn = FAIR_TERMS[kind]; fn(p, y)`) calls that function (python/expr.ts follows it like a helper).
   */
  dispatch?: Map<string, Map<string, string>>;
  /**
   * Top-level `name = Ctor(...)` statements (`criterion = nn.CrossEntropyLoss()`, `penalty = RangePenalty(weight=0.3)`)
   * by name: a loss calling `name(...)` calls that object (python/moduleInstances.ts).
   */
  instances?: Map<string, Node>;
  /**
   * In a notebook: the names of `instances` built in the cells above, whose constructor's arguments lie in another
   * cell's text: what is read from them is placed at the call (python/moduleInstances.ts).
   */
  instanceCells?: Set<string>;
  /**
   * In a notebook: the loss classes of the cells above (a forward taking a prediction and a target): calling an
   * object of one is calling a loss, as calling a loss function of a cell above is.
   */
  cellLossClasses?: Set<string>;
  /**
   * In a notebook: every class of the cells above by name (their trees kept alive): an object of one built and called
   * in this cell (`custom_loss = WeightedMSE(w)`, then `custom_loss(recon, x)`) is followed into its forward/call as one
   * of the cell's own classes is, what is read from its body placed at the call (python/fileClasses.ts).
   */
  cellClasses?: Map<string, Node>;
  /**
   * In a notebook: the last `model.compile(loss=…)` of the other cells (above, then below), whose range is in its
   * own cell: the base of a regularizer or add_loss defined in a cell that does not compile the model itself.
   */
  compiledInCells?: CompiledBase;
  /**
   * Names a Keras functional model assigns a layer's output at module level (`mu = Dense(16)(h)`,
   * `log_sigma = layers.Dense(16, name='s')(h)`): tensors of the model that a loss may read as globals (a VAE's latent
   * head read by `vae_loss(y_true, y_pred)`), not settings.
   */
  layerOutputs?: Set<string>;
  /** The Keras functional model the top-level statements build (kerasGraph.ts): a top-level add_loss reads its tensors. */
  kerasGraph?: KerasGraph;
  /**
   * The file's top-level `NAME = value` statements, by name, the last one: values a loss may read that are built
   * before training from an expression (`EYE = torch.eye(4)`; outsideValues.ts).
   */
  values?: Map<string, Node>;
}

export const emptyModuleScope = (): ModuleScope => ({ constants: new Map(), functions: new Map() });

/** `NAME = <literal>` (optionally annotated) on one line: the name and where the value starts. */
const oneLine = /^([\p{L}_][\p{L}\p{N}_]*)[ \t]*(?::[^=\n]*)?=[ \t]*(?!=)/u;

/** Reads one top-level expression statement into `scope` when it assigns literals to names. */
export function readModuleAssignment(stmt: Node, scope: ModuleScope): void {
  const assignment = stmt.namedChild(0);
  if (assignment?.type !== 'assignment') return;
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  if (!left || !right) return;
  if (left.type === 'identifier') {
    addConstant(scope, left, right);
    return;
  }
  if ((left.type === 'pattern_list' || left.type === 'tuple_pattern') && (right.type === 'expression_list' || right.type === 'tuple')) {
    const names = left.namedChildren.filter((n): n is Node => !!n);
    const values = right.namedChildren.filter((n): n is Node => !!n && !isTrivia(n));
    if (names.length !== values.length) return;
    names.forEach((n, i) => {
      if (n.type === 'identifier') addConstant(scope, n, values[i]);
    });
  }
}

function addConstant(scope: ModuleScope, name: Node, value: Node, prefix = ''): void {
  const wrapped = wrappedLiteral(value);
  const lit = wrapped?.value ?? literalOf(value) ?? arithmeticOf(value) ?? staticItemsOf(value);
  const key = prefix + name.text;
  if (lit === undefined) {
    scope.constants.delete(key); // reassigned to something else: no longer a known constant
    return;
  }
  scope.constants.set(key, { value: lit, nameRange: rangeOf(name), valueRange: rangeOf(wrapped?.at ?? value) });
}

/**
 * `LAM = torch.tensor(0.1)`, `W = tf.constant(0.5, dtype=tf.float32)`: the number a wrapper makes a tensor of
 * (valueWrappers.ts), and where it is written (λ write-back edits it there, inside the call).
 */
function wrappedLiteral(value: Node): { value: number | string | boolean; at: Node } | undefined {
  const callee = value.type === 'call' ? (value.childForFieldName('function')?.text ?? '') : '';
  if (!valueWrappers.test(callee)) return undefined;
  const args = (value.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is Node => !!n && !isTrivia(n));
  const [first, ...rest] = args;
  const keepsOne = rest.every((a) => a.type === 'keyword_argument' && KEEPS_ONE_NUMBER.has(a.childForFieldName('name')?.text ?? ''));
  const lit = first && first.type !== 'keyword_argument' && keepsOne ? literalOf(first) : undefined;
  return typeof lit === 'number' ? { value: wrappedDefault(callee, lit), at: first! } : undefined;
}

/**
 * A top-level class used as a namespace of settings (`class LossWeights: z_loss = 1e-3`): each attribute assigned
 * a literal in its body is the constant `LossWeights.z_loss`, read as a loss reads it.
 */
export function readClassConstants(cls: Node, scope: ModuleScope): void {
  const name = cls.childForFieldName('name')?.text;
  if (!name) return;
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    const right = assignment?.childForFieldName('right');
    if (!(left?.type === 'identifier' && right)) continue;
    const value = fieldDefault(right);
    // `bones: list = field(default_factory=lambda: BONES)`, `pairs = PAIRS`: the module's constant, written there
    const shared = value.type === 'identifier' ? scope.constants.get(value.text) : undefined;
    if (shared && !shared.cell) scope.constants.set(`${name}.${left.text}`, { ...shared, nameRange: rangeOf(left) });
    else addConstant(scope, left, value, `${name}.`);
  }
}

/** Namespaces built from keywords: `SimpleNamespace(kl_weight=0.1)`, `argparse.Namespace(lam=0.5)`. */
const NAMESPACES: ReadonlySet<string> = new Set(['SimpleNamespace', 'Namespace', 'EasyDict', 'edict', 'AttrDict']);

/** Sections of settings nested deeper than this are not read (real configs are two or three levels deep). */
const MAX_SECTION_DEPTH = 4;

/**
 * `cfg = VAEConfig()` / `cfg = VAEConfig(kl_weight=0.1)` with VAEConfig a settings class of the file (its literals
 * read as `VAEConfig.kl_weight`), or `cfg = SimpleNamespace(kl_weight=0.1)`: each setting is the constant
 * `cfg.kl_weight`, valued by the keyword when the call passes one (written back there), else by the class's default.
 */
function readSettingsInstance(name: string, call: Node, scope: ModuleScope, depth = 0): void {
  const callee = call.childForFieldName('function')?.text ?? '';
  const cls = callee.slice(callee.lastIndexOf('.') + 1);
  const prefix = `${cls}.`;
  const isClass = !!scope.classes?.has(callee);
  if (!isClass && !NAMESPACES.has(cls)) return;
  if (isClass) {
    for (const [k, c] of [...scope.constants]) if (k.startsWith(prefix) && !k.slice(prefix.length).includes('.')) scope.constants.set(`${name}.${k.slice(prefix.length)}`, c);
  }
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    const key = arg?.type === 'keyword_argument' ? arg.childForFieldName('name') : null;
    const value = arg?.childForFieldName('value');
    if (!key || !value) continue;
    // a section of the settings (`TRAIN=SimpleNamespace(WEIGHT_DECAY=4e-5)`): its settings are `cfg.TRAIN.WEIGHT_DECAY`
    if (value.type === 'call' && depth < MAX_SECTION_DEPTH) readSettingsInstance(`${name}.${key.text}`, value, scope, depth + 1);
    else addConstant(scope, key, value, `${name}.`);
  }
  // an object of the file's own class: what its `__init__` stores on it (instanceAttrs.ts), over the keywords' names
  const ownClass = isClass ? scope.classes?.get(callee) : undefined;
  if (ownClass) readInstanceAttributes(name, ownClass, call, scope.constants);
}

/** `name = Ctor(` or `name = pkg.Ctor(` on a statement's first line: an object built at module level. */
const instanceAssignment = /^([\p{L}_][\p{L}\p{N}_]*)[ \t]*=[ \t]*(?:[\p{L}_][\p{L}\p{N}_]*\.)*\p{Lu}[\p{L}\p{N}_]*\(/u;

/** Reads `name = Ctor(...)` into `scope.instances`; any other assignment of a name forgets it. Returns whether it was one. */
export function readModuleInstance(stmt: Node, text: string, scope: ModuleScope): boolean {
  const m = instanceAssignment.exec(text);
  // the tree is read only for a statement the text says may build an object (each node read calls into the parser)
  const right = m?.[1] ? stmt.namedChild(0)?.childForFieldName('right') : undefined;
  if (m?.[1] && right?.type === 'call') {
    scope.instances ??= new Map();
    scope.instances.set(m[1], stmt);
    scope.instanceCells?.delete(m[1]); // built again in the cell read: its own
    readSettingsInstance(m[1], right, scope);
    return true;
  }
  const reassigned = oneLine.exec(text)?.[1];
  if (reassigned) scope.instances?.delete(reassigned);
  if (reassigned) scope.instanceCells?.delete(reassigned);
  return false;
}

/** A statement that may assign one name: `name = …`, `name: T = …` (a quick test before reading the tree). */
const assignsName = /^[\p{L}_][\p{L}\p{N}_]*(?:\s|\\)*(?::|=(?!=))/u;

/**
 * `name = Layer(…)(tensor)` (a call of a call: Keras's functional API applying a layer) into `scope.layerOutputs`;
 * any other assignment of the name forgets it.
 */
export function readLayerOutput(stmt: Node, scope: ModuleScope, text = stmt.text): void {
  if (!assignsName.test(text)) return; // not `name = …` (nor `name: T = …`): nothing to read or forget
  const assignment = stmt.namedChild(0);
  const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  if (left?.type !== 'identifier') return;
  const right = assignment?.childForFieldName('right');
  if (right?.type !== 'call' || right.childForFieldName('function')?.type !== 'call') {
    scope.layerOutputs?.delete(left.text);
    return;
  }
  scope.layerOutputs ??= new Set();
  scope.layerOutputs.add(left.text);
}

/** Quick test on a statement's text: could it assign a constant? (skips the tree for everything else) */
export function mayAssignConstant(text: string): boolean {
  const m = oneLine.exec(text);
  // strings, booleans and parenthesised literals (numbers are read by the caller's regex); `A, B = 0.1, 0.2`;
  // a number a wrapper makes a tensor of (`LAM = torch.tensor(0.1)`, wrappedLiteral)
  const rest = m ? text.slice(m[0].length) : '';
  if (m) return /^(?:[-+([\d.]|['"]|True\b|False\b)/.test(rest) || valueWrappers.test(/^[\w.]+(?=\()/.exec(rest)?.[0] ?? '');
  return /^[\p{L}_][\p{L}\p{N}_]*[ \t]*,/u.test(text);
}

/** `NAME = {"key": function_name, …}` at module level: a table of functions by key. */
export function readDispatchTable(stmt: Node, scope: ModuleScope): boolean {
  const assignment = stmt.namedChild(0);
  const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  const right = assignment?.childForFieldName('right');
  if (left?.type !== 'identifier' || right?.type !== 'dictionary') return false;
  const table = new Map<string, string>();
  for (const pair of right.namedChildren) {
    if (!pair || isTrivia(pair)) continue;
    const key = pair.type === 'pair' ? literalOf(pair.childForFieldName('key') as Node) : undefined;
    const value = pair.childForFieldName('value');
    if (typeof key !== 'string' || value?.type !== 'identifier') return false;
    table.set(key, value.text);
  }
  if (table.size === 0) return false;
  scope.dispatch ??= new Map();
  scope.dispatch.set(left.text, table);
  return true;
}
