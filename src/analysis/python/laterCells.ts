// In a notebook, a loss class defined in one cell is often built in a later one (`activity_regularizer=
// KLSparsity(RHO, BETA)` in the model's cell): that constructor call binds the settings its `__init__` stores, as it
// does in a script. The later cells are parsed only when they name the class, read by the same usage reader as the
// cell itself, and their constructor calls kept with the cell they are in (ir.ts LossUsage.cell).
import type { LossModel, LossUsage } from '../ir';
import { parseBefore } from '../parsing/deadline';
import { sharedParser } from '../parsing/parsers';
import type { ImportMap } from './imports';
import type { ModuleScope } from './moduleScope';
import { collectUsages } from './usages';

/** Usages that say how the loss is built: what a later cell's call of the class binds. */
const builds = (u: LossUsage): boolean => u.kind === 'factory-call';

/** Adds the constructor calls later notebook cells make of the cell's loss classes (see the file's header). */
export function bindInLaterCells(models: LossModel[], bindNames: ReadonlyMap<string, string[]>, imports: ImportMap, module: ModuleScope | undefined): void {
  const later = module?.laterCells;
  const cells = later?.cells ?? [];
  const unbuilt = models.filter((m) => !m.usages.some(builds));
  if (!later || cells.length === 0 || unbuilt.length === 0) return;
  const parser = sharedParser('python');
  for (const cell of cells) {
    const named = unbuilt.filter((m) => cell.source.includes(`${m.className ?? m.name}(`));
    if (named.length === 0) continue;
    const copies = named.map((m) => ({ ...m, usages: [] as LossUsage[] }));
    const tree = parseBefore(parser, cell.source, later.deadline);
    try {
      collectUsages(tree.rootNode, cell.source, copies, bindNames, imports, undefined, module);
    } finally {
      tree.delete();
    }
    copies.forEach((copy, i) => {
      // where a name's literal is written is in that cell's text: λ write-back finds it there (notebookSites.ts)
      const found = copy.usages.filter(builds).map(({ boundAt: _at, passedAt: _passed, ...u }): LossUsage => ({ ...u, cell: cell.number }));
      named[i]!.usages.push(...found);
    });
  }
}
