// Applies a fix's edits to a string (the CLI and the tests; the editor uses a WorkspaceEdit). Throws on
// overlapping edits: that is a bug in the fix, not something to paper over.

import { SourceText } from './text';
import type { TextEdit } from './types';

export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const text = new SourceText(source);
  const spans = edits
    .map((e) => ({ from: text.start(e.range), to: text.end(e.range), newText: e.newText }))
    .sort((a, b) => b.from - a.from || b.to - a.to);
  let out = source;
  let limit = Number.POSITIVE_INFINITY;
  for (const s of spans) {
    if (s.to > limit) throw new Error(`overlapping edits at offset ${s.from}`);
    out = out.slice(0, s.from) + s.newText + out.slice(s.to);
    limit = s.from;
  }
  return out;
}
