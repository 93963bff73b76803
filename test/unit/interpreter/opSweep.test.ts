// Every op of every table, called with the usual argument shapes (x), (x, y), (y, x), (x, y, x) (a triplet, a
// ranking target, a variance), (), (2) (Python's and numpy's functions on a loss's static numbers): it either evaluates or
// fails with a located LossEvaluationError that says what is wrong, never with a JavaScript internal error
// (`… is not a function`, `Cannot read properties of undefined`) that would tell the user nothing.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr, Framework } from '../../../src/analysis/ir';
import { evaluateExpr, LossEvaluationError } from '../../../src/trainer/interpreter';
import { opTables } from '../../../src/trainer/interpreter/ops';
import { call, lossModel, method, num, yp, yt } from './ir';
import { cpu, tf } from './tf';

const internal = /is not a function|Cannot read propert|is not iterable|is not defined/;

describe('op table sweep', () => {
  before(cpu);

  for (const framework of ['keras', 'pytorch', 'tfjs'] as Framework[]) {
    it(`${framework}: every op evaluates or explains itself`, () => {
      const yTrue = tf.tensor([[0, 1, 0], [1, 0, 0]]);
      const yPred = tf.tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]);
      const model = lossModel(framework, [{ expr: yp }]);
      const ops = opTables[framework];
      const attempts: [string, Expr[]][] = [
        ...Object.keys(ops.calls).map((n): [string, Expr[]] => [n, [call(n, [yp]), call(n, [yp, yt]), call(n, [yt, yp]), call(n, [yp, yt, yp]), call(n, []), call(n, [num(2)])]]),
        ...Object.keys(ops.methods).map((n): [string, Expr[]] => [`.${n}`, [method(yp, n), method(yp, n, [yt]), method(yp, n, [num(1)])]]),
      ];
      let evaluated = 0;
      for (const [name, exprs] of attempts) {
        let ok = false;
        for (const e of exprs) {
          try {
            tf.tidy(() => {
              evaluateExpr(tf, model, e, yTrue, yPred);
            });
            ok = true;
            break;
          } catch (err) {
            assert.ok(err instanceof LossEvaluationError, `${name}: ${String(err)}`);
            assert.equal(err.op, name);
            assert.doesNotMatch(err.message, internal, `${name}: ${err.message}`);
          }
        }
        if (ok) evaluated++;
      }
      // Most ops take one or two tensors; the rest need other arguments (shapes, lists, depths).
      assert.ok(evaluated > attempts.length * 0.8, `${evaluated} of ${attempts.length} evaluated`);
      tf.dispose([yTrue, yPred]);
    });
  }
});
