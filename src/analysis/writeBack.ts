// The chosen λ written into a file's text: a source file, or a Jupyter notebook (its JSON edited in place,
// src/analysis/notebookEdit.ts), in the cell that sets the λ: a later cell's call passing it by keyword or a cell
// above assigning it (notebookSites.ts), else the loss's own cell. One λ goes where lambdaSite finds it; several
// (a sweep over several penalties) each where it lives, all or none. Plain TS: `sweep --write` and the tests.
import { applyEdits } from './fixes/apply';
import type { TextEdit } from './fixes/types';
import type { LossModel } from './ir';
import { penaltyKnobs } from './knobs';
import { type KnobValue, knobEdits, lambdaEdits } from './lambdaSite';
import { type NotebookCell, notebookCells } from './notebook';
import { editNotebookCell } from './notebookEdit';
import { type CellEdit, notebookSite } from './notebookSites';

/** What to write: the run's λ, or every penalty's (Recommendation.lambdas). */
export interface LambdaChoice {
  lambda: number;
  lambdas?: readonly KnobValue[];
}

export type WriteBack = { ok: true; text: string; where: string } | { ok: false; reason: string };

type Found = { ok: true; edits: TextEdit[]; where: string[] } | { ok: false; reason: string };

/** The edits in one text (a file, or the loss's cell) for the λs not placed elsewhere. */
function editsIn(model: LossModel, source: string, choice: LambdaChoice): Found {
  if (choice.lambdas) return knobEdits(model, source, choice.lambdas);
  const found = lambdaEdits(model, source, choice.lambda);
  return found.ok ? { ok: true, edits: found.edits, where: [found.where] } : found;
}

const whereText = (where: string[]) => where.join(', ') || "nowhere (every λ is already the code's)";

/** The choice split into edits in other cells (by notebookSite) and the rest, for the loss's own cell. */
function splitByCell(model: LossModel, cells: readonly NotebookCell[], lossCell: number, choice: LambdaChoice): { elsewhere: CellEdit[]; rest: LambdaChoice } | { reason: string } {
  const elsewhere: CellEdit[] = [];
  if (!choice.lambdas) {
    const site = model.lambdaParam ? notebookSite(model, cells, lossCell, model.lambdaParam, choice.lambda) : undefined;
    if (site && 'reason' in site) return site;
    return site ? { elsewhere: [site], rest: { lambda: choice.lambda, lambdas: [] } } : { elsewhere, rest: choice };
  }
  const knobs = penaltyKnobs(model);
  const rest: KnobValue[] = [];
  for (const v of choice.lambdas) {
    const knob = knobs.find((k) => k.id === v.id);
    const site = knob?.param && knob.code !== v.value ? notebookSite(model, cells, lossCell, knob.param, v.value) : undefined;
    if (site && 'reason' in site) return site;
    if (site) elsewhere.push(site);
    else rest.push(v);
  }
  return { elsewhere, rest: { lambda: choice.lambda, lambdas: rest } };
}

/** Every edit of a notebook's choice, by cell (1-based over every cell): the loss's own cell and the cells that set a λ. */
export function notebookEdits(model: LossModel, cells: readonly NotebookCell[], lossCell: number, choice: LambdaChoice): { ok: true; edits: { cell: number; edit: TextEdit }[]; where: string } | { ok: false; reason: string } {
  const own = cells.find((c) => c.number === lossCell);
  if (!own) return { ok: false, reason: `cell ${lossCell} is not a code cell` };
  const split = splitByCell(model, cells, lossCell, choice);
  if ('reason' in split) return { ok: false, reason: split.reason };
  const inOwn: Found = split.rest.lambdas?.length === 0 ? { ok: true, edits: [], where: [] } : editsIn(model, own.source, split.rest);
  if (!inOwn.ok) return inOwn;
  const edits = [...inOwn.edits.map((edit) => ({ cell: lossCell, edit })), ...split.elsewhere.map((e) => ({ cell: e.cell, edit: e.edit }))];
  const where = [...inOwn.where.map((w) => `${w} in cell ${lossCell}`), ...split.elsewhere.map((e) => e.where)];
  return { ok: true, edits, where: whereText(where) };
}

/** The notebook with every edit applied, cell by cell (each edit of the JSON keeps the other cells' bytes). */
function writeNotebook(model: LossModel, json: string, lossCell: number, choice: LambdaChoice): WriteBack {
  const nb = notebookCells(json);
  if (!nb.ok) return { ok: false, reason: nb.message };
  const found = notebookEdits(model, nb.cells, lossCell, choice);
  if (!found.ok) return found;
  const byCell = new Map<number, TextEdit[]>();
  for (const e of found.edits) byCell.set(e.cell, [...(byCell.get(e.cell) ?? []), e.edit]);
  let text = json;
  for (const [cell, edits] of byCell) {
    const edited = editNotebookCell(text, cell, edits);
    if (!edited.ok) return edited;
    text = edited.text;
  }
  return { ok: true, text, where: found.where };
}

/** `fileText` with the choice written; `cell`: the loss is in this notebook cell and `fileText` is the notebook. */
export function writeChoice(model: LossModel, fileText: string, choice: LambdaChoice, cell?: number): WriteBack {
  if (cell) return writeNotebook(model, fileText, cell, choice);
  const found = editsIn(model, fileText, choice);
  return found.ok ? { ok: true, text: applyEdits(fileText, found.edits), where: whereText(found.where) } : found;
}
