// PyTorch ops against golden values computed by torch itself (scripts/golden/torch_ops.py with Debian's
// python3-torch; output in test/golden/torch-ops.json): the same inputs go through the interpreter.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { evaluateExpr } from '../../../src/trainer/interpreter';
import { assertTorchOutput, caseExpr, caseInputs, torchGolden as golden } from './golden';
import { lossModel } from './ir';
import { cpu, tf } from './tf';

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
      const input = caseInputs(c);
      const expr = caseExpr(c);
      assertTorchOutput(evaluateExpr(tf, lossModel('pytorch', [{ expr }]), expr, input.yTrue, input.yPred, input.bindings), c, c.name);
      input.dispose();
    });
  }
});
