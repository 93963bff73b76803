// Import aliases → canonical callee names (ir.ts): `import tensorflow as tf`, `from tensorflow.keras import backend
// as K`, `import torch.nn.functional as F`, `from tensorflow.keras.losses import categorical_crossentropy`.
import type { Node } from 'web-tree-sitter';

/** Module prefixes and the canonical name they are written as, longest (most specific) first. */
const canonicalPrefixes: readonly [string, string][] = [
  // torch's own module files (`from torch.nn.modules.loss import MSELoss`) hold the classes torch.nn exports
  ...['loss', 'activation', 'linear', 'conv', 'container', 'dropout', 'normalization', 'pooling', 'module'].map(
    (file): [string, string] => [`torch.nn.modules.${file}`, 'nn'],
  ),
  ['torch.nn.modules', 'nn'],
  // Keras 1's `objectives` module is a deprecated alias of `losses` (the same functions), still in old notebooks
  ...['tensorflow.keras.objectives', 'tensorflow.python.keras.objectives', 'keras.objectives', 'tf_keras.objectives'].map(
    (path): [string, string] => [path, 'tf.keras.losses'],
  ),
  ['tensorflow.python.keras.backend', 'K'],
  ['tensorflow.python.keras', 'tf.keras'],
  ['tensorflow.keras.backend', 'K'],
  ['tf.keras.backend', 'K'],
  ['keras.backend', 'K'],
  ['tensorflow.compat.v1', 'tf'],
  ['tensorflow', 'tf'],
  ['tf_keras', 'tf.keras'],
  ['keras', 'tf.keras'],
  ['torch.nn.functional', 'F'],
  ['torch.nn', 'nn'],
  ['numpy', 'np'],
];

const wellKnownHeads: ReadonlySet<string> = new Set(['tensorflow', 'keras', 'tf_keras', 'numpy']);

export function canonicalModule(path: string): string {
  for (const [prefix, canon] of canonicalPrefixes) {
    if (path === prefix || path.startsWith(`${prefix}.`)) return canon + path.slice(prefix.length);
  }
  return path;
}

/** Local names bound by imports → the full dotted path they stand for. */
export type ImportMap = ReadonlyMap<string, string>;

function dotted(node: Node | null): string {
  return node ? node.text.replace(/\s+/g, '') : '';
}

/** Lines that start with `import` or `from` (found in the text, so a big file is not walked node by node). */
const importLine = /^[ \t]*(?:import|from)[ \t]/gm;

function importStatementAt(root: Node, index: number): Node | undefined {
  for (let n: Node | null = root.descendantForIndex(index); n; n = n.parent) {
    if (n.type === 'import_statement' || n.type === 'import_from_statement') return n;
  }
  return undefined;
}

/** Reads every import statement of the module (top level and nested), skipping broken ones. */
export function readImports(root: Node, source: string): ImportMap {
  const map = new Map<string, string>();
  for (const m of source.matchAll(importLine)) {
    const stmt = importStatementAt(root, (m.index ?? 0) + m[0].search(/\S/));
    if (!stmt) continue;
    if (stmt.type === 'import_statement') {
      for (const n of stmt.childrenForFieldName('name')) {
        if (!n) continue;
        if (n.type === 'aliased_import') map.set(dotted(n.childForFieldName('alias')), dotted(n.childForFieldName('name')));
        else map.set(dotted(n).split('.')[0], dotted(n).split('.')[0]);
      }
    } else {
      const from = dotted(stmt.childForFieldName('module_name'));
      if (from.startsWith('.')) continue;
      for (const n of stmt.childrenForFieldName('name')) {
        if (!n) continue;
        if (n.type === 'aliased_import') map.set(dotted(n.childForFieldName('alias')), `${from}.${dotted(n.childForFieldName('name'))}`);
        else map.set(dotted(n), `${from}.${dotted(n)}`);
      }
    }
  }
  readModuleAliases(source, map);
  return map;
}

/** `kl_divergence = keras.losses.kullback_leibler_divergence`, `K = keras.backend`: a module-level name for an imported path. */
const aliasLine = /^([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)[ \t]*(?:#.*)?$/gm;

/**
 * A name assigned a dotted path of an imported module at the top level is that path, as an import alias is: calls
 * through it resolve like the path written out. Paths whose head is no import (`x = config.rate`) are not aliases.
 */
function readModuleAliases(source: string, map: Map<string, string>): void {
  for (const m of source.matchAll(aliasLine)) {
    const [, name, path] = m;
    const head = path.slice(0, path.indexOf('.'));
    const full = map.get(head);
    if (full !== undefined) map.set(name, full + path.slice(head.length));
    else if (wellKnownHeads.has(head) || head === 'tf' || head === 'torch') map.set(name, path);
  }
}

/** `a.b.c` with its head resolved through the imports and made canonical; unknown heads stay as written. */
export function resolveCallee(name: string, imports: ImportMap): string {
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  const full = imports.get(head);
  // a notebook cell often uses a module imported in an earlier cell: well-known full names are still canonical
  if (full === undefined) return wellKnownHeads.has(head) ? canonicalModule(name) : name;
  return canonicalModule(full + (dot < 0 ? '' : name.slice(dot)));
}
