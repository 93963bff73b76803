// A class field a constructor computes from its parameters (`this.yShift = Math.tanh(-threshold * steepness)`,
// `this.scale = 1 / (2 * sigma * sigma)`): its value where every parameter it reads is known (bound by the file's
// `new` calls, else its default). Plain arithmetic and Math's functions only; anything else leaves it unknown.
import type { Node } from 'web-tree-sitter';
import { scriptLiteral } from './params';

const MATH: Readonly<Partial<Record<string, (...xs: number[]) => number>>> = {
  tanh: Math.tanh, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, abs: Math.abs, pow: Math.pow,
  min: Math.min, max: Math.max, sin: Math.sin, cos: Math.cos, log10: Math.log10, log2: Math.log2,
};
const BINARY: Readonly<Partial<Record<string, (a: number, b: number) => number>>> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b, '**': (a, b) => a ** b,
};

/** The number `node` computes from the parameters `paramNumber` knows, or undefined. */
export function ctorArithmetic(node: Node, paramNumber: (name: string) => number | undefined): number | undefined {
  const literal = scriptLiteral(node);
  if (typeof literal === 'number') return literal;
  const kids = node.namedChildren.filter((c): c is Node => !!c);
  switch (node.type) {
    case 'identifier':
      return paramNumber(node.text);
    case 'parenthesized_expression':
      return kids[0] ? ctorArithmetic(kids[0], paramNumber) : undefined;
    case 'unary_expression': {
      const v = kids[0] ? ctorArithmetic(kids[0], paramNumber) : undefined;
      const op = node.childForFieldName('operator')?.type;
      return v === undefined ? undefined : op === '-' ? -v : op === '+' ? v : undefined;
    }
    case 'binary_expression': {
      const [l, r] = [node.childForFieldName('left'), node.childForFieldName('right')];
      const f = BINARY[node.childForFieldName('operator')?.type ?? ''];
      const [a, b] = [l ? ctorArithmetic(l, paramNumber) : undefined, r ? ctorArithmetic(r, paramNumber) : undefined];
      return f && a !== undefined && b !== undefined ? f(a, b) : undefined;
    }
    case 'call_expression': {
      const fn = /^Math\.(\w+)$/.exec(node.childForFieldName('function')?.text ?? '')?.[1];
      const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => !!c);
      const values = args.map((a) => ctorArithmetic(a, paramNumber));
      const f = fn ? MATH[fn] : undefined;
      return f && values.every((v) => v !== undefined) ? f(...(values as number[])) : undefined;
    }
    default:
      return undefined;
  }
}
