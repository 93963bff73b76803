// The shape of one constraint template: defined once here, it generates the snippets (scripts/generate-snippets.ts),
// the "Insert Constraint…" picker and the names of the trainer's violation metrics.
import type { ConstraintKind, Framework } from '../analysis/ir';

/** The trainer's named violation metric for one constraint kind (lower is better). */
export interface ViolationMetric {
  /** Short label shown in charts and tables, e.g. `mean |Σp − 1|`. */
  label: string;
  /** One sentence: what is measured, on which tensor, and what 0 means. */
  describe: string;
}

/** One framework's rendering of a template. */
export interface FrameworkSnippet {
  /**
   * The snippet body in VS Code snippet syntax (`${1:default}` placeholders, `$0` final cursor), lines joined with
   * `\n` and indented with 4 spaces (Python) or 2 spaces (TF.js). `$` that is code must be written `\$`.
   */
  body: string;
  /** The identifier that holds λ in the rendered code (a parameter, keyword or variable). */
  lambdaName: string;
}

export interface ConstraintTemplate {
  /** Stable id; the snippet prefix is derived from it (`closs-<id>`, `closs-torch-<id>`). */
  id: string;
  title: string;
  /** One paragraph: what it constrains, which penalty shape and why, how to pick λ. */
  description: string;
  constraint: ConstraintKind;
  /** The trainer's violation metric for `constraint` (from violations.ts). */
  violation: ViolationMetric;
  /** The default λ, written into every framework's λ placeholder. */
  lambdaDefault: string;
  snippets: Record<Framework, FrameworkSnippet>;
}
