// A loss written inline in a training function takes its settings from the function's parameters
// (`def train(model, loader, epochs, l1_lambda): … loss = criterion(out, y) + l1_lambda * l1; loss.backward()`), and
// the file calls that function with them (`train(net, loader, 5, 1e-4)`, `train(model, lam=args.lam)`): that call
// runs the loss, as a factory call builds one. Each is the loss's 'factory-call' usage binding those values by
// parameter name over their defaults (LossUsage.boundArgs), so λ reads as the code runs it (bound.ts), the trainer
// runs with it, LL103 sees a λ of zero passed there, and write-back edits the literal where it is written.
import type { Node } from 'web-tree-sitter';
import type { LossModel, LossUsage, SourceRange } from '../ir';
import { callNames } from '../parsing/callNames';
import { parseBefore } from '../parsing/deadline';
import { sharedParser } from '../parsing/parsers';
import { rangeOf } from '../parsing/range';
import type { ModuleConstant, ModuleScope } from './moduleScope';
import { literalOf, readParams } from './params';
import { definitionOf } from './passedAs';
import { passedValue } from './passedValue';
import { argsOf, boundArgs, callAt } from './usages';

/** Losses read from a training function's body, whose free settings are that function's parameters. */
const INLINE_KINDS: ReadonlySet<LossModel['kind']> = new Set(['inline', 'add-loss', 'training-step']);

/** The module-level function (not a method) whose definition starts where the loss's range does. */
function enclosingFunction(root: Node, model: LossModel): Node | undefined {
  for (const top of root.namedChildren) {
    const fn = top?.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
    if (fn?.type === 'function_definition' && fn.startPosition.row === model.range.startLine && fn.startPosition.column === model.range.startCol) return fn;
  }
  return undefined;
}

/** Where each number literal passed by position is written: write-back edits it there (a keyword one is found by its name). */
function positionalLiterals(names: readonly string[], positional: readonly Node[]): Record<string, SourceRange> {
  const out: Record<string, SourceRange> = {};
  positional.forEach((node, i) => {
    const name = names[i];
    if (name && typeof literalOf(node) === 'number') out[name] = rangeOf(node);
  });
  return out;
}

const inside = (node: Node, fn: Node): boolean => node.startIndex >= fn.startIndex && node.endIndex <= fn.endIndex;

type TrainingFunctions = Map<string, { fn: Node; models: LossModel[] }>;

/**
 * The plain calls (`train(…)`, not `obj.train(…)`) in `root` of the functions `byName` holds, each with the name it
 * calls; in the functions' own tree (`ownTree`) a recursive call is left out, as it passes their own names, not values.
 */
function* callsOf(root: Node, source: string, byName: ReadonlyMap<string, { fn: Node }>, ownTree: boolean): Generator<{ name: string; call: Node }> {
  for (const { name, index } of callNames(source)) {
    const fn = byName.get(name)?.fn;
    const call = fn ? callAt(root, index) : undefined;
    if (fn && call?.childForFieldName('function')?.type === 'identifier' && !(ownTree && inside(call, fn))) yield { name, call };
  }
}

/**
 * The module-level function a loss is nested in and compiled or used in, never returned from (`def
 * create_fair_network(model, …, lambda_value)` holding `def custom_loss(y_true, y_pred)` and its `model.compile`):
 * the loss reads that function's parameters (origin 'factory'), which a call of the function binds. A factory the file
 * calls to build its loss already has that call (usages.ts), so it is left out.
 */
function holdingFunction(root: Node, model: LossModel): Node | undefined {
  if (model.className || !model.params.some((p) => p.origin === 'factory') || model.usages.some((u) => u.kind === 'factory-call' || u.kind === 'partial')) return undefined;
  for (const top of root.namedChildren) {
    const fn = top?.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
    if (fn?.type !== 'function_definition' || fn.startPosition.row >= model.range.startLine || fn.endPosition.row < model.range.endLine) continue;
    const names = new Set(readParams(fn.childForFieldName('parameters')).map((p) => p.name));
    return model.params.some((p) => p.origin === 'factory' && names.has(p.name)) ? fn : undefined;
  }
  return undefined;
}

/** The file's module-level functions that hold inline losses (or a loss nested and used there), by name. */
function trainingFunctions(root: Node, models: LossModel[]): TrainingFunctions {
  const byFunction: TrainingFunctions = new Map();
  for (const m of models) {
    const fn = INLINE_KINDS.has(m.kind) && !m.className ? enclosingFunction(root, m) : holdingFunction(root, m);
    const name = fn?.childForFieldName('name')?.text;
    if (!fn || !name) continue;
    const entry = byFunction.get(name) ?? { fn, models: [] };
    entry.models.push(m);
    byFunction.set(name, entry);
  }
  return byFunction;
}

/**
 * Adds the calls of those functions in `callRoot` (the file, or a later notebook cell: `cell` is then its number)
 * to their losses' usages.
 */
function bindCallsIn(callRoot: Node, source: string, byFunction: TrainingFunctions, constants: ReadonlyMap<string, ModuleConstant>, cell?: number): void {
  for (const { name, call } of callsOf(callRoot, source, byFunction, cell === undefined)) {
    const entry = byFunction.get(name)!;
    const names = readParams(entry.fn.childForFieldName('parameters')).filter((p) => !p.variadic).map((p) => p.name);
    const { positional, keyword } = argsOf(call);
    const binding = boundArgs(names, positional, keyword, (node) => passedValue(node, constants));
    for (const m of entry.models) {
      const own = Object.keys(binding.boundArgs ?? {}).filter((k) => m.params.some((p) => p.name === k));
      if (own.length === 0) continue;
      const pick = <V>(r: Record<string, V>): Record<string, V> => Object.fromEntries(own.filter((k) => k in r).map((k) => [k, r[k] as V]));
      const usage: LossUsage = { kind: 'factory-call', range: rangeOf(call), boundArgs: pick(binding.boundArgs ?? {}) };
      // where a literal is written in another cell is that cell's text, which write-back reads by the call (notebookSites.ts)
      const at = cell === undefined ? { ...positionalLiterals(names, positional), ...binding.boundAt } : {};
      if (Object.keys(at).length > 0) usage.boundAt = pick(at);
      if (cell !== undefined) usage.cell = cell;
      m.usages.push(usage);
    }
  }
}

/**
 * Adds to each inline loss of a module-level function the calls of that function in the file, and in a notebook the
 * calls in the cells below (`def train(…)` in one cell, `train(net, loader, 1e-4)` in the next), in place.
 */
export function bindEnclosingCalls(root: Node, source: string, models: LossModel[], module: ModuleScope): void {
  const byFunction = trainingFunctions(root, models);
  if (byFunction.size === 0) return;
  bindCallsIn(root, source, byFunction, module.constants);
  const later = module.laterCells;
  if (!later) return;
  const parser = sharedParser('python');
  for (const cell of later.cells) {
    if (![...byFunction.keys()].some((name) => cell.source.includes(`${name}(`))) continue;
    const tree = parseBefore(parser, cell.source, later.deadline);
    try {
      bindCallsIn(tree.rootNode, cell.source, byFunction, module.constants, cell.number);
    } finally {
      tree.delete();
    }
  }
}

const definitionScopes: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);

/** Training function → loss function → helper: hand-offs of the settings object followed before giving up. */
const MAX_PASSING_DEPTH = 3;

/**
 * `sequence_loss(pred, y, config)` inside `def train(model, loader, config)`, which the script calls with CONFIG: the
 * enclosing function's parameter stands for that module name, so this call passes it on (its node, else undefined).
 */
function passedOn(call: Node, arg: Node, depth: number): Node | undefined {
  let scope: Node | null = call.parent;
  while (scope && !definitionScopes.has(scope.type)) scope = scope.parent;
  if (scope?.type !== 'function_definition') return undefined;
  return paramsPassedModuleNames(scope, depth + 1).find((b) => b.name === arg.text)?.node;
}

/** Whether a `for` statement or a comprehension inside `scope` binds `name` (`for x, y in loader:`, `for i, (x, y) in …`). */
function boundByLoop(scope: Node, name: string): boolean {
  return scope.descendantsOfType(['for_statement', 'for_in_clause']).some((f) => (f?.childForFieldName('left')?.descendantsOfType('identifier') ?? []).some((id) => id?.text === name));
}

/**
 * True when the name `arg` passes is a module global where the call runs: the call is at module level (a script
 * line, a main block), or in a function (`main()`) that neither takes nor assigns that name.
 */
function passesGlobal(call: Node, arg: Node): boolean {
  let scope: Node | null = call.parent;
  while (scope && !definitionScopes.has(scope.type)) scope = scope.parent;
  if (!scope) return true;
  if (scope.type !== 'function_definition') return false;
  if (readParams(scope.childForFieldName('parameters')).some((p) => p.name === arg.text)) return false;
  // a loop's variable (`for x, y in loader: loss_fn(model(x), y)`) is a local of the function, a batch, not a setting
  if (boundByLoop(scope, arg.text)) return false;
  return !new RegExp(`^[ \\t]*(?:global[ \\t]+)?${arg.text}[ \\t]*(?:,[^=\\n]*)?=[^=]`, 'm').test(scope.text);
}

/**
 * The parameters of a module-level training function that every call in the file passes the same module-level name
 * (`train(model, loader, CFG)` in the main block, with `CFG = Config(l1_weight=2e-4)` or `CONFIG = {…}` there or at
 * the top): inside the function the parameter IS that object, so its reads (`cfg.l1_weight`, `config["lam"]`) are the
 * module's settings. Each as the name and the argument node to read in its place (InlineSpec.bound).
 */
export function paramsPassedModuleNames(fn: Node, depth = 0): { name: string; node: Node }[] {
  const name = fn.childForFieldName('name')?.text;
  const top = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  if (!name || top.parent?.type !== 'module' || depth > MAX_PASSING_DEPTH) return [];
  const params = readParams(fn.childForFieldName('parameters')).filter((p) => !p.variadic && p.name !== 'self');
  const root = top.parent;
  const passed = new Map<string, Node[]>();
  let calls = 0;
  for (const { call } of callsOf(root, root.text, new Map([[name, { fn }]]), true)) {
    calls++;
    const { positional, keyword } = argsOf(call);
    params.forEach((p, i) => {
      const arg = keyword.get(p.name) ?? positional[i];
      const global = arg?.type === 'identifier' ? (passesGlobal(call, arg) ? arg : passedOn(call, arg, depth)) : undefined;
      if (global) passed.set(p.name, [...(passed.get(p.name) ?? []), global]);
    });
  }
  const out: { name: string; node: Node }[] = [];
  for (const [param, args] of passed) {
    const first = args[0];
    // passed under its own name (`train(…, cfg)`), only a settings object read by its fields is bound: a callable
    // passed so (`train_loop(…, loss_fn)`) stays the parameter the loop calls, a loss of its own
    const sameName = first?.text === param;
    if (first && args.length === calls && args.every((a) => a.text === first.text) && readAsSettings(fn, param, 0, !sameName)) out.push({ name: param, node: first });
  }
  return out;
}

/** The parameter of `def` that the argument `arg` of a call binds (by keyword, else by position), if any. */
function paramBound(def: Node, arg: Node, method = false): string | undefined {
  const list = arg.parent;
  if (list?.type !== 'argument_list') return undefined;
  const params = readParams(def.childForFieldName('parameters')).filter((p) => !p.variadic).slice(method ? 1 : 0);
  const positional = list.namedChildren.filter((n) => n?.type !== 'keyword_argument' && n?.type !== 'comment');
  return params[positional.findIndex((n) => n?.id === arg.id)]?.name;
}

/**
 * True when the function reads `param` only as settings or a callable: its attributes (`cfg.l1_weight`) and entries
 * (`config["lam"]`), calls of it (`loss_fn(logits, yb)`, the criterion the script built), or hands it on to a plain
 * call (`sequence_loss(pred, y, config)`), never its methods or the object itself. A model whose weights are read (`model.parameters()`) or a loader iterated keeps the reading a
 * parameter has.
 */
function readAsSettings(fn: Node, param: string, depth = 0, calls = true): boolean {
  const body = fn.childForFieldName('body');
  const uses = (body?.descendantsOfType('identifier') ?? []).filter((id): id is Node => id?.text === param);
  const calledAsFunction = (n: Node): boolean => n.parent?.type === 'call' && n.parent.childForFieldName('function')?.id === n.id;
  return (
    uses.length > 0 &&
    uses.every((id) => {
      const parent = id.parent;
      if (calledAsFunction(id)) return calls;
      // handed on to a function of the file (`sequence_loss(pred, y, config)`) that reads it the same way; a
      // library call (`l2(alpha)`) takes a value, and so does a loss function that reads its tensor (`cluster_loss(
      // logits, labels)` with `F.cross_entropy(logits, labels)`): the parameter stays the parameter it binds
      const callee = parent?.type === 'argument_list' ? parent.parent?.childForFieldName('function') : undefined;
      // a function of the file, or the forward of a criterion object the function makes (`smoother(out, epoch, cfg)`
      // with `smoother = Smoother()`)
      const found = callee?.type === 'identifier' ? definitionOf(callee, id) : undefined;
      const def = found?.def;
      if (def) {
        const bound = paramBound(def, id, found.method);
        return bound === undefined || depth >= MAX_PASSING_DEPTH || readAsSettings(def, bound, depth + 1, calls);
      }
      // (under its own name, only entries by key: `ys[i:i + 32]` slices data, `config["lam"]` reads a setting)
      if (parent?.type === 'subscript') return parent.childForFieldName('value')?.id === id.id && (calls || parent.childForFieldName('subscript')?.type === 'string');
      if (parent?.type !== 'attribute' || parent.childForFieldName('object')?.id !== id.id) return false;
      return !calledAsFunction(parent);
    })
  );
}
