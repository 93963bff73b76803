// In a notebook, a loss class defined in one cell is often built in a later one (`activity_regularizer=
// KLSparsity(RHO, BETA)` in the model's cell): that constructor call binds the settings its `__init__` stores, as it
// does in a script. The later cells are parsed only when they name the class, read by the same usage reader as the
// cell itself, and their constructor calls kept with the cell they are in (ir.ts LossUsage.cell). A constant the call
// passes (`Orthogonal(ENCODING_DIM, reg_weight=REG_WEIGHT)`) may be set in a cell between the class's and the call's
// (a "hyper-parameters" cell): the cells are read in order, each one's module constants counting for the cells after.
import type { Node } from 'web-tree-sitter';
import type { LossModel, LossUsage } from '../ir';
import { parseBefore } from '../parsing/deadline';
import { sharedParser } from '../parsing/parsers';
import type { ImportMap } from './imports';
import { type ModuleScope, mayAssignConstant, readModuleAssignment } from './moduleScope';
import { collectUsages } from './usages';

/** Usages that say how the loss is built: what a later cell's call of the class binds. */
const builds = (u: LossUsage): boolean => u.kind === 'factory-call';

/** Adds the constructor calls later notebook cells make of the cell's loss classes (see the file's header). */
export function bindInLaterCells(models: LossModel[], bindNames: ReadonlyMap<string, string[]>, imports: ImportMap, module: ModuleScope | undefined): void {
  const later = module?.laterCells;
  const cells = later?.cells ?? [];
  const unbuilt = models.filter((m) => !m.usages.some(builds));
  if (!module || !later || cells.length === 0 || unbuilt.length === 0) return;
  const parser = sharedParser('python');
  // the constants of the cells read so far (the cells above the class's, then each later one in turn)
  const scope: ModuleScope = { ...module, constants: new Map(module.constants) };
  const namedIn = (cell: { source: string }): LossModel[] => unbuilt.filter((m) => cell.source.includes(`${m.className ?? m.name}(`));
  const last = cells.reduce((at, cell, i) => (namedIn(cell).length > 0 ? i : at), -1);
  for (const cell of cells.slice(0, last + 1)) {
    const named = namedIn(cell);
    const tree = parseBefore(parser, cell.source, later.deadline);
    try {
      readCellConstants(tree.rootNode, cell.number, scope);
      if (named.length === 0) continue;
      const copies = named.map((m) => ({ ...m, usages: [] as LossUsage[] }));
      collectUsages(tree.rootNode, cell.source, copies, bindNames, imports, undefined, scope);
      copies.forEach((copy, i) => {
        // where a name's literal is written is in that cell's text: λ write-back finds it there (notebookSites.ts)
        const found = copy.usages.filter(builds).map(({ boundAt: _at, passedAt: _passed, ...u }): LossUsage => ({ ...u, cell: cell.number }));
        named[i]!.usages.push(...found);
      });
    } finally {
      tree.delete();
    }
  }
}

/** A cell's top-level constants (`REG_WEIGHT = 0.5`) into the scope, marked with the cell (a later value wins). */
function readCellConstants(root: Node, cell: number, scope: ModuleScope): void {
  const own: ModuleScope = { ...scope, constants: new Map() };
  for (const n of root.namedChildren) if (n?.type === 'expression_statement' && mayAssignConstant(n.text)) readModuleAssignment(n, own);
  for (const [k, c] of own.constants) scope.constants.set(k, { ...c, cell });
}
