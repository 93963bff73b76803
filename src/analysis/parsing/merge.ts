// Merges definitions found in recovered chunks (parsing/recover.ts) into the main tree's, skipping any the main
// tree already has or that lie inside one of its definitions; source order is kept.
import type { Node } from 'web-tree-sitter';

export function withRecovered<D extends { defNode: Node }>(main: D[], recovered: D[][]): D[] {
  const out = [...main];
  for (const d of recovered.flat()) {
    const start = d.defNode.startIndex;
    if (out.some((m) => start >= m.defNode.startIndex && start < m.defNode.endIndex)) continue;
    out.push(d);
  }
  return out.sort((a, b) => a.defNode.startIndex - b.defNode.startIndex);
}
