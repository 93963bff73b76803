// Builders for hand-written LossModel IR in the interpreter tests (the shape E3's front ends produce).
import type { BinaryOp, Expr, Framework, IndexItem, LossModel, LossParam, NameRef, Term } from '../../../src/analysis/ir';

export const at = (line: number, col = 0) => ({ startLine: line, startCol: col, endLine: line, endCol: col + 1 });
const r0 = at(0);

export const num = (value: number): Expr => ({ kind: 'number', value, range: r0, text: String(value) });
export const str = (value: string): Expr => ({ kind: 'string', value, range: r0, text: `'${value}'` });
export const bool = (value: boolean): Expr => ({ kind: 'bool', value, range: r0, text: String(value) });
export const none: Expr = { kind: 'none', range: r0, text: 'None' };
export const name = (n: string, ref: NameRef = 'param', line = 0): Expr => ({ kind: 'name', name: n, ref, range: at(line), text: n });
export const yt = name('y_true', 'yTrue');
export const yp = name('y_pred', 'yPred');
export const attr = (object: Expr, n: string): Expr => ({ kind: 'attr', object, name: n, range: r0, text: `${object.text}.${n}` });

export function call(callee: string, args: Expr[], kwargs: Record<string, Expr> = {}, line = 0): Expr {
  return { kind: 'call', callee, args, kwargs, range: at(line), text: `${callee}(…)` };
}
export function method(object: Expr, m: string, args: Expr[] = [], kwargs: Record<string, Expr> = {}, line = 0): Expr {
  return { kind: 'method', object, method: m, args, kwargs, range: at(line), text: `${object.text}.${m}(…)` };
}
export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, range: r0, text: `${left.text} ${op} ${right.text}` });
export const neg = (operand: Expr): Expr => ({ kind: 'unary', op: '-', operand, range: r0, text: `-${operand.text}` });
export const tuple = (...items: Expr[]): Expr => ({ kind: 'tuple', items, range: r0, text: `(…)` });
export const sub = (object: Expr, ...index: IndexItem[]): Expr => ({ kind: 'subscript', object, index, range: r0, text: `${object.text}[…]` });
export const all: IndexItem = { kind: 'slice' };
export const from = (start: number): IndexItem => ({ kind: 'slice', start: num(start) });
export const upTo = (stop: number): IndexItem => ({ kind: 'slice', stop: num(stop) });
export const idx = (i: number): IndexItem => ({ kind: 'index', value: num(i) });

/** A literal: numbers and nested lists as `tuple` nodes (how a front end writes `[0.5, 1.0]`). */
export function literal(v: unknown): Expr {
  if (typeof v === 'number') return num(v);
  if (typeof v === 'string') return str(v);
  if (typeof v === 'boolean') return bool(v);
  if (Array.isArray(v)) return tuple(...v.map(literal));
  throw new Error(`no literal for ${JSON.stringify(v)}`);
}

export interface TermSpec {
  expr: Expr;
  role?: Term['role'];
  weight?: Expr;
  sign?: 1 | -1;
  label?: string;
}

export function lossModel(framework: Framework, terms: TermSpec[], params: Partial<LossParam>[] = [], extra: Partial<LossModel> = {}): LossModel {
  const ts: Term[] = terms.map((t, i) => ({
    id: `t${i}`,
    role: t.role ?? (i === 0 ? 'base' : 'penalty'),
    sign: t.sign ?? 1,
    expr: t.expr,
    weight: t.weight,
    weightParam: t.weight?.kind === 'name' ? t.weight.name : undefined,
    label: t.label ?? `t${i}`,
    range: t.expr.range,
  }));
  const body = ts.slice(1).reduce((acc, t) => bin('+', acc, t.weight ? bin('*', t.weight, t.expr) : t.expr), ts[0]?.expr ?? num(0));
  return {
    id: 'loss:1', name: 'loss', kind: 'function', framework, language: framework === 'tfjs' ? 'typescript' : 'python',
    params: [
      { name: 'y_true', role: 'yTrue', range: r0 },
      { name: 'y_pred', role: 'yPred', range: r0 },
      ...params.map((p) => ({ name: p.name ?? 'p', role: p.role ?? 'hyper', default: p.default, range: r0 })),
    ],
    yTrue: 'y_true', yPred: 'y_pred', body, terms: ts, range: r0, nameRange: r0, returnRange: r0, usages: [],
    ...extra,
  };
}

/** `then if test else otherwise`. */
export function conditional(test: Expr, then: Expr, otherwise: Expr): Expr {
  return { kind: 'conditional', test, then, else: otherwise, range: r0, text: `${then.text} if ${test.text} else ${otherwise.text}` };
}
