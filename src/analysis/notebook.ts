// The code cells of a Jupyter notebook (nbformat 4), as VS Code gives them to extensions: each cell its own
// document with cell-relative lines. Used where a notebook is read from disk rather than from the editor (the CLI,
// the sample-workspace tests). Plain TS.
import type { SourceLanguage } from './ir';

export interface NotebookCell {
  /** 1-based, counting every cell (markdown too), as a notebook's status bar and Ruff count them. */
  number: number;
  source: string;
}

export type NotebookRead = { ok: true; language: SourceLanguage | undefined; cells: NotebookCell[] } | { ok: false; message: string };

export const isNotebookPath = (path: string): boolean => /\.ipynb$/i.test(path);

/** What is said of a notebook whose cells Loss Lab cannot read. */
export const OTHER_KERNEL = 'a notebook whose kernel is not Python, TypeScript or JavaScript';

/** The kernels Loss Lab can read; another kernel's cells (R, Julia) are not analysed. */
const kernelLanguages: Readonly<Record<string, SourceLanguage>> = { python: 'python', typescript: 'typescript', javascript: 'javascript' };

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function notebookCells(json: string): NotebookRead {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (err) {
    return { ok: false, message: `not a notebook: ${err instanceof Error ? err.message : String(err)}` };
  }
  const cells = (nb as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) return { ok: false, message: 'not a notebook: no "cells" list (nbformat 4)' };
  const meta = (nb as { metadata?: { language_info?: { name?: unknown }; kernelspec?: { language?: unknown } } }).metadata;
  // Only strings are read: a crafted notebook may put anything where a string belongs (`{"toString": 1}`), and
  // String() or join() of such an object throws.
  const name = (text(meta?.language_info?.name) ?? text(meta?.kernelspec?.language) ?? 'python').toLowerCase();
  const code: NotebookCell[] = [];
  cells.forEach((cell: { cell_type?: unknown; source?: unknown }, i) => {
    if (cell?.cell_type !== 'code') return;
    const source = Array.isArray(cell.source) ? cell.source.map((line) => text(line) ?? '').join('') : (text(cell.source) ?? '');
    code.push({ number: i + 1, source });
  });
  return { ok: true, language: Object.hasOwn(kernelLanguages, name) ? kernelLanguages[name] : undefined, cells: code };
}

/** Cell magics whose body is still Python (`%%time` above the training loop); any other (`%%bash`) is not. */
const PYTHON_CELL_MAGICS: ReadonlySet<string> = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit', 'autoreload']);

/**
 * A notebook cell's IPython syntax read as blank space: line magics (`%matplotlib inline`), shell escapes
 * (`!pip install torch`) and a cell magic's line (`%%time`; a whole non-Python cell, `%%bash`, blanks out).
 * Nearly every real notebook has one, and Python's grammar reports each as a syntax error. Spaces keep every
 * offset, so ranges and edits still match the cell's text. `x != y` and `a % b` continued on a new line stay.
 */
export function blankMagics(source: string): string {
  if (!/^[ \t]*[%!]/m.test(source)) return source;
  const cellMagic = /^%%(\w+)/.exec(source);
  if (cellMagic && !PYTHON_CELL_MAGICS.has(cellMagic[1]!)) return source.replace(/[^\r\n]/g, ' ');
  return source.replace(/^([ \t]*)(%[%\w]|![^=])[^\r\n]*/gm, (line) => ' '.repeat(line.length));
}
