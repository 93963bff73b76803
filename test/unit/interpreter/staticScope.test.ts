// Values known before training (src/trainer/interpreter/staticValues.ts, scope.ts): the loop bounds the trial's data
// shape reads, the lists and unpacked tuples the interpreter looks up, and a weight that is not one number, which
// the trainer refuses instead of averaging it into a λ.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { compileLoss } from '../../../src/trainer/interpreter';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { staticIterations, staticValue } from '../../../src/trainer/interpreter/staticValues';
import { at, bin, call, lossModel, method, name, num, tuple, yp, yt } from './ir';
import { cpu, tf } from './tf';

const loopOver = (variables: string[], iterable: Expr): Extract<Expr, { kind: 'loop' }> => ({ kind: 'loop', variables, iterable, body: num(0), range: at(2), text: 'for …' });

describe('values known before training', () => {
  before(cpu);

  it('arithmetic on constants, range with a start and a step, enumerate, zip and list repetition', () => {
    const lookup = (n: string) => ({ N: 5, QS: [0.1, 0.9], W: [1, 2, 3] })[n];
    assert.equal(staticValue(bin('-', name('N', 'global'), num(1)), lookup), 4);
    assert.deepEqual(staticValue(call('range', [num(1), name('N', 'global'), num(2)]), lookup), [1, 3]);
    assert.deepEqual(staticValue(call('range', [num(3), num(0), num(-1)]), lookup), [3, 2, 1]);
    assert.deepEqual(staticValue(call('enumerate', [name('QS', 'global')]), lookup), [[0, 0.1], [1, 0.9]]);
    assert.deepEqual(staticValue(call('zip', [name('QS', 'global'), name('W', 'global')]), lookup), [[0.1, 1], [0.9, 2]]);
    assert.deepEqual(staticValue(bin('*', tuple(num(0.5)), num(3)), lookup), [0.5, 0.5, 0.5]);
    assert.equal(staticValue(call('len', [name('W', 'global')]), lookup), 3);
    // the prediction and unknown calls are not static
    assert.equal(staticValue(yp, lookup), undefined);
    assert.equal(staticValue(call('torch.randn', [num(3)]), lookup), undefined);
    assert.equal(staticValue(call('range', [name('M', 'global')]), lookup), undefined);
  });

  it("a loop's passes bind its variables; a loop over a tensor has no static passes", () => {
    const lookup = (n: string) => ({ QS: [0.1, 0.9] })[n];
    const passes = staticIterations(loopOver(['i', 'q'], call('enumerate', [name('QS', 'global')])), lookup);
    assert.deepEqual(passes?.map((p) => Object.fromEntries(p)), [{ i: 0, q: 0.1 }, { i: 1, q: 0.9 }]);
    assert.equal(staticIterations(loopOver(['p'], call('tf.unstack', [yp])), lookup), undefined);
    assert.equal(staticIterations(loopOver(['p'], call('range', [num(100_000)])), lookup), undefined, 'too long to unroll for a shape');
  });

  it('a closure value unpacked from a tuple bound at the factory call, and a list default', () => {
    const m = lossModel('keras', [{ expr: yp }], [], {
      params: [
        { name: 'settings', role: 'other', range: at(0) },
        { name: 'tol', role: 'other', range: at(1), unpacks: { from: 'settings', index: 0 } },
        { name: 'lam', role: 'hyper', range: at(1), unpacks: { from: 'settings', index: 1 } },
        { name: 'QS', role: 'other', range: at(0), items: [0.1, 0.5] },
      ],
      usages: [{ kind: 'factory-call', range: at(9), boundArgs: {}, boundItems: { settings: [0.05, 0.7] } }],
    });
    const lookup = makeLookup(m, {});
    assert.equal(lookup('tol'), 0.05);
    assert.equal(lookup('lam'), 0.7);
    assert.deepEqual(lookup('QS'), [0.1, 0.5]);
    assert.equal(makeLookup(m, { lam: 10 })('lam'), 10, "a run's binding wins");
  });

  it('a weight that evaluates to several numbers is refused, naming the term, not averaged into a λ', () => {
    const weights = call('torch.tensor', [tuple(num(0.5), num(2.0))]);
    const m = lossModel('pytorch', [{ expr: method(bin('-', yp, yt), 'abs') }, { expr: call('torch.relu', [yp]), weight: weights, label: 'neg' }]);
    const f = compileLoss(tf, m, {});
    const t = tf.tensor([[0, 1], [1, 0]]);
    const p = tf.tensor([[0.2, -0.4], [0.7, 0.1]]);
    assert.throws(() => f(t, p), /weight of term 'neg'.*not one number/);
    tf.dispose([t, p]);
  });
});
