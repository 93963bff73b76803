// TF.js imports → the canonical `tf` namespace (ir.ts): `import * as tf from '@tensorflow/tfjs'`,
// `import { losses, sum } from '@tensorflow/tfjs-core'` (`losses.x` → `tf.losses.x`), `const tf = require(…)`.
import type { Node } from 'web-tree-sitter';

const TFJS = /^@tensorflow\/tfjs(-[a-z-]+)?(\/|$)/;

/** Local names bound to TF.js → the canonical path they stand for (`tf`, `tf.losses`, `tf.sum`). */
export type ScriptImports = ReadonlyMap<string, string>;

const moduleName = (str: Node | null | undefined): string => str?.namedChildren.map((c) => c?.text ?? '').join('') ?? '';

export function readScriptImports(root: Node): ScriptImports {
  const map = new Map<string, string>();
  for (const stmt of root.descendantsOfType('import_statement')) {
    if (!stmt || !TFJS.test(moduleName(stmt.childForFieldName('source')))) continue;
    for (const ns of stmt.descendantsOfType('namespace_import')) {
      const id = ns?.namedChildren.find((c) => c?.type === 'identifier');
      if (id) map.set(id.text, 'tf');
    }
    for (const spec of stmt.descendantsOfType('import_specifier')) {
      const name = spec?.childForFieldName('name')?.text;
      const alias = spec?.childForFieldName('alias')?.text;
      if (name) map.set(alias ?? name, `tf.${name}`);
    }
    const clause = stmt.namedChildren.find((c) => c?.type === 'import_clause');
    const defaultId = clause?.namedChildren.find((c) => c?.type === 'identifier');
    if (defaultId) map.set(defaultId.text, 'tf');
  }
  // const tf = require('@tensorflow/tfjs-node'); const { sum } = require(…)
  for (const decl of root.descendantsOfType('variable_declarator')) {
    const value = decl?.childForFieldName('value');
    if (value?.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'require') continue;
    const arg = value.childForFieldName('arguments')?.namedChild(0);
    if (arg?.type !== 'string' || !TFJS.test(moduleName(arg))) continue;
    const name = decl?.childForFieldName('name');
    if (name?.type === 'identifier') map.set(name.text, 'tf');
    else for (const id of name?.descendantsOfType(['shorthand_property_identifier_pattern']) ?? []) if (id) map.set(id.text, `tf.${id.text}`);
  }
  return map;
}

export function resolveScriptCallee(name: string, imports: ScriptImports): string {
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  const full = imports.get(head);
  return full === undefined ? name : full + (dot < 0 ? '' : name.slice(dot));
}
