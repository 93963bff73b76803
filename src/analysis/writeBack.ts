// The chosen λ written into a file's text: a source file, or one cell of a Jupyter notebook (its JSON edited in
// place, src/analysis/notebookEdit.ts). One λ goes where lambdaSite finds it; several (a sweep over several
// penalties) each where it lives, all or none. Plain TS: the CLI's `sweep --write` and the tests use it.
import { applyEdits } from './fixes/apply';
import type { LossModel } from './ir';
import { type KnobValue, knobEdits, lambdaEdits } from './lambdaSite';
import { notebookCells } from './notebook';
import { editNotebookCell } from './notebookEdit';

/** What to write: the run's λ, or every penalty's (Recommendation.lambdas). */
export interface LambdaChoice {
  lambda: number;
  lambdas?: readonly KnobValue[];
}

export type WriteBack = { ok: true; text: string; where: string } | { ok: false; reason: string };

/** The text of a notebook's cell (1-based over every cell), as the analysis read it. */
function cellSource(json: string, cell: number): string | { reason: string } {
  const nb = notebookCells(json);
  const found = nb.ok ? nb.cells.find((c) => c.number === cell) : undefined;
  return found ? found.source : { reason: nb.ok ? `cell ${cell} is not a code cell` : nb.message };
}

/** `fileText` with the choice written; `cell`: the loss is in this notebook cell and `fileText` is the notebook. */
export function writeChoice(model: LossModel, fileText: string, choice: LambdaChoice, cell?: number): WriteBack {
  const source = cell ? cellSource(fileText, cell) : fileText;
  if (typeof source !== 'string') return { ok: false, reason: source.reason };
  const found = choice.lambdas ? knobEdits(model, source, choice.lambdas) : lambdaEdits(model, source, choice.lambda);
  if (!found.ok) return found;
  const where = Array.isArray(found.where) ? found.where.join(', ') || "nowhere (every λ is already the code's)" : found.where;
  const inCell = cell ? ` in cell ${cell}` : '';
  if (!cell) return { ok: true, text: applyEdits(fileText, found.edits), where };
  const edited = editNotebookCell(fileText, cell, found.edits);
  return edited.ok ? { ok: true, text: edited.text, where: `${where}${inCell}` } : edited;
}
