// A Keras layer class of the file whose add_loss never runs: the file builds its model from its own layers (another
// add_loss layer of it is built there) but never names this class again, so its term is in no loss the file trains
// (a module of layers where the builder keeps only some). A rule's finding on it would be about code that never runs.

import type { SourceText } from '../fixes/text';
import type { LossModel } from '../ir';

const built = (m: LossModel): boolean => m.usages.some((u) => u.kind === 'factory-call');
const layerAddLoss = (m: LossModel): boolean => m.kind === 'add-loss' && m.className !== undefined;
/** A line without its comment (`#` in Python, `//` in TS/JS; a `#` or `//` inside a string is rare enough here). */
const withoutComment = (line: string): string => line.replace(/\s*(#|\/\/).*$/, '');
const escaped = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function isUnbuiltLayer(m: LossModel, models: readonly LossModel[], text: SourceText): boolean {
  if (!layerAddLoss(m) || built(m) || !models.some((o) => o !== m && layerAddLoss(o) && built(o))) return false;
  // named only where it is defined (`class LayerWithRMS(…)`): not built, listed or passed anywhere (comments aside)
  const name = new RegExp(`(?<![\\w.])${escaped(m.className!)}(?!\\w)`, 'g');
  const mentions = text.lines.reduce((n, line) => n + (withoutComment(line).match(name)?.length ?? 0), 0);
  return mentions <= 1;
}
