// PyTorch ops against golden values computed by torch itself (scripts/golden/torch_ops.py with Debian's
// python3-torch; output in test/golden/torch-ops.json): the same inputs go through the interpreter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { evaluateExpr, type Value } from '../../../src/trainer/interpreter';
import { call, literal, lossModel, method, yp, yt } from './ir';
import { cpu, type Nested, tf } from './tf';

interface GoldenCase {
  name: string;
  op: string;
  args: (string | number | number[])[];
  kwargs: Record<string, unknown>;
  y_pred: Nested;
  y_true: Nested | null;
  y_true_dtype: 'int' | 'float';
  output: Nested | Nested[];
}

const golden = JSON.parse(readFileSync(join(__dirname, '../../golden/torch-ops.json'), 'utf8')) as { torch: string; cases: GoldenCase[] };

function argExpr(a: GoldenCase['args'][number]): Expr {
  if (a === 'y_pred') return yp;
  if (a === 'y_true') return yt;
  return literal(a);
}

/** Lists in kwargs are tensors in torch (`weight=torch.tensor([...])`). */
function kwargExpr(v: unknown): Expr {
  return Array.isArray(v) ? call('torch.tensor', [literal(v)]) : literal(v);
}

function caseExpr(c: GoldenCase): Expr {
  const args = c.args.map(argExpr);
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, kwargExpr(v)]));
  return c.op.startsWith('.') ? method(args[0], c.op.slice(1), args.slice(1), kwargs) : call(c.op, args, kwargs);
}

function flat(v: Value | Nested): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return (v as (Value | Nested)[]).flatMap(flat);
  if (v instanceof tf.Tensor) return Array.from(v.dataSync());
  throw new Error(`unexpected value ${String(v)}`);
}

describe(`PyTorch ops match torch ${golden.torch} (golden values)`, () => {
  before(cpu);

  it('covers every F.* loss of the op table with its reductions', () => {
    const ops = new Set(golden.cases.map((c) => c.op));
    for (const op of ['F.cross_entropy', 'F.mse_loss', 'F.l1_loss', 'F.binary_cross_entropy', 'F.binary_cross_entropy_with_logits', 'F.smooth_l1_loss']) {
      assert.ok(ops.has(op), op);
      for (const red of ['mean', 'sum', 'none']) assert.ok(golden.cases.some((c) => c.op === op && c.kwargs.reduction === red), `${op} ${red}`);
    }
  });

  for (const c of golden.cases) {
    it(c.name, () => {
      const yPred = tf.tensor(c.y_pred as number[]);
      const yTrue = c.y_true === null ? tf.scalar(0) : tf.tensor(c.y_true as number[], undefined, c.y_true_dtype === 'int' ? 'int32' : 'float32');
      const expr = caseExpr(c);
      const out = tf.tidy(() => flat(evaluateExpr(tf, lossModel('pytorch', [{ expr }]), expr, yTrue, yPred)));
      const expected = flat(c.output as Nested);
      assert.equal(out.length, expected.length, `${c.name}: ${out.length} values, torch gives ${expected.length}`);
      for (let i = 0; i < out.length; i++) {
        const tol = 1e-5 * Math.max(1, Math.abs(expected[i]));
        assert.ok(Math.abs(out[i] - expected[i]) <= tol, `${c.name}[${i}]: interpreter ${out[i]}, torch ${expected[i]}`);
      }
      tf.dispose([yPred, yTrue]);
    });
  }
});
