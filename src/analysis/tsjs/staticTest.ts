// An `if` a script's settings decide before training (`if (params.regularization === 'l2' && params.strength > 0)`
// with `const params = { regularization: 'l2', strength: 0.01 }` at module level): the branch the settings take is
// the loss; the other is code that never runs with them. Read from the module's literal settings only (numbers and
// strings of `const` objects and constants); any other name leaves the test open, and both branches stay.
import type { Node } from 'web-tree-sitter';
import { sharedParser } from '../parsing/parsers';
import { scriptDottedName } from './expr';
import { scriptLiteral } from './params';

export type StaticSettings = Readonly<Record<string, number | string | boolean>>;
type Value = number | string | boolean | null | undefined;

const COMPARE: Readonly<Partial<Record<string, (a: Value, b: Value) => boolean>>> = {
  '===': (a, b) => a === b,
  '==': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '!=': (a, b) => a !== b,
  '>': (a, b) => (a as number) > (b as number),
  '<': (a, b) => (a as number) < (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
};

/** The value `n` has with the module's settings, or undefined when it is not decided by them. */
function settledValue(n: Node, settings: StaticSettings, shadowed: (name: string) => boolean): Value {
  const literal = scriptLiteral(n);
  if (literal !== undefined) return literal;
  if (n.type === 'null') return null;
  if (n.type === 'parenthesized_expression' || n.type === 'non_null_expression') return n.namedChild(0) ? settledValue(n.namedChild(0) as Node, settings, shadowed) : undefined;
  const name = scriptDottedName(n);
  if (name !== undefined) return shadowed(name.split('.')[0]!) ? undefined : settings[name];
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '!') {
    const v = settledValue(n.childForFieldName('argument') as Node, settings, shadowed);
    return v === undefined ? undefined : !v;
  }
  if (n.type !== 'binary_expression') return undefined;
  const op = n.childForFieldName('operator')?.type ?? '';
  const a = settledValue(n.childForFieldName('left') as Node, settings, shadowed);
  if (op === '&&') return a === undefined ? undefined : !a ? a : settledValue(n.childForFieldName('right') as Node, settings, shadowed);
  if (op === '||') return a === undefined ? undefined : a ? a : settledValue(n.childForFieldName('right') as Node, settings, shadowed);
  const b = settledValue(n.childForFieldName('right') as Node, settings, shadowed);
  const compare = COMPARE[op];
  return compare && a !== undefined && b !== undefined ? compare(a, b) : undefined;
}

/**
 * The test without TS non-null assertions (`params!.kind`), re-parsed: the TS grammar reads `a!.b === 'x' && a!.c`
 * as a non-null assertion over the whole `&&` before it, a tree no evaluator can read as written.
 */
function readWithoutNonNull<T>(test: Node, read: (n: Node) => T): T {
  if (!/[\w\])]!\s*[.[]/.test(test.text)) return read(test);
  const text = test.text.replace(/([\w\])])!(?=\s*[.[])/g, '$1');
  const parsed = sharedParser('typescript').parse(`(${text});`);
  try {
    const expr = parsed?.rootNode.namedChild(0)?.namedChild(0);
    return read(expr ?? test);
  } finally {
    parsed?.delete();
  }
}

/** Whether the settings make `test` true or false; undefined when they do not decide it. */
export function staticTest(test: Node, settings: StaticSettings | undefined, shadowed: (name: string) => boolean): boolean | undefined {
  if (!settings) return undefined;
  const v = readWithoutNonNull(test, (n) => settledValue(n, settings, shadowed));
  return v === undefined ? undefined : !!v;
}
