// A total built from the trained loss and a penalty that never reaches the gradient (rule LL115):
//   loss = criterion(pred, y)
//   total = loss + lambda_l1 * l1        ← the penalty is computed…
//   loss.backward()                      ← …and the loss alone is trained
// The same with `tape.gradient(loss, …)` in a Keras step, or a loss function that builds the total and returns its
// base. The total is "used" when it is trained (its own `.backward()`, `tape.gradient(total, …)`, `return total`,
// a call ending in `backward` that is handed it) or becomes the loss again (`loss = total`); otherwise it is logged
// at most, and the penalty is dead code a reviewer would flag.
import type { Node } from 'web-tree-sitter';
import type { DroppedTotal } from '../ir';
import { rangeOf } from '../parsing/range';
import { namedChildren } from './forward';

const named = namedChildren;
const scopeBoundaries: ReadonlySet<string> = new Set(['function_definition', 'class_definition', 'lambda']);

/** Nodes of `type` under `root`, not inside a nested function or class (their names are another scope). */
function ownDescendants(root: Node, types: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (types.has(n.type)) out.push(n);
    for (const c of named(n)) if (!scopeBoundaries.has(c.type)) visit(c);
  };
  visit(root);
  return out;
}

const unparen = (n: Node): Node => (n.type === 'parenthesized_expression' && n.namedChild(0) ? unparen(n.namedChild(0) as Node) : n);

/** The operands a sum adds (`a + b - c`, `torch.add(a, b)`), each with its sign; anything else is one operand. */
function addends(n: Node, sign = 1): { node: Node; sign: number }[] {
  const e = unparen(n);
  const op = e.type === 'binary_operator' ? e.childForFieldName('operator')?.text : undefined;
  if (op === '+' || op === '-') {
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    if (left && right) return [...addends(left, sign), ...addends(right, op === '-' ? -sign : sign)];
  }
  const fn = e.type === 'call' ? e.childForFieldName('function')?.text.replace(/\s+/g, '') : undefined;
  const args = fn && /^(torch|tf|tf\.math)\.add$/.test(fn) ? named(e.childForFieldName('arguments')) : [];
  if (args.length === 2 && args.every((a) => a.type !== 'keyword_argument')) return [...addends(args[0], sign), ...addends(args[1], sign)];
  return [{ node: e, sign }];
}

/** An addend that can carry a penalty: it reads a name or calls something (not a literal offset). */
const carriesValue = (n: Node): boolean => n.type === 'identifier' || n.descendantsOfType(['identifier']).length > 0;

/** Reads that only report a value: `total.item()`, `float(total)`, `print(…)`, `writer.add_scalar(…)`, `log(…)`. */
const reportsOnly = /^(item|detach|cpu|numpy|tolist|float|str|print|format|set_postfix|add_scalars?|log\w*|info|debug|warning|update_state)$/;
const calleeOf = (call: Node): string | undefined => {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
};

/**
 * Whether a read of the total may train it: handed to a backward, a gradient or (in a loss function) a return, or to
 * anything that is not plainly a report (conservative: an unknown call or another name may carry it on to training).
 */
function mayTrain(read: Node, returnTrains: boolean): boolean {
  for (let cur: Node = read; cur.parent; cur = cur.parent) {
    const up: Node = cur.parent;
    if (scopeBoundaries.has(up.type) || up.type === 'interpolation') return false;
    if (up.type === 'return_statement' || up.type === 'yield') return returnTrains;
    if (up.type === 'call' || (up.type === 'attribute' && up.parent?.type === 'call' && up.parent.childForFieldName('function')?.id === up.id)) {
      const call = up.type === 'call' ? up : (up.parent as Node);
      const callee = calleeOf(call) ?? '';
      // `total.backward()`, `scaler.scale(total).backward()`, `accelerator.backward(total)`, `tape.gradient(total, …)`
      if (/backward$|^(gradient|minimize)$/.test(callee)) return true;
      if (reportsOnly.test(callee)) return false;
      if (up.type === 'call') return true;
    }
    if (up.type === 'assignment' || up.type === 'augmented_assignment') return up.childForFieldName('left')?.id !== cur.id;
    if (up.type === 'expression_statement') return false;
  }
  return false;
}

/**
 * In `scope` (a function, or a script's loop), the first `total = lossVar + penalty…` whose total is never trained
 * while `anchor` (the `loss` in `loss.backward()`, `tape.gradient(loss, …)`, `return loss`) trains `lossVar` alone.
 */
export function droppedTotalOf(scope: Node, anchor: Node, lossVar: string): DroppedTotal | undefined {
  // a step that trains by `.backward()` / `tape.gradient` returns its figures for logging; a loss function's return
  // is what the caller trains
  const returnTrains = anchor.parent?.type === 'return_statement';
  // one walk of the scope: its assignments (the totals) and its names (their reads)
  const own = ownDescendants(scope, new Set(['assignment', 'identifier']));
  const assignments = own.filter((n) => n.type === 'assignment');
  const identifiers = own.filter((n) => n.type === 'identifier');
  const lossSets = assignments.filter((a) => a.childForFieldName('left')?.text === lossVar).map((a) => a.startIndex);
  for (const a of assignments) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || left.text === lossVar) continue;
    const parts = addends(right);
    const base = parts.find((p) => p.node.type === 'identifier' && p.node.text === lossVar && p.sign > 0);
    const added = parts.filter((p) => p !== base && carriesValue(p.node));
    if (!base || added.length === 0) continue;
    // the loss set again between the total and the anchor (`loss = loss + lam * l1`): the anchor trains that one
    if (a.startIndex < anchor.startIndex && lossSets.some((at) => at > a.startIndex && at < anchor.startIndex)) continue;
    const reads = identifiers.filter((n) => n.text === left.text && n.id !== left.id);
    if (reads.some((r) => mayTrain(r, returnTrains))) continue;
    return {
      name: left.text,
      range: rangeOf(a),
      lossVar,
      added: added.map((p, i) => `${p.sign < 0 ? '- ' : i > 0 ? '+ ' : ''}${p.node.text}`).join(' '),
      anchorRange: rangeOf(anchor),
      anchorLine: anchor.startPosition.row + 1,
      ...(returnTrains ? { returned: true as const } : {}),
    };
  }
  return undefined;
}

/**
 * LL115 for an inline loss: `method` is the function or the script's statement that trains, `anchorStmt` the
 * statement with the `.backward()` / `tape.gradient(…)`. A script with no loop (`loss.backward()` at module level)
 * reads the whole module.
 */
export function droppedAt(method: Node, anchorStmt: Node, lossVar: string): DroppedTotal | undefined {
  const anchor = ownDescendants(anchorStmt, new Set(['identifier'])).find((n) => n.text === lossVar);
  if (!anchor) return undefined;
  const scope = method.type === 'expression_statement' && method.parent?.type === 'module' ? method.parent : method;
  return droppedTotalOf(scope, anchor, lossVar);
}

/** LL115 for a loss function that returns a name (`return base` after `total = base + lam * p`). */
export function droppedByReturn(fn: Node, returned: Node): DroppedTotal | undefined {
  if (returned.type !== 'identifier' || returned.parent?.type !== 'return_statement') return undefined;
  return droppedTotalOf(fn, returned, returned.text);
}
