// Broadcasting, axes, slicing, Python operators and where/comparisons, plus how terms are combined
// (raw P, sign·weight·P, original, total) and where hyper-parameter values come from.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileLoss, LossEvaluationError } from '../../../src/trainer/interpreter';
import {
  all, attr, bin, bool, call, conditional, from, idx, literal, lossModel, method, name, neg, none, num, str, sub, tuple, upTo, yp, yt,
} from './ir';
import { close, cpu, evalExpr, evalTensor, numbers, run, tf } from './tf';

const x = [[1, -2, 3], [-4, 5, -6]];
const round = (vs: number[]) => vs.map((v) => Math.round(v * 1e5) / 1e5);

describe('interpreter semantics', () => {
  before(cpu);

  it('reductions: axis, negative axes, tuples of axes, keepdims/keepdim and their spellings per framework', () => {
    assert.deepEqual(evalTensor('keras', call('tf.reduce_sum', [yp], { axis: num(-1) }), [0], x).values, [2, -5]);
    assert.deepEqual(evalTensor('keras', call('tf.reduce_sum', [yp], { axis: neg(num(1)), keepdims: bool(true) }), [0], x).shape, [2, 1]);
    assert.deepEqual(evalTensor('keras', call('tf.math.reduce_max', [yp, num(0)]), [0], x).values, [1, 5, 3]);
    const both = evalTensor('keras', call('K.mean', [yp], { axis: tuple(num(0), num(1)) }), [0], x);
    assert.deepEqual(both.shape, []);
    close(both.values[0], -0.5, 1e-6);
    assert.deepEqual(evalTensor('pytorch', method(yp, 'sum', [], { dim: num(1), keepdim: bool(true) }), [0], x).shape, [2, 1]);
    assert.deepEqual(evalTensor('pytorch', method(yp, 'mean', [num(0)]), [0], x).values, [-1.5, 1.5, -1.5]);
    assert.deepEqual(evalTensor('pytorch', call('torch.sum', [yp], { axis: num(-1) }), [0], x).values, [2, -5]);
    assert.deepEqual(evalTensor('tfjs', method(yp, 'sum', [num(-1), bool(true)]), [0], x).shape, [2, 1]);
    assert.deepEqual(round(evalTensor('tfjs', call('tf.mean', [yp, num(1)]), [0], x).values), round([2 / 3, -5 / 3]));
  });

  it('broadcasting in Python operators: [2,3] − [3], [2,1] · [2,3], number ** tensor', () => {
    assert.deepEqual(evalTensor('keras', bin('-', yp, yt), [1, 1, 1], x).values, [0, -3, 2, -5, 4, -7]);
    const col = call('tf.reduce_sum', [yp], { axis: num(-1), keepdims: bool(true) });
    assert.deepEqual(evalTensor('keras', bin('/', yp, col), [0], [[1, 3], [2, 2]]).values, [0.25, 0.75, 0.5, 0.5]);
    assert.deepEqual(evalTensor('keras', bin('**', num(2), yp), [0], [[1, 3]]).values, [2, 8]);
    assert.deepEqual(evalTensor('keras', bin('**', yp, num(2)), [0], [[-3, 3]]).values, [9, 9]);
    // Shapes that do not broadcast give a located error, not a crash.
    assert.throws(() => evalExpr('keras', bin('+', yp, yt), [1, 2], x), (e: unknown) => e instanceof LossEvaluationError && /do not broadcast/.test(e.message));
  });

  it('a reduction of an empty selection is a located error, not a number read from nowhere', () => {
    // y[:, 3:] of a 3-wide prediction selects nothing: its mean is no number (on wasm it read leftover memory)
    assert.throws(
      () => evalExpr('keras', call('tf.reduce_mean', [sub(yp, all, from(3))]), [0], x),
      (e: unknown) => e instanceof LossEvaluationError && e.op === 'tf.reduce_mean' && /reduces an empty tensor \(shape \[2, 0\]\)/.test(e.message),
    );
  });

  it('numbers stay Python numbers: //, % and ** follow Python', () => {
    close(evalExpr('keras', bin('//', num(-7), num(2)), [0], [0]), -4);
    close(evalExpr('keras', bin('%', num(-7), num(3)), [0], [0]), 2);
    close(evalExpr('keras', bin('**', num(2), num(10)), [0], [0]), 1024);
    assert.deepEqual(evalTensor('keras', bin('%', yp, num(3)), [0], [[-7, 7]]).values, [2, 1]);
  });

  it('slicing: y[:, 1:], y[:, :-1], y[..., 0], y[:, None], y[::2], y.shape[-1]', () => {
    const y = [[1, 2, 3], [4, 5, 6]];
    assert.deepEqual(evalTensor('keras', sub(yp, all, from(1)), [0], y).values, [2, 3, 5, 6]);
    assert.deepEqual(evalTensor('keras', sub(yp, all, upTo(-1)), [0], y).values, [1, 2, 4, 5]);
    assert.deepEqual(evalTensor('keras', sub(yp, { kind: 'ellipsis' }, idx(0)), [0], y), { shape: [2], values: [1, 4] });
    assert.deepEqual(evalTensor('keras', sub(yp, all, { kind: 'newaxis' }), [0], y).shape, [2, 1, 3]);
    assert.deepEqual(evalTensor('keras', sub(yp, all, { kind: 'slice', step: num(2) }), [0], y).values, [1, 3, 4, 6]);
    assert.deepEqual(evalTensor('keras', sub(yp, all, { kind: 'slice', step: num(-1) }), [0], y).values, [3, 2, 1, 6, 5, 4]);
    close(evalExpr('pytorch', sub(attr(yp, 'shape'), idx(-1)), [0], y), 3);
    // The monotone penalty's drops: y[:, :-1] − y[:, 1:]
    assert.deepEqual(evalTensor('pytorch', bin('-', sub(yp, all, upTo(-1)), sub(yp, all, from(1))), [0], [[3, 1, 2]]).values, [2, -1]);
  });

  it('where and comparisons: as float for arithmetic, bool conditions for where, on every framework', () => {
    const y = [[-1, 0.5, 2]];
    assert.deepEqual(evalTensor('keras', call('tf.where', [bin('>', yp, num(1)), yp, num(0)]), [0], y).values, [0, 0, 2]);
    assert.deepEqual(evalTensor('pytorch', bin('*', method(bin('<', yp, num(0)), 'float'), yp), [0], y).values, [-1, 0, 0]);
    assert.deepEqual(evalTensor('pytorch', call('torch.where', [bin('<', yp, num(0)), neg(yp), yp]), [0], y).values, [1, 0.5, 2]);
    assert.deepEqual(evalTensor('tfjs', call('tf.where', [call('tf.greater', [yp, num(0)]), yp, call('tf.zerosLike', [yp])]), [0], y).values, [0, 0.5, 2]);
    assert.deepEqual(evalTensor('keras', call('tf.cast', [bin('>=', yp, num(0.5)), attr(name('tf', 'global'), 'float32')]), [0], y).values, [0, 1, 1]);
    assert.deepEqual(evalTensor('keras', call('K.switch', [bin('>', yp, num(0)), yp, bin('*', num(0.1), yp)]), [0], y).values.map((v) => Math.round(v * 100) / 100), [-0.1, 0.5, 2]);
  });

  it('elementwise ops and clipping on every framework', () => {
    const y = [[-2, 0.25, 4]];
    assert.deepEqual(evalTensor('keras', call('tf.clip_by_value', [yp, num(0), num(1)]), [0], y).values, [0, 0.25, 1]);
    assert.deepEqual(evalTensor('pytorch', method(yp, 'clamp', [], { min: num(0) }), [0], y).values, [0, 0.25, 4]);
    assert.deepEqual(evalTensor('tfjs', method(yp, 'clipByValue', [num(-1), num(1)]), [0], y).values, [-1, 0.25, 1]);
    assert.deepEqual(evalTensor('keras', call('tf.nn.relu', [yp]), [0], y).values, [0, 0.25, 4]);
    assert.deepEqual(evalTensor('keras', call('tf.maximum', [bin('-', num(0), yp), num(0)]), [0], y).values, [2, 0, 0]);
    assert.deepEqual(evalTensor('keras', call('tf.sqrt', [call('tf.square', [yp])]), [0], y).values, [2, 0.25, 4]);
    const sm = evalTensor('keras', call('tf.nn.softmax', [yp], { axis: num(0) }), [0], [[1, 2], [1, 4]]).values;
    close(sm[0], 0.5, 1e-6);
    close(sm[1], Math.exp(-2) / (1 + Math.exp(-2)), 1e-6);
    assert.deepEqual(evalTensor('keras', call('tf.constant', [literal([1, 2])]), [0], [0]).values, [1, 2]);
    assert.deepEqual(evalTensor('pytorch', call('torch.tensor', [literal([[1, 2]])]), [0], [0]).shape, [1, 2]);
  });

  it('terms: raw is the reduced term, weighted is sign·weight·raw, original sums base terms, total the weighted', () => {
    const model = lossModel('keras', [
      { expr: call('tf.keras.losses.mean_squared_error', [yt, yp]) },
      { expr: call('tf.reduce_mean', [call('tf.abs', [yp])]), weight: name('lam') },
      { expr: call('tf.reduce_sum', [yp]), weight: num(0.5), sign: -1 },
    ], [{ name: 'lam', default: 2 }]);
    const v = run(model, [[1, 1]], [[0, 3]]);
    const mse = (1 + 4) / 2;
    close(v.terms.t0.raw, mse);
    close(v.terms.t1.raw, 1.5);
    close(v.terms.t1.weighted, 3);
    close(v.terms.t2.raw, 3);
    close(v.terms.t2.weighted, -1.5);
    close(v.original, mse);
    close(v.total, mse + 3 - 1.5);
  });

  it('a per-sample term (Keras) is averaged over the batch; a tensor returned by PyTorch is averaged too', () => {
    const perSample = lossModel('keras', [{ expr: call('tf.reduce_sum', [yp], { axis: num(-1) }) }]);
    close(run(perSample, [0], [[1, 2], [3, 4]]).total, (3 + 7) / 2);
    const unreduced = lossModel('pytorch', [{ expr: call('F.mse_loss', [yp, yt], { reduction: str('none') }) }]);
    close(run(unreduced, [[0, 0]], [[1, 3]]).total, 5);
  });

  it('hyper-parameters: bindings beat partial/factory-bound arguments, which beat defaults; self.x from params', () => {
    const expr = call('tf.reduce_mean', [yp]);
    const base = lossModel('keras', [{ expr }, { expr, weight: name('lam') }], [{ name: 'lam', default: 1 }]);
    const withPartial = { ...base, usages: [{ kind: 'partial' as const, range: base.range, boundArgs: { lam: 3 } }] };
    close(run(base, [0], [2]).terms.t1.weighted, 2);
    close(run(withPartial, [0], [2]).terms.t1.weighted, 6);
    close(run(withPartial, [0], [2], { lam: 10 }).terms.t1.weighted, 20);
    const selfLam = attr(name('self', 'module'), 'lam');
    const mod = lossModel('pytorch', [{ expr: method(yp, 'mean') }, { expr: method(yp, 'abs'), weight: selfLam }], [{ name: 'self.lam', default: 0.5 }]);
    close(run(mod, [0], [-4]).terms.t1.weighted, 2);
    close(run(mod, [0], [-4], { 'self.lam': 2 }).terms.t1.weighted, 8);
  });

  it('an unbound hyper-parameter or a module-level constant is a located error', () => {
    const model = lossModel('keras', [{ expr: bin('*', name('scale', 'param', 4), call('tf.reduce_mean', [yp])) }], [{ name: 'scale' }]);
    assert.throws(() => run(model, [0], [1]), (e: unknown) => e instanceof LossEvaluationError && e.op === 'scale' && e.range.startLine === 4 && /no value/.test(e.message));
    const global = lossModel('keras', [{ expr: bin('*', name('EPS', 'global', 2), call('tf.reduce_mean', [yp])) }]);
    assert.throws(() => run(global, [0], [1]), (e: unknown) => e instanceof LossEvaluationError && /line 3: `EPS`/.test(e.message));
  });

  it('unweighted penalties are scaled by unweightedPenaltyScale (the run λ when the loss has no λ parameter)', () => {
    const model = lossModel('keras', [{ expr: call('tf.reduce_mean', [yp]) }, { expr: call('tf.reduce_mean', [call('tf.abs', [yp])]) }]);
    const f = compileLoss(tf, model, {}, { unweightedPenaltyScale: 4 });
    const v = numbers(f(tf.tensor([[-1, -1]]), tf.tensor([[-1, -1]])));
    close(v.terms.t1.weighted, 4);
    close(v.original, -1);
    close(v.total, 3);
  });

  it('None arguments mean "all axes"; the conditional expression picks a branch', () => {
    close(evalExpr('keras', call('tf.reduce_sum', [yp], { axis: none }), [0], x), -3);
    const cond = conditional(bin('>', name('k'), num(0)), num(1), num(2));
    close(evalExpr('keras', cond, [0], [0], { k: 1 }), 1);
    close(evalExpr('keras', cond, [0], [0], { k: -1 }), 2);
  });

  it('devices are ignored (.to(pred.device)), dtypes cast (.to(torch.float32)); zeros/ones/cumsum/step/activations', () => {
    const toDevice = method(yp, 'to', [attr(yp, 'device')]);
    assert.deepEqual(evalTensor('pytorch', toDevice, [0], [[1.5, 2]]).values, [1.5, 2]);
    assert.deepEqual(evalTensor('pytorch', method(bin('>', yp, num(1)), 'to', [attr(name('torch', 'global'), 'float32')]), [0], [[1.5, 0]]).values, [1, 0]);
    assert.deepEqual(evalTensor('pytorch', call('torch.zeros', [num(2), num(3)]), [0], [0]).shape, [2, 3]);
    assert.deepEqual(evalTensor('keras', call('tf.ones', [literal([2])]), [0], [0]).values, [1, 1]);
    assert.deepEqual(evalTensor('keras', call('tf.math.cumsum', [yp], { axis: num(1) }), [0], [[1, 2, 3]]).values, [1, 3, 6]);
    assert.deepEqual(evalTensor('tfjs', call('tf.step', [yp]), [0], [[-1, 2]]).values, [0, 1]);
    assert.deepEqual(evalTensor('keras', call('tf.keras.activations.relu', [yp]), [0], [[-1, 2]]).values, [0, 2]);
  });

  it('argmax and gather: Keras, PyTorch and TF.js spellings', () => {
    const y = [[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]];
    assert.deepEqual(evalTensor('keras', call('tf.argmax', [yp], { axis: num(-1) }), [0], y).values, [1, 0]);
    assert.deepEqual(evalTensor('pytorch', method(yp, 'argmax', [], { dim: num(1) }), [0], y).values, [1, 0]);
    assert.deepEqual(evalTensor('tfjs', method(yp, 'argMax', [num(-1)]), [0], y).values, [1, 0]);
    assert.deepEqual(round(evalTensor('keras', call('tf.gather', [yp, literal([2, 0])], { axis: num(1) }), [0], y).values), [0.2, 0.1, 0.2, 0.5]);
  });

  it('Keras 3 keras.ops.* with NumPy-style arguments', () => {
    const y = [[-1, 2, 0.5]];
    assert.deepEqual(evalTensor('keras', call('keras.ops.sum', [yp], { axis: num(-1), keepdims: bool(true) }), [0], y), { shape: [1, 1], values: [1.5] });
    assert.deepEqual(evalTensor('keras', call('keras.ops.clip', [yp, num(0), num(1)]), [0], y).values, [0, 1, 0.5]);
    assert.deepEqual(evalTensor('keras', call('keras.ops.maximum', [yp], { x2: num(0) }), [0], y).values, [0, 2, 0.5]);
    assert.deepEqual(evalTensor('keras', call('keras.ops.where', [call('keras.ops.less', [yp, num(0)]), neg(yp), yp]), [0], y).values, [1, 2, 0.5]);
  });

  it('Keras squeezes a trailing 1 so y_true [B] meets y_pred [B, 1] sample by sample (PyTorch broadcasts, as torch does)', () => {
    const mse = (fw: 'keras' | 'pytorch') =>
      lossModel(fw, [{ expr: fw === 'keras' ? call('tf.keras.losses.mean_squared_error', [yt, yp]) : call('F.mse_loss', [yp, yt]) }]);
    close(run(mse('keras'), [1, 2], [[1], [4]]).total, (0 + 4) / 2);
    // torch: [2, 1] − [2] broadcasts to [2, 2]: ((0)² + (−1)² + (3)² + (2)²) / 4
    close(run(mse('pytorch'), [1, 2], [[1], [4]]).total, (0 + 1 + 9 + 4) / 4);
    // Sparse labels [B] with [B, C] predictions are not touched.
    close(run(lossModel('keras', [{ expr: call('tf.keras.losses.sparse_categorical_crossentropy', [yt, yp]) }]), [0, 1], [[0.5, 0.5], [0.5, 0.5]]).total, Math.log(2), 1e-5);
  });
});

