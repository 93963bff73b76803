// A function is a loss when the file USES it as one, whatever its shape or names (issue 9 §1): passed as
// `loss=`/`criterion=` (compile, a trainer's constructor), given to `compile` second, to `optimizer.minimize`, or
// called to compute the value the file differentiates (`loss = objective(out, y)` … `loss.backward()`,
// `tape.gradient(loss, …)`). And where real code writes it: nested inside a model-building function or method that
// compiles with it, or returned by a factory method (`def custom_loss(self): def c_loss(yt, yp): …; return c_loss`).
// The uses are read from the text, like the file's other loss names, so full and incremental analysis agree.
import type { Node } from 'web-tree-sitter';
import { scanSegments, type TextMemo } from '../parsing/textSegments';
import { bodyStatements, isLossFunction, type LossDef, names } from './discover';
import { readParams } from './params';

export interface LossUses {
  /** Names (as written: `objective`, `self.pair_loss`) passed or called as the loss itself. */
  lossFns: ReadonlySet<string>;
  /** Names called to build the loss that is passed (`loss=make_loss(0.1)`, `loss=self.custom_loss()`). */
  factories: ReadonlySet<string>;
  /** Of lossFns, those handed over as a value (`loss=f`, `compile('adam', f)`, `minimize(f)`), not only called. */
  passed: ReadonlySet<string>;
}

export const noLossUses: LossUses = { lossFns: new Set(), factories: new Set(), passed: new Set() };

const NAME = String.raw`([A-Za-z_][\w.]*)`;
/** `compile(loss=f)`, `Trainer(criterion=f)`, `fit(..., loss_fn=make(0.1))`: a keyword argument naming the loss. */
const lossKeyword = new RegExp(String.raw`[(,]\s*(?:loss|loss_fn|loss_func|lossfn|criterion|objective)\s*=\s*${NAME}\s*(\()?`, 'g');
/** `model.compile('adam', f)`: Keras's second positional argument is the loss. */
const compilePositional = new RegExp(String.raw`\.compile\(\s*(?:[^,()]*|[\w.]+\([^()]*\))\s*,\s*${NAME}\s*(\()?`, 'g');
/** `opt.minimize(f, var_list)` (a callable loss), `opt.minimize(lambda: f(x, y), …)`. */
const minimizeArg = new RegExp(String.raw`\.minimize\(\s*(?:lambda\s*:\s*)?${NAME}\s*(\()?`, 'g');
/** `tape.gradient(loss, …)`: a local the file differentiates. */
const gradientOf = /\.gradient\(\s*([A-Za-z_]\w*)\s*,/g;
const backwardCall = /\s*\.backward\(/g;

/**
 * What `.backward()` is called on: a local (`loss.backward()`) or a call (`f(out, y).backward()`, its callee). Read
 * back from each `.backward(`, so the cost follows the calls, not the file's length.
 */
function backwardTargets(source: string): { locals: string[]; callees: string[] } {
  const locals: string[] = [];
  const callees: string[] = [];
  for (const m of source.matchAll(backwardCall)) {
    let end = m.index;
    if (source[end - 1] === ')') {
      let depth = 0;
      for (end -= 1; end >= 0; end--) {
        if (source[end] === ')') depth++;
        else if (source[end] === '(' && --depth === 0) break;
      }
      const callee = /([A-Za-z_][\w.]*)$/.exec(source.slice(Math.max(0, end - 200), end))?.[1];
      if (callee) callees.push(callee);
    } else {
      const local = /\b([A-Za-z_]\w*)$/.exec(source.slice(Math.max(0, end - 200), end))?.[1];
      if (local) locals.push(local);
    }
  }
  return { locals, callees };
}

/**
 * `name = f(…)` / `name += f(…)` at a statement's start, read in one pass (the names asked about are looked up in
 * what it finds: a regular expression per name made the analysis quadratic in files with many losses).
 */
const assignedCall = new RegExp(String.raw`(?:^|[\s;])([A-Za-z_]\w*)\s*(\+?)=\s*${NAME}\(`, 'gm');
/** `(loss, _), logs = f(` / `loss, parts = f(` at a line's start: an unpacked call (names read from the pattern). */
const unpackedCall = new RegExp(String.raw`^[ \t]*([(\[]?[A-Za-z_][\w \t,()\[\]]*,[\w \t,()\[\]]*?)\s*=\s*${NAME}\(`, 'gm');
/** `name = Cls(…)`, `self.name = Cls(…)`, `f(criterion=Cls(…))`: what builds a name. */
const boundCall = new RegExp(String.raw`(?:^|[\s;(,])([A-Za-z_][\w.]*)\s*=\s*${NAME}\(`, 'gm');

/** What one piece of text shows, each scan's matches in order (the names `readLossUses` looks up later). */
interface UseMatches {
  /** `loss=f`, then `compile('adam', f)`: [name, called]. */
  passed: [[string | undefined, string | undefined][], [string | undefined, string | undefined][]];
  /** `.minimize(…)`: [name, called, through a lambda]. */
  minimized: [string | undefined, string | undefined, boolean][];
  backward: { locals: string[]; callees: string[] };
  gradients: string[];
  /** `x = f(` / `x += f(`, and each name of `(x, _), logs = f(`: [x, f]. */
  assigned: [string, string | undefined][];
  /** `x = Cls(`: [x, Cls]. */
  bound: [string, string | undefined][];
}

const passedBy = (source: string, re: RegExp): [string | undefined, string | undefined][] => [...source.matchAll(re)].map((m) => [m[1], m[2]]);

function useMatches(source: string): UseMatches {
  return {
    passed: [passedBy(source, lossKeyword), passedBy(source, compilePositional)],
    minimized: [...source.matchAll(minimizeArg)].map((m) => [m[1], m[2], m[0].includes('lambda')]),
    backward: backwardTargets(source),
    gradients: [...source.matchAll(gradientOf)].map((m) => m[1]!),
    assigned: [
      ...[...source.matchAll(assignedCall)].map((m): [string, string | undefined] => [m[1]!, m[3]]),
      ...[...source.matchAll(unpackedCall)].flatMap((m) => (m[1]!.match(/[A-Za-z_]\w*/g) ?? []).map((n): [string, string | undefined] => [n, m[2]])),
    ],
    bound: [...source.matchAll(boundCall)].map((m) => [m[1]!, m[2]]),
  };
}

/**
 * What the file passes or calls as its loss, by name. Read per top-level segment (parsing/textSegments.ts; with a
 * memo, an edit re-reads only its own segment), then put together in the order one scan of the whole text finds them.
 */
export function readLossUses(source: string, memo?: TextMemo): LossUses {
  const lossFns = new Set<string>();
  const factories = new Set<string>();
  const passed = new Set<string>();
  const note = (name: string | undefined, called: boolean | string | undefined, asValue = false) => {
    if (!name || /^(?:tf|torch|nn|F|K|keras|losses)\b/.test(name)) return;
    (called ? factories : lossFns).add(name);
    if (asValue && !called) passed.add(name);
  };
  const parts = scanSegments(source, memo, 'lossUses', useMatches).map((p) => p.value);
  for (const which of [0, 1]) for (const part of parts) for (const [name, called] of part.passed[which]!) note(name, called, true);
  for (const part of parts) for (const [name, called, lambda] of part.minimized) note(name, lambda ? undefined : called, !lambda);
  for (const part of parts) for (const callee of part.backward.callees) note(callee, undefined);
  const vars = new Set<string>(parts.flatMap((p) => p.backward.locals));
  for (const part of parts) for (const g of part.gradients) vars.add(g);
  // `loss = objective(out, y)` / `loss += penalty(w)` for a differentiated `loss`
  for (const part of parts) for (const [name, callee] of part.assigned) if (vars.has(name)) note(callee, undefined);
  // `criterion = PortfolioLoss(...)` then `criterion(out, y)` differentiated: the class builds the loss
  const lossNames = new Set([...lossFns].map((v) => v.replace(/^self\./, '')));
  for (const part of parts) for (const [name, callee] of part.bound) if (lossNames.has(name.replace(/^self\./, ''))) note(callee, true);
  return { lossFns, factories, passed };
}

/** Whether the file builds its loss from this class (`criterion = Cls(…)` then used, `loss=Cls(…)`). */
export const buildsUsedLoss = (uses: LossUses, className: string): boolean => [...uses.factories].some((f) => f === className || f.endsWith(`.${className}`));

const positional = (fn: Node): number => readParams(fn.childForFieldName('parameters')).filter((p) => !p.variadic && p.name !== 'self' && p.default === undefined).length;

/**
 * A function the file uses as its loss that no shape found (`def objective(a, b)` passed to compile). A top-level
 * function only CALLED where the loss is differentiated (`loss = add_penalty(net, ce)`) is not: the loop's own inline
 * loss reads it there, following it into its body with what the loop passes (`onlyPassed`).
 */
export function usedFunction(fn: Node, uses: LossUses, ref: string, onlyPassed = false): LossDef | undefined {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode || !(onlyPassed ? uses.passed : uses.lossFns).has(ref) || positional(fn) < 2) return undefined;
  const params = readParams(fn.childForFieldName('parameters'));
  const own = params.filter((p) => p.name !== 'self');
  return { kind: 'function', name: nameNode.text, nameNode, defNode: fn, fn, params: own, outerParams: [], outerStatements: [], moduleAttrs: [], bindNames: names(own), usedAsLoss: true };
}

/** The function definitions inside `fn`'s body, at any depth of blocks but not inside a nested class or def. */
function innerDefs(block: Node | null): Node[] {
  const out: Node[] = [];
  for (const s of block?.namedChildren ?? []) {
    if (!s) continue;
    const stmt = s.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    if (stmt?.type === 'function_definition') out.push(stmt);
    else if (stmt && stmt.type !== 'class_definition') for (const b of stmt.namedChildren) if (b && (b.type === 'block' || /clause$/.test(b.type))) out.push(...innerDefs(b.type === 'block' ? b : b.childForFieldName('body') ?? b));
  }
  return out;
}

/** Whether `name` is handed over as a value in `scope` (an argument, an assignment's value, an item), not only called. */
function passedAsValue(scope: Node, name: string, def: Node): boolean {
  for (const id of scope.descendantsOfType('identifier')) {
    if (!id || id.text !== name || id.parent?.id === def.id) continue;
    const p = id.parent;
    if (!p || (p.type === 'call' && p.childForFieldName('function')?.id === id.id)) continue;
    if (p.type === 'argument_list' || p.type === 'keyword_argument' || p.type === 'assignment' || p.type === 'list' || p.type === 'pair' || p.type === 'tuple') return true;
  }
  return false;
}

/** The statements of `outer` that run before the one holding `inner` (their locals are the inner def's closure). */
function statementsBefore(outer: Node, inner: Node): Node[] {
  const stmts = bodyStatements(outer);
  const i = stmts.findIndex((s) => s.startIndex <= inner.startIndex && inner.endIndex <= s.endIndex);
  return i < 0 ? [] : stmts.slice(0, i);
}

/**
 * Losses defined inside a function or method and used there or by the file: `def build(self): … def pdf_mse(y_true,
 * y_pred): …; model.compile(loss=pdf_mse)`. The enclosing function's parameters and earlier locals are its closure;
 * a method's `self` stays its class's (className). A def the enclosing function returns is a factory's (discover.ts).
 */
export function nestedLosses(outer: Node, uses: LossUses, className?: string): LossDef[] {
  const returned = new Set(bodyStatements(outer).filter((s) => s.type === 'return_statement').map((s) => s.namedChild(0)?.text));
  const out: LossDef[] = [];
  for (const inner of innerDefs(outer.childForFieldName('body'))) {
    const nameNode = inner.childForFieldName('name');
    if (!nameNode || returned.has(nameNode.text)) continue;
    const used = uses.lossFns.has(nameNode.text) && positional(inner) >= 2;
    if (!used && !(isLossFunction(inner, false) && passedAsValue(outer, nameNode.text, inner))) continue;
    const outerParams = readParams(outer.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic);
    const params = readParams(inner.childForFieldName('parameters'));
    const def: LossDef = {
      kind: 'function', name: nameNode.text, nameNode, defNode: inner, fn: inner, params, outerParams,
      outerStatements: statementsBefore(outer, inner), moduleAttrs: [], bindNames: names(params), usedAsLoss: true,
    };
    if (className) def.className = className;
    out.push(def);
  }
  return out;
}
