// Nodes that carry no code: comments and backslash line continuations. tree-sitter-python gives both as extra named
// children anywhere (`f(a, \` puts a `line_continuation` among the call's arguments), so every walk over named
// children skips them, and `a + \` / `    b` reads as the one line Python reads.
import type { Node } from 'web-tree-sitter';

export const isTrivia = (node: Node): boolean => node.type === 'comment' || node.type === 'line_continuation';
