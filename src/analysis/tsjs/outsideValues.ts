// TS/JS module-level values built from an expression (../outsideValues.ts): `const targetRamp = makeRamp();`,
// `const mask = tf.tensor2d([[…]])`. The declared expression is read as a loss's are (same-file helpers and `tf.tidy`
// followed), with no locals.
import type { Node } from 'web-tree-sitter';
import type { OutsideValue } from '../ir';
import type { ReadOutside } from '../outsideValues';
import { convertScript } from './expr';
import { visibleFunctions } from './helpers';
import type { ScriptImports } from './imports';

/** Values that are code, not data: a function or class is followed where it is called, never evaluated. */
const notValues: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'function', 'class', 'generator_function']);

/** Top-level `const|let|var NAME = …` (exported too): the value node, or null for a declaration without one. */
function declarations(root: Node): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  for (const top of root.namedChildren) {
    const stmt = top?.type === 'export_statement' ? top.childForFieldName('declaration') : top;
    if (stmt?.type !== 'lexical_declaration' && stmt?.type !== 'variable_declaration') continue;
    for (const d of stmt.namedChildren) {
      const name = d?.type === 'variable_declarator' ? d.childForFieldName('name') : null;
      if (name?.type === 'identifier') out.set(name.text, d?.childForFieldName('value') ?? null);
    }
  }
  return out;
}

/**
 * Module names declared with a value a TF.js call builds (`const mask = tf.tensor2d(…)`):
 * tensors, not settings, so never the λ of a term they multiply (terms/build.ts `tensors`).
 */
export function builtModuleNames(root: Node, imports: ScriptImports, constants: Readonly<Record<string, number>>): Set<string> {
  const out = new Set<string>();
  for (const [name, value] of declarations(root)) {
    if (Object.hasOwn(constants, name)) continue; // `const LAMBDA = tf.scalar(0.1)`: one number, a λ
    let v = value;
    while (v && (v.type === 'await_expression' || v.type === 'parenthesized_expression')) v = v.namedChild(0);
    // a TF.js call (`tf.tensor2d(…)`, `tf.linspace(…).reshape(…)`), or a function of the file that builds with TF.js
    // (`makeRamp()` returning `tf.tidy(() => …)`), not a config reader
    const head = v?.type === 'call_expression' ? /^[A-Za-z_$][\w$]*/.exec(v.text)?.[0] : undefined;
    const isTf = (id: string) => id === 'tf' || imports.get(id) === 'tf';
    const helper = head && v?.childForFieldName('function')?.type === 'identifier' ? visibleFunctions(v).get(head) : undefined;
    if (head && (isTf(head) || (helper && [...helper.text.matchAll(/\b([A-Za-z_$][\w$]*)\.\w+\(/g)].some((m) => isTf(m[1]!))))) out.add(name);
  }
  return out;
}

/**
 * `let userFactors: tf.Variable | null = null` set later (`userFactors = tf.variable(…)` in the training function):
 * the declared value is not what the loss reads, so the name is left alone as a `let x;` is.
 */
function withoutReassigned(root: Node, declared: Map<string, Node | null>): Map<string, Node | null> {
  for (const a of root.descendantsOfType('assignment_expression')) {
    const left = a?.childForFieldName('left');
    if (left?.type === 'identifier' && declared.has(left.text)) declared.set(left.text, null);
  }
  return declared;
}

export function scriptOutsideValues(root: Node, imports: ScriptImports, globals: Readonly<Record<string, number>>): ReadOutside {
  let declared: Map<string, Node | null> | undefined;
  const read = new Map<string, OutsideValue | undefined>();
  return (name) => {
    if (read.has(name)) return read.get(name);
    declared ??= withoutReassigned(root, declarations(root));
    // a `let x;` the script sets in a function is left alone: when (and whether) that runs is the script's to say
    const value = declared.get(name);
    const v = value && !notValues.has(value.type) ? convertValue(value, imports, globals) : undefined;
    read.set(name, v);
    return v;
  };
}

function convertValue(value: Node, imports: ScriptImports, globals: Readonly<Record<string, number>>): OutsideValue {
  const scope = { locals: new Map(), refs: new Map(), imports, labels: new WeakMap(), inlined: new WeakMap(), weakLabels: new WeakSet(), inlining: [], constants: globals, functions: visibleFunctions(value) };
  return { expr: convertScript(value, scope), line: value.startPosition.row + 1 };
}
