// Merges definitions found in recovered chunks (parsing/recover.ts) into the main tree's, skipping any the main
// tree already has or that lie inside one of its definitions; source order is kept.
import type { Node } from 'web-tree-sitter';
import type { LossModel } from '../ir';
import type { CachedModel } from './definitionCache';

export function withRecovered<D extends { defNode: Node }>(main: D[], recovered: D[][]): D[] {
  const out = [...main];
  for (const d of recovered.flat()) {
    const start = d.defNode.startIndex;
    if (out.some((m) => start >= m.defNode.startIndex && start < m.defNode.endIndex)) continue;
    out.push(d);
  }
  return out.sort((a, b) => a.defNode.startIndex - b.defNode.startIndex);
}

/**
 * The end of both front ends' model pass: definitions found inside ERROR nodes or re-parsed chunks (never cached)
 * are built unless a model already covers their line, models are put in source order, and the file's usages and
 * output activation are attached.
 */
export function finishModels<D extends { defNode: Node }>(
  built: CachedModel[],
  inErrors: D[],
  build: (def: D) => CachedModel | undefined,
  collect: (models: LossModel[], bindNames: ReadonlyMap<string, string[]>) => { outputActivation?: string; outputUnits?: LossModel['outputUnits'] },
): LossModel[] {
  for (const def of inErrors) {
    const start = def.defNode.startPosition.row;
    if (built.some((b) => start >= b.model.range.startLine && start <= b.model.range.endLine)) continue;
    const b = build(def);
    if (b) built.push(b);
  }
  built.sort((a, b) => a.model.range.startLine - b.model.range.startLine || a.model.range.startCol - b.model.range.startCol);
  const models = built.map((b) => b.model);
  const { outputActivation, outputUnits } = collect(models, new Map(built.map((b) => [b.model.name, b.bindNames])));
  if (outputActivation) for (const m of models) m.outputActivation = outputActivation;
  if (outputUnits) for (const m of models) m.outputUnits = outputUnits;
  return models;
}
