// Loop nodes (ir.ts `loop`): the trainer runs the loop as Python does, binding the loop's variables (and a fold's
// accumulator) for each element; values and gradients equal those of the same loss written without the loop.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr, IndexItem } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { all, at, bin, call, idx, lossModel, method, name, num, sub, yp, yt } from './ir';
import { close, cpu, tf } from './tf';

const loopVar = (n: string): Expr => name(n, 'loop');
const atIndex = (e: Expr): IndexItem => ({ kind: 'index', value: e });

function loop(variables: string[], iterable: Expr, body: Expr, fold?: { accumulator: string; init: Expr }): Expr {
  return { kind: 'loop', variables, iterable, body, ...(fold ?? {}), range: at(3), text: `for ${variables.join(', ')} in …` };
}

/** Value and d/dyPred of a one-term PyTorch loss. */
function valueAndGrad(expr: Expr, yTrue: number[][], yPred: number[][]): { value: number; grad: number[] } {
  const f = compileLoss(tf, lossModel('pytorch', [{ expr }]), {});
  const t = tf.tensor(yTrue);
  const p = tf.tensor(yPred);
  const g = tf.valueAndGrad((x: tf.Tensor) => f(t, x).total)(p);
  const out = { value: g.value.dataSync()[0], grad: Array.from(g.grad.dataSync()) };
  tf.dispose([t, p, g.value, g.grad]);
  return out;
}

function sameAs(looped: Expr, plain: Expr, yTrue: number[][], yPred: number[][]): void {
  const a = valueAndGrad(looped, yTrue, yPred);
  const b = valueAndGrad(plain, yTrue, yPred);
  close(a.value, b.value, 1e-6, 'value');
  assert.equal(a.grad.length, b.grad.length);
  for (const [i, g] of a.grad.entries()) close(g, b.grad[i], 1e-6, `d/dy_pred[${i}]`);
}

const yTrue = [[0.0, 1.0, 0.5], [1.0, 0.0, 0.25]];
const yPred = [[0.2, 0.7, 0.9], [0.6, -0.3, 0.1]];

describe('loop nodes in the trainer', () => {
  before(cpu);

  it('a fold over range(k): total += mean(y_pred[:, i]**2) equals the plain sum, value and gradient', () => {
    const col = (i: Expr) => sub(yp, all, atIndex(i));
    const body = bin('+', loopVar('total'), method(bin('**', col(loopVar('i')), num(2)), 'mean'));
    const looped = loop(['i'], call('range', [num(3)]), body, { accumulator: 'total', init: num(0) });
    const plain = [0, 1, 2].map((i) => method(bin('**', sub(yp, all, idx(i)), num(2)), 'mean')).reduce((a, b) => bin('+', a, b));
    sameAs(looped, plain, yTrue, yPred);
    // by hand: Σ_i mean_b y[b,i]²
    const byHand = [0, 1, 2].reduce((s, i) => s + (yPred[0][i] ** 2 + yPred[1][i] ** 2) / 2, 0);
    close(valueAndGrad(looped, yTrue, yPred).value, byHand, 1e-6, 'by hand');
  });

  it('the fold starts from its init (the base loss) and reads the accumulator each pass', () => {
    const mse = call('F.mse_loss', [yp, yt]);
    const body = bin('+', loopVar('loss'), bin('*', num(0.5), method(call('torch.relu', [bin('-', loopVar('row'), num(0.5))]), 'sum')));
    const looped = loop(['row'], yp, body, { accumulator: 'loss', init: mse });
    const plain = bin('+', mse, bin('*', num(0.5), method(call('torch.relu', [bin('-', yp, num(0.5))]), 'sum')));
    sameAs(looped, plain, yTrue, yPred);
  });

  it('without an accumulator the loop is the list of its values: torch.stack of per-row sums', () => {
    const looped = call('torch.stack', [loop(['row'], yp, method(loopVar('row'), 'sum'))]);
    const plain = method(yp, 'sum', [num(1)]);
    sameAs(call('torch.mean', [bin('**', looped, num(2))]), call('torch.mean', [bin('**', plain, num(2))]), yTrue, yPred);
  });

  it('zip and enumerate bind several variables (tuple unpacking)', () => {
    const pairs = loop(['p', 't'], call('zip', [yp, yt]), bin('+', loopVar('acc'), method(bin('**', bin('-', loopVar('p'), loopVar('t')), num(2)), 'sum')), {
      accumulator: 'acc',
      init: num(0),
    });
    sameAs(pairs, method(bin('**', bin('-', yp, yt), num(2)), 'sum'), yTrue, yPred);
    const weighted = loop(['i', 'row'], call('enumerate', [yp]), bin('+', loopVar('acc'), bin('*', loopVar('i'), method(loopVar('row'), 'sum'))), {
      accumulator: 'acc',
      init: num(0),
    });
    close(valueAndGrad(weighted, yTrue, yPred).value, 0 * (0.2 + 0.7 + 0.9) + 1 * (0.6 - 0.3 + 0.1), 1e-6, 'Σ i·sum(row_i)');
  });

  it('a loop variable shadows a parameter of the same name; findUnsupported accepts loop nodes', () => {
    const looped = loop(['lam'], call('range', [num(1), num(3)]), bin('+', loopVar('acc'), bin('*', loopVar('lam'), method(yp, 'sum'))), { accumulator: 'acc', init: num(0) });
    const model = lossModel('pytorch', [{ expr: looped }], [{ name: 'lam', default: 100 }]);
    assert.deepEqual(findUnsupported(model), []);
    const f = compileLoss(tf, model, {});
    const v = f(tf.tensor(yTrue), tf.tensor(yPred));
    close(v.total.dataSync()[0], (1 + 2) * yPred.flat().reduce((s, x) => s + x, 0), 1e-5, '(1 + 2)·Σy');
  });

  it('a wrong unpacking is an error that names the loop, not a crash', () => {
    const bad = loop(['a', 'b'], call('range', [num(2)]), loopVar('a'), { accumulator: 'acc', init: num(0) });
    assert.throws(() => compileLoss(tf, lossModel('pytorch', [{ expr: bad }]), {})(tf.tensor(yTrue), tf.tensor(yPred)), /cannot unpack number 0 into 2 variables/);
  });
});
