// The trainer runs on the WebAssembly backend where tfjs-node is missing (as on these machines): every op of
// every table must have its forward and gradient kernels there, and the torch golden values must hold on it.
// (The other interpreter tests use the CPU backend.)
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { before, describe, it } from 'node:test';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Expr, Framework } from '../../../src/analysis/ir';
import { compileLoss, evaluateExpr } from '../../../src/trainer/interpreter';
import { opTables } from '../../../src/trainer/interpreter/ops';
import { pythonBuiltins } from '../../../src/trainer/interpreter/ops/python';
import { assertTorchOutput, caseExpr, caseInputs, torchGolden } from './golden';
import { call, lossModel, method, num, yp, yt } from './ir';
import { tf } from './tf';

const missingKernel = /not registered|not yet implemented|gradient function not found/i;

describe('wasm backend', () => {
  before(async () => {
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
    assert.ok(await tf.setBackend('wasm'));
    assert.equal(tf.getBackend(), 'wasm');
  });

  for (const framework of ['keras', 'pytorch', 'tfjs'] as Framework[]) {
    it(`${framework}: every op has its forward and gradient kernels`, () => {
      const yTrue = tf.tensor([[0, 1, 0], [1, 0, 0]]);
      const pred = tf.tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]);
      const ops = opTables[framework];
      const attempts: [string, Expr[]][] = [
        // Python's and numpy's functions on static numbers (`np.sqrt(horizon)`) run no kernel: not swept here
        ...Object.keys(ops.calls)
          .filter((n) => !Object.hasOwn(pythonBuiltins, n))
          .map((n): [string, Expr[]] => [n, [call(n, [yp]), call(n, [yp, yt]), call(n, [yt, yp])]]),
        ...Object.keys(ops.methods).map((n): [string, Expr[]] => [`.${n}`, [method(yp, n), method(yp, n, [yt]), method(yp, n, [num(1)])]]),
      ];
      let differentiated = 0;
      for (const [name, exprs] of attempts) {
        for (const expr of exprs) {
          try {
            tf.tidy(() => {
              const f = compileLoss(tf, lossModel(framework, [{ expr }]), {});
              const v = tf.variable(pred.clone());
              const { value, grads } = tf.variableGrads(() => f(yTrue, v).total, [v]);
              tf.dispose([value, ...Object.values(grads), v]);
            });
            differentiated++;
            break;
          } catch (err) {
            assert.doesNotMatch(String(err), missingKernel, name);
          }
        }
      }
      assert.ok(differentiated > attempts.length * 0.7, `${differentiated} of ${attempts.length}`);
      tf.dispose([yTrue, pred]);
    });
  }

  it("a slice past a tensor's end is refused, naming the op, as the CPU backend does (wasm read past the end silently)", () => {
    const yTrue = tf.tensor([[0, 1, 0], [1, 0, 0]]);
    const pred = tf.tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]);
    const cases: [Framework, Expr][] = [
      ['tfjs', method(yp, 'slice', [{ kind: 'tuple', items: [num(0), num(1)], range: yp.range, text: '[0, 1]' }, { kind: 'tuple', items: [num(-1), num(11)], range: yp.range, text: '[-1, 11]' }])],
      ['pytorch', call('torch.narrow', [yp, num(1), num(2), num(4)])],
    ];
    for (const [framework, expr] of cases) {
      const f = compileLoss(tf, lossModel(framework, [{ expr }]), {});
      assert.throws(() => f(yTrue, pred), /would overflow input\.shape\[1\] \(3\)/, `${framework} ${expr.text}`);
    }
    // in range, the same ops read what they should
    const ok = compileLoss(tf, lossModel('pytorch', [{ expr: call('torch.narrow', [yp, num(1), num(1), num(2)]) }]), {});
    assert.ok(Math.abs(ok(yTrue, pred).terms['t0']!.raw.dataSync()[0]! - (0.5 + 0.3 + 0.3 + 0.1) / 4) < 1e-6);
    tf.dispose([yTrue, pred]);
  });

  it('torch golden values hold on wasm', () => {
    for (const c of torchGolden.cases) {
      const input = caseInputs(c);
      const expr = caseExpr(c);
      assertTorchOutput(evaluateExpr(tf, lossModel('pytorch', [{ expr }]), expr, input.yTrue, input.yPred, input.bindings), c, c.name);
      input.dispose();
    }
  });
});
