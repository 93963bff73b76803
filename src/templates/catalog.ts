// The one catalog of constraint templates. Snippets (scripts/generate-snippets.ts), the "Insert Constraint…"
// picker and the trainer's violation metric names all read it.
import type { ConstraintKind, Framework } from '../analysis/ir';
import { lossFactory } from './factory';
import { bounds, monotone, nonNegative, outputSparsity } from './outputs';
import { parity } from './parity';
import { defaultText } from './snippetSyntax';
import { sumToOneL1, sumToOneSquared } from './sumToOne';
import type { ConstraintTemplate, ViolationMetric } from './types';
import { violationMetrics } from './violations';
import { weightSparsity } from './weights';

export type { ConstraintTemplate, FrameworkSnippet, ViolationMetric } from './types';
export { violationMetrics } from './violations';

/** In picker order: the most common constraint first, the factory last. */
export const templates: ConstraintTemplate[] = [
  sumToOneL1,
  sumToOneSquared,
  bounds,
  nonNegative,
  monotone,
  outputSparsity,
  weightSparsity,
  parity,
  lossFactory,
];

export const frameworks: readonly Framework[] = ['keras', 'pytorch', 'tfjs'];

export const frameworkLabels: Record<Framework, string> = {
  keras: 'Keras (tf.keras)',
  pytorch: 'PyTorch',
  tfjs: 'TensorFlow.js',
};

/** The snippet prefix a user types: `closs-<id>` in Keras and TF.js files, `closs-torch-<id>` for PyTorch. */
export function snippetPrefix(template: ConstraintTemplate, framework: Framework): string {
  return framework === 'pytorch' ? `closs-torch-${template.id}` : `closs-${template.id}`;
}

export function findTemplate(id: string): ConstraintTemplate | undefined {
  return templates.find((t) => t.id === id);
}

/** The code a template inserts in `framework` when every placeholder keeps its default. */
export function templateDefaultText(template: ConstraintTemplate, framework: Framework): string {
  return defaultText(template.snippets[framework].body);
}

/** The violation metric the trainer reports for a constraint kind. */
export function violationFor(kind: ConstraintKind): ViolationMetric {
  return violationMetrics[kind];
}
