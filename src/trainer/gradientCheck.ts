// A term whose value is finite but whose gradient is not (`torch.sqrt(torch.relu(x))` at 0, a norm of exact zeros)
// makes the first update turn every weight into NaN, and then every term of the run, the base first: the run's
// divergence would blame the base loss. Before training, the trial measures each term's gradient with respect to
// the prediction on a few rows; a non-finite one is traced to the innermost op whose gradient is non-finite, so the
// divergence names the term, the op and its line.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Expr, LossModel, Term } from '../analysis/ir';
import type { Tf } from './backend';
import { evaluateExpr } from './interpreter';
import { walkExprs } from './interpreter/unsupported';
import { asTensor } from './interpreter/values';
import type { LossFn } from './runLoss';

export interface GradientIssue {
  term: Term;
  /** The innermost op whose gradient is non-finite, as written, when it could be traced. */
  op?: { text: string; line: number };
}

const finite = (t: Tensor): boolean => t.dataSync().every(Number.isFinite);

/** Ops are traced only in terms up to this many nodes (a probe, not a second training). */
const MAX_TRACED_NODES = 200;

/**
 * The first term (in the loss's order) whose value is finite and whose gradient is not, on (yTrue, yPred) as the
 * run's loss gets them; `shaped` puts them in the shape the loss reads. Undefined when every gradient is finite.
 */
export function nonFiniteGradient(
  tf: Tf,
  loss: LossModel,
  run: LossFn,
  yTrue: Tensor,
  yPred: Tensor,
  extras: Parameters<LossFn>[2],
  shaped: (t: Tensor) => Tensor,
): GradientIssue | undefined {
  for (const term of loss.terms) {
    const bad = tf.tidy(() => {
      const value = (p: Tensor) => run(yTrue, p, extras).terms[term.id]?.raw ?? tf.scalar(0);
      if (!finite(value(yPred))) return false;
      return !finite(tf.grad(value)(yPred));
    });
    if (!bad) continue;
    const op = culprit(tf, loss, term.expr, shaped(yTrue), shaped(yPred));
    return op ? { term, op } : { term };
  }
  return undefined;
}

/** The innermost op of `expr` whose gradient with respect to the prediction is non-finite (children before parents). */
function culprit(tf: Tf, loss: LossModel, expr: Expr, yTrue: Tensor, yPred: Tensor): GradientIssue['op'] {
  const nodes: Expr[] = [];
  walkExprs([expr], (e) => {
    if (e.kind === 'call' || e.kind === 'method' || e.kind === 'binary' || e.kind === 'unary') nodes.push(e);
  });
  if (nodes.length > MAX_TRACED_NODES) return undefined;
  // walkExprs visits parents first: the reverse visits every node after its sub-expressions
  for (const node of nodes.reverse()) {
    const bad = tf.tidy(() => {
      try {
        const sum = (p: Tensor) => {
          const v = asTensor(tf, evaluateExpr(tf, loss, node, yTrue, p));
          return v ? tf.sum(tf.cast(v, 'float32')) : tf.scalar(0);
        };
        return finite(sum(yPred)) && !finite(tf.grad(sum)(yPred));
      } catch {
        return false; // a node that needs what only the whole term binds (a loop's variable): not traced
      }
    });
    if (bad) return { text: node.text, line: node.range.startLine + 1 };
  }
  return undefined;
}

/** The divergence message's cause: "the gradient of penalty 'spread' (line 7) is not finite, at `torch.sqrt(…)` (line 7)". */
export function describeGradientIssue(issue: GradientIssue): string {
  const line = (issue.term.expr?.range ?? issue.term.range).startLine + 1;
  const role = issue.term.role === 'base' ? 'base term' : 'penalty';
  const at = issue.op ? `, at \`${clip(issue.op.text)}\` (line ${issue.op.line})` : '';
  return `the gradient of ${role} '${issue.term.label}' (line ${line}) is not finite on the trial's data before training${at}, so the first update made the model's weights NaN`;
}

const clip = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}…` : text);
