// A further output of the model's call (LossParam.modelOutput: `neg = model(neg_batch)`, `pos, neg, rows = model(…)`)
// that the loss pairs with the prediction, element by element (`margin + pos - neg`, `neg_scores - pos_scores`) or
// as a dot product (`(u * v).sum(dim=1)`), has the prediction's shape: the model's output on another batch, or a
// second head as wide as the first. The trial gives it a block of the last hidden layer as wide as the prediction
// (mappedLoss.ts `embedding`), not the whole layer, whose width no prediction shares. Pure data over the IR.
import type { Expr, LossModel } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';
import { usageOf } from './tensorUsage';

type Elementwise = Extract<Expr, { kind: 'binary' }>;

const ELEMENTWISE = new Set(['+', '-', '*', '/']);
const isElementwise = (e: Expr | undefined): e is Elementwise => e?.kind === 'binary' && ELEMENTWISE.has(e.op);

/** Functions of each element: what they return has their argument's shape. */
const ELEMENT_FUNCTIONS = new Set(['exp', 'log', 'log1p', 'expm1', 'sigmoid', 'tanh', 'relu', 'softplus', 'abs', 'sqrt', 'square', 'clamp', 'clip', 'clip_by_value']);
const lastName = (callee: string): string => callee.slice(callee.lastIndexOf('.') + 1);

/** Whether `outer` applies a function of each element to `inner` (`-rate`, `torch.exp(rate)`, `rate.exp()`). */
function keepsShape(outer: Expr, inner: Expr): boolean {
  if (outer.kind === 'unary') return outer.operand === inner;
  if (outer.kind === 'call') return outer.args[0] === inner && ELEMENT_FUNCTIONS.has(lastName(outer.callee));
  return outer.kind === 'method' && outer.object === inner && ELEMENT_FUNCTIONS.has(outer.method);
}

/** Whether `e` is the prediction itself, or an element-wise expression of it (`pos_scores`, `margin + pos`, `-pred`). */
function predictionShaped(e: Expr): boolean {
  if (e.kind === 'name') return e.ref === 'yPred';
  if (e.kind === 'unary') return predictionShaped(e.operand);
  return isElementwise(e) && (predictionShaped(e.left) || predictionShaped(e.right));
}

/** Each occurrence of the parameter `name`, with its ancestors, nearest first. */
function occurrences(loss: LossModel, name: string): Expr[][] {
  const out: Expr[][] = [];
  const visit = (e: Expr, ancestors: Expr[]): void => {
    if (e.kind === 'name' && e.name === name && (e.ref === 'param' || e.ref === 'captured')) out.push([e, ...ancestors]);
    for (const c of childrenOf(e)) visit(c, [e, ...ancestors]);
  };
  for (const t of loss.terms) visit(t.expr, []);
  return out;
}

/**
 * Why the model output `name` is as wide as the prediction, for the header ("the loss combines it with the
 * prediction `pos_scores` (`margin + pos_scores - neg_scores`, line 23)"); undefined when the loss does not pair them.
 */
export function pairedWithPrediction(loss: LossModel, name: string): string | undefined {
  const param = loss.params.find((p) => p.name === name);
  if (param?.modelOutput === undefined) return undefined;
  const usage = usageOf(loss, name);
  if (usage?.kind === 'embedding') return usage.because;
  for (const [node, ...ancestors] of occurrences(loss, name)) {
    // up the chain of element-wise operations the output is in, to an operand that is the prediction's
    let inner = node!;
    for (const outer of ancestors) {
      // through a function of each element (`torch.exp(-rate)` beside `(1 - pi) *`): still the output's shape
      if (keepsShape(outer, inner)) {
        inner = outer;
        continue;
      }
      if (!isElementwise(outer)) break;
      const other = outer.left === inner ? outer.right : outer.left;
      if (predictionShaped(other)) return `the loss combines it element-wise with the prediction (\`${outer.text}\`, line ${outer.range.startLine + 1})`;
      inner = outer;
    }
  }
  return undefined;
}
