// Which parameters are the target and the prediction, from their names (a table), else from the framework's
// argument order: Keras/TF.js call `loss(y_true, y_pred)`, PyTorch code writes `loss(pred, target)`.
import type { Framework } from '../ir';

const targetNames: ReadonlySet<string> = new Set([
  'y_true', 'ytrue', 'y', 'true', 'target', 'targets', 'label', 'labels', 'gt', 'ground_truth', 'y_target', 'truth',
  'expected', 'actual', 'y_actual', 'ys', 'y_batch',
]);
const predictionNames: ReadonlySet<string> = new Set([
  'y_pred', 'ypred', 'pred', 'preds', 'prediction', 'predictions', 'output', 'outputs', 'out', 'logits', 'y_hat',
  'yhat', 'probs', 'probabilities', 'scores', 'input', 'inputs', 'predicted', 'y_predicted', 'estimate',
]);

const norm = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

export const isTargetName = (name: string): boolean => targetNames.has(norm(name));
export const isPredictionName = (name: string): boolean => predictionNames.has(norm(name));

/** True when the pair of names reads as a loss's (target, prediction) in some order. */
export function looksLikeLossPair(names: readonly string[]): boolean {
  return names.some(isTargetName) && names.some(isPredictionName);
}

/**
 * The target and prediction among the positional parameters (self excluded). Named ones win; otherwise the first
 * two in the framework's order. Undefined when there are fewer than two.
 */
export function pickRoles(names: readonly string[], framework: Framework | undefined): { yTrue: string; yPred: string } | undefined {
  const candidates = names.slice(0, 3);
  const t = candidates.find(isTargetName);
  const p = candidates.find((n) => n !== t && isPredictionName(n));
  if (t && p) return { yTrue: t, yPred: p };
  const [a, b] = names;
  if (a === undefined || b === undefined) return undefined;
  if (t) return { yTrue: t, yPred: t === a ? b : a };
  if (p) return { yTrue: p === a ? b : a, yPred: p };
  return framework === 'pytorch' ? { yTrue: b, yPred: a } : { yTrue: a, yPred: b };
}
