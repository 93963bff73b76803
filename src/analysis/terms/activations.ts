// Activations a loss applies to its prediction itself (`probs = torch.sigmoid(logits)`, `F.softmax(y_pred, dim=1)`):
// a penalty on those values constrains the activation's output, not the raw prediction. Read through them, a
// penalty's shape is recognised as usual (constraints.ts) and says which activation it constrains (`on`), so the
// trainer measures the violation on the same values; rule LL109 reads them to find penalties they make redundant.
import type { Expr, OutputTransform } from '../ir';
import { childrenOf, isYPred } from './expr';

/** Activations read through, by op name (the last segment of a callee, or a method). */
export const INSIDE_ACTIVATIONS: ReadonlySet<string> = new Set(['softmax', 'sigmoid', 'tanh']);

const opName = (e: Expr): string | undefined => (e.kind === 'call' ? (e.callee.split('.').pop() ?? e.callee) : e.kind === 'method' ? e.method : undefined);
const operand = (e: Expr): Expr | undefined => (e.kind === 'method' ? e.object : e.kind === 'call' ? e.args[0] : undefined);

/** The activation `e` applies to the prediction, when it is one: `torch.sigmoid(y_pred)`, `y_pred.softmax(-1)`. */
export function activationOfPred(e: Expr): string | undefined {
  const op = opName(e);
  const arg = operand(e);
  return op && INSIDE_ACTIVATIONS.has(op) && arg && isYPred(arg) ? op : undefined;
}

/** The expression with every `activation(y_pred)` read as `y_pred` itself. */
export function throughActivations(e: Expr): Expr {
  if (activationOfPred(e)) return operand(e) as Expr;
  const clone = { ...e } as Record<string, unknown>;
  for (const [k, v] of Object.entries(clone)) {
    if (k === 'range') continue;
    if (Array.isArray(v)) clone[k] = v.map((x) => (isExpr(x) ? throughActivations(x) : x));
    else if (isExpr(v)) clone[k] = throughActivations(v);
    else if (k === 'kwargs' && v && typeof v === 'object') clone[k] = Object.fromEntries(Object.entries(v).map(([n, x]) => [n, throughActivations(x as Expr)]));
  }
  return clone as unknown as Expr;
}
const isExpr = (x: unknown): x is Expr => !!x && typeof x === 'object' && 'kind' in x && 'range' in x;

/** Transforms the trainer can apply to its predictions before measuring a violation. */
const TRANSFORMS: Readonly<Record<string, OutputTransform>> = { sigmoid: 'sigmoid', softmax: 'softmax', tanh: 'tanh' };

/**
 * The one activation through which `e` reads the prediction, when it reads it only through that activation (a
 * softmax over another axis than the last does not count): the transform a recognised constraint is `on`.
 */
export function soleActivation(e: Expr): OutputTransform | undefined {
  const seen = new Set<string>();
  let raw = false;
  const visit = (n: Expr): void => {
    const act = activationOfPred(n);
    if (act) {
      seen.add(lastAxis(n) ? act : 'other');
      return;
    }
    if (isYPred(n)) raw = true;
    for (const c of childrenOf(n)) visit(c);
  };
  visit(e);
  if (raw || seen.size !== 1) return undefined;
  return TRANSFORMS[[...seen][0]!];
}

/** Whether a softmax is over the last axis (`dim=-1`, `dim=1` of [B, C] outputs, or no axis); other activations: yes. */
function lastAxis(e: Expr): boolean {
  if (opName(e) !== 'softmax' || (e.kind !== 'call' && e.kind !== 'method')) return true;
  const axis = e.kwargs['dim'] ?? e.kwargs['axis'] ?? (e.kind === 'method' ? e.args[0] : e.args[1]);
  if (!axis) return true;
  const v = axis.kind === 'number' ? axis.value : axis.kind === 'unary' && axis.op === '-' && axis.operand.kind === 'number' ? -axis.operand.value : undefined;
  return v === -1 || v === 1;
}
