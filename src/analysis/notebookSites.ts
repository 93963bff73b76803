// Where a notebook sets a λ outside the loss's own cell, so "write λ" edits the right cell: a later cell that
// calls the loss with the λ by keyword (`non_negative_loss(model(x), y, lam=1.0)` in the training cell: that value
// is the one training uses), else the cell above that assigns the module constant the loss reads
// (`LAM = 0.1`, a LossParam of origin 'notebook-cell'). The loss's own cell is read by lambdaSite.ts as a file is.

import { SourceText } from './fixes/text';
import type { TextEdit } from './fixes/types';
import type { LossModel } from './ir';
import { formatLambdaLiteral, NUMBER } from './lambdaSite';
import type { NotebookCell } from './notebook';

export interface CellEdit {
  cell: number;
  edit: TextEdit;
  where: string;
}

export type CellSite = CellEdit | { reason: string } | undefined;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text of the call whose `(` is at `open`, to its matching `)` (strings are not special: a λ call has none that matter). */
function callText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/** The last `name(…, param=<number>)` in the cells other than the loss's: the λ training passes. */
function keywordCall(model: LossModel, cells: readonly NotebookCell[], lossCell: number, param: string, value: number): CellSite {
  let found: CellSite;
  for (const cell of cells.filter((c) => c.number !== lossCell)) {
    for (const m of cell.source.matchAll(new RegExp(String.raw`\b${escapeRegExp(model.name)}\s*\(`, 'g'))) {
      const open = m.index + m[0].length - 1;
      const call = callText(cell.source, open);
      const kw = new RegExp(String.raw`\b${escapeRegExp(param)}\s*=\s*(${NUMBER})(?=\s*[,)])`).exec(call);
      const text = new SourceText(cell.source);
      const at = text.range(open, open);
      if (!kw) {
        if (new RegExp(String.raw`\b${escapeRegExp(param)}\s*=`).test(call)) found = { reason: `cell ${cell.number} calls ${model.name} with ${param}= not a number literal (line ${at.startLine + 1}): set it there` };
        continue;
      }
      const start = open + kw.index + kw[0].length - kw[1]!.length;
      const range = text.range(start, start + kw[1]!.length);
      found = { cell: cell.number, edit: { range, newText: formatLambdaLiteral(value, kw[1]!) }, where: `the argument ${param}= of the call in cell ${cell.number}, line ${range.startLine + 1}` };
    }
  }
  return found;
}

/** A module constant assigned in another cell (the analysis resolved it there). */
function otherCellConstant(model: LossModel, cells: readonly NotebookCell[], param: string, value: number): CellSite {
  const p = model.params.find((q) => q.name === param);
  if (p?.origin !== 'notebook-cell' || !p.defaultRange || p.cell === undefined) return undefined;
  const cell = cells.find((c) => c.number === p.cell);
  if (!cell) return { reason: `λ (${param}) is set in cell ${p.cell}, which is not a code cell` };
  const literal = new SourceText(cell.source).slice(p.defaultRange);
  if (!new RegExp(`^${NUMBER}$`).test(literal.trim())) return { reason: `λ (${param}) is set by \`${literal}\` in cell ${p.cell}, not a number literal` };
  return { cell: p.cell, edit: { range: p.defaultRange, newText: formatLambdaLiteral(value, literal) }, where: `${param} in cell ${p.cell} (line ${p.defaultRange.startLine + 1})` };
}

/** Where `param` is set outside the loss's cell, first match wins; undefined: in the loss's own cell. */
export function notebookSite(model: LossModel, cells: readonly NotebookCell[], lossCell: number, param: string, value: number): CellSite {
  return keywordCall(model, cells, lossCell, param, value) ?? otherCellConstant(model, cells, param, value);
}
