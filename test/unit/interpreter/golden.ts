// The PyTorch golden cases (scripts/golden/torch_ops.py → test/golden/torch-ops.json): their inputs as IR and
// tensors, and the comparison with torch's output (values within 1e-5 relative, and shapes). Shared by the CPU,
// wasm and other-spellings tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Expr } from '../../../src/analysis/ir';
import type { Tensor, Value } from '../../../src/trainer/interpreter';
import { attr, bin, call, literal, method, name, tuple, yp, yt } from './ir';
import { type Nested, tf } from './tf';

export interface GoldenCase {
  name: string;
  op: string;
  args: (string | number | number[] | string[])[];
  kwargs: Record<string, unknown>;
  y_pred: Nested;
  y_true: Nested | null;
  y_true_dtype: 'int' | 'float';
  /** A third tensor (`where`'s condition), bound to the name `z`. */
  z?: Nested;
  z_dtype?: 'int' | 'float' | 'bool';
  output: Nested | Nested[];
}

export const torchGolden = JSON.parse(readFileSync(join(__dirname, '../../golden/torch-ops.json'), 'utf8')) as { torch: string; cases: GoldenCase[] };

export const zExpr = name('z');

function argExpr(a: GoldenCase['args'][number]): Expr {
  if (a === 'y_pred') return yp;
  if (a === 'y_true') return yt;
  if (a === 'z') return zExpr;
  // A list of tensor names is a list of tensors (`torch.stack([y_pred, y_true])`).
  if (Array.isArray(a) && a.every((x) => typeof x === 'string')) return tuple(...(a as string[]).map(argExpr));
  return literal(a);
}

/** Lists in kwargs are tensors in torch (`weight=torch.tensor([...])`); "inf" is `math.inf` (JSON has no infinity). */
function kwargExpr(v: unknown): Expr {
  if (v === 'inf') return attr(name('math', 'global'), 'inf');
  return Array.isArray(v) ? call('torch.tensor', [literal(v)]) : literal(v);
}

/** The case's op as the PyTorch front end writes it. */
export function caseExpr(c: GoldenCase): Expr {
  const args = c.args.map(argExpr);
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, kwargExpr(v)]));
  if (c.op === '@') return bin('@', args[0]!, args[1]!);
  return c.op.startsWith('.') ? method(args[0]!, c.op.slice(1), args.slice(1), kwargs) : call(c.op, args, kwargs);
}

export interface CaseInputs {
  yPred: Tensor;
  yTrue: Tensor;
  bindings: Record<string, Value>;
  dispose(): void;
}

export function caseInputs(c: GoldenCase): CaseInputs {
  const yPred = tf.tensor(c.y_pred as number[]);
  const yTrue = c.y_true === null ? tf.scalar(0) : tf.tensor(c.y_true as number[], undefined, c.y_true_dtype === 'int' ? 'int32' : 'float32');
  const dtype = c.z_dtype === 'float' ? 'float32' : c.z_dtype === 'bool' ? 'bool' : 'int32';
  const z = c.z === undefined ? undefined : tf.tensor(c.z as number[], undefined, dtype);
  return { yPred, yTrue, bindings: z ? { z } : {}, dispose: () => tf.dispose([yPred, yTrue, ...(z ? [z] : [])]) };
}

/** The shape of a nested list, or of each item of a tuple of tensors (torch's tuples arrive as lists). */
function shapes(v: Value | Nested, tensorItems: boolean): string {
  if (v instanceof tf.Tensor) return `[${v.shape.join(',')}]`;
  if (typeof v === 'number') return '[]';
  if (tensorItems && Array.isArray(v)) return (v as (Value | Nested)[]).map((x) => shapes(x, false)).join(' ');
  const dims: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    dims.push(cur.length);
    cur = cur[0];
  }
  return `[${dims.join(',')}]`;
}

function flat(v: Value | Nested): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return (v as (Value | Nested)[]).flatMap(flat);
  if (v instanceof tf.Tensor) return Array.from(v.dataSync());
  throw new Error(`unexpected value ${String(v)}`);
}

/** Asserts the interpreter's value has torch's shape and values (1e-5 relative); disposes the value. */
export function assertTorchOutput(value: Value, c: GoldenCase, label: string): void {
  const tupleOut = Array.isArray(value);
  assert.equal(shapes(value, tupleOut), shapes(c.output as Nested, tupleOut), `${label}: shape`);
  const out = flat(value);
  const expected = flat(c.output as Nested);
  assert.equal(out.length, expected.length, `${label}: ${out.length} values, torch gives ${expected.length}`);
  for (let i = 0; i < out.length; i++) {
    const tol = 1e-5 * Math.max(1, Math.abs(expected[i]!));
    assert.ok(Math.abs(out[i]! - expected[i]!) <= tol, `${label}[${i}]: interpreter ${out[i]}, torch ${expected[i]}`);
  }
  tf.dispose(value as never);
}
