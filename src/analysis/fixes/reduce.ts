// LL111's fix: reduce an element-wise penalty to the base loss's shape where the penalty is written:
// Keras per-sample → `tf.reduce_mean(p, axis=-1)`, TF.js per-sample → `tf.mean(p, -1)`, PyTorch scalar → `(p).mean()`.
import type { Framework, Term } from '../ir';
import type { SourceText } from './text';
import type { Fix } from './types';

export function reducePenalty(text: SourceText, term: Term, framework: Framework, to: 'sample' | 'scalar'): Fix | undefined {
  const written = text.slice(term.expr.range);
  if (!written) return undefined;
  let newText: string;
  if (framework === 'pytorch') newText = to === 'scalar' ? `(${written}).mean()` : `(${written}).mean(dim=-1)`;
  else if (framework === 'tfjs') newText = to === 'scalar' ? `tf.mean(${written})` : `tf.mean(${written}, -1)`;
  else {
    // The file must call TensorFlow `tf` for the inserted call to resolve.
    if (!/^\s*import\s+tensorflow\s+as\s+tf\b/m.test(text.text)) return undefined;
    newText = to === 'scalar' ? `tf.reduce_mean(${written})` : `tf.reduce_mean(${written}, axis=-1)`;
  }
  const shape = to === 'scalar' ? 'a scalar' : 'one value per sample';
  return { title: `Reduce ${term.label} to ${shape}`, edits: [{ range: term.expr.range, newText }], isPreferred: true };
}
