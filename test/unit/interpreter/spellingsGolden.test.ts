// The same ops in Keras/TF, Keras 3 and TF.js spellings, on the inputs of the PyTorch golden cases
// (test/golden/torch-ops.json, computed by torch): each spelling must give torch's numbers.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr, Framework } from '../../../src/analysis/ir';
import { evaluateExpr } from '../../../src/trainer/interpreter';
import { assertTorchOutput, caseInputs, torchGolden as golden } from './golden';
import { attr, bin, bool, call, literal, lossModel, method, name, num, str, tuple, yp, yt } from './ir';
import { cpu, tf } from './tf';

const z = name('z');
const ints = (...xs: number[]) => literal(xs);
const inf = attr(name('math', 'global'), 'inf');
/** PyTorch's NCHW images and (out, in, kH, kW) weights in TF's NHWC / (kH, kW, in, out) layout, and back. */
const nhwc = (e: Expr) => call('tf.transpose', [e, ints(0, 2, 3, 1)]);
const nchw = (e: Expr) => call('tf.transpose', [e, ints(0, 3, 1, 2)]);
const hwio = (e: Expr) => call('tf.transpose', [e, ints(2, 3, 1, 0)]);

type Spelling = [Framework, string, Expr];
const k = (text: string, e: Expr): Spelling => ['keras', text, e];
const j = (text: string, e: Expr): Spelling => ['tfjs', text, e];

/** torch golden case → its spellings elsewhere. */
const spellings: Record<string, Spelling[]> = {
  'torch.unsqueeze dim 1': [
    k('tf.expand_dims(y, 1)', call('tf.expand_dims', [yp, num(1)])),
    k('K.expand_dims(y, axis=1)', call('K.expand_dims', [yp], { axis: num(1) })),
    k('keras.ops.expand_dims(y, 1)', call('keras.ops.expand_dims', [yp, num(1)])),
    j('tf.expandDims(y, 1)', call('tf.expandDims', [yp, num(1)])),
    j('y.expandDims(1)', method(yp, 'expandDims', [num(1)])),
  ],
  '.unsqueeze -1': [k('K.expand_dims(y)', call('K.expand_dims', [yp])), j('y.expandDims(-1)', method(yp, 'expandDims', [num(-1)]))],
  'torch.transpose 1 2': [
    k('tf.transpose(y, perm=[0, 2, 1])', call('tf.transpose', [yp], { perm: ints(0, 2, 1) })),
    k('K.permute_dimensions(y, (0, 2, 1))', call('K.permute_dimensions', [yp, ints(0, 2, 1)])),
    k('keras.ops.transpose(y, (0, 2, 1))', call('keras.ops.transpose', [yp, ints(0, 2, 1)])),
    k('tf.linalg.matrix_transpose(y)', call('tf.linalg.matrix_transpose', [yp])),
    j('tf.transpose(y, [0, 2, 1])', call('tf.transpose', [yp, ints(0, 2, 1)])),
  ],
  'torch.t': [
    k('tf.transpose(y)', call('tf.transpose', [yp])),
    k('K.transpose(y)', call('K.transpose', [yp])),
    k('y.T', attr(yp, 'T')),
    j('y.transpose()', method(yp, 'transpose')),
  ],
  'torch.permute (2, 0, 1)': [k('tf.transpose(y, [2, 0, 1])', call('tf.transpose', [yp, ints(2, 0, 1)])), j('tf.transpose(y, [2, 0, 1])', call('tf.transpose', [yp, ints(2, 0, 1)]))],
  'torch.stack dim 1': [
    k('tf.stack([p, t], axis=1)', call('tf.stack', [tuple(yp, yt)], { axis: num(1) })),
    k('K.stack([p, t], axis=1)', call('K.stack', [tuple(yp, yt)], { axis: num(1) })),
    k('keras.ops.stack([p, t], axis=1)', call('keras.ops.stack', [tuple(yp, yt)], { axis: num(1) })),
    j('tf.stack([p, t], 1)', call('tf.stack', [tuple(yp, yt), num(1)])),
  ],
  'torch.unbind dim 1': [
    k('tf.unstack(y, axis=1)', call('tf.unstack', [yp], { axis: num(1) })),
    k('keras.ops.unstack(y, axis=1)', call('keras.ops.unstack', [yp], { axis: num(1) })),
    j('tf.unstack(y, 1)', call('tf.unstack', [yp, num(1)])),
    j('y.unstack(1)', method(yp, 'unstack', [num(1)])),
  ],
  '.unbind': [k('tf.unstack(y)', call('tf.unstack', [yp]))],
  'torch.index_select dim 1': [
    k('tf.gather(y, idx, axis=1)', call('tf.gather', [yp, yt], { axis: num(1) })),
    k('keras.ops.take(y, idx, axis=1)', call('keras.ops.take', [yp, yt], { axis: num(1) })),
    j('tf.gather(y, idx, 1)', call('tf.gather', [yp, yt, num(1)])),
  ],
  'torch.index_select dim 0': [k('K.gather(y, idx)', call('K.gather', [yp, yt])), k('tf.gather(y, idx)', call('tf.gather', [yp, yt]))],
  'torch.clamp tensor bounds': [
    k('tf.clip_by_value(y, -0.5, 0.75)', call('tf.clip_by_value', [yp, num(-0.5), num(0.75)])),
    k('K.clip(y, -0.5, 0.75)', call('K.clip', [yp, num(-0.5), num(0.75)])),
    k('keras.ops.clip(y, -0.5, 0.75)', call('keras.ops.clip', [yp, num(-0.5), num(0.75)])),
    j('tf.clipByValue(y, -0.5, 0.75)', call('tf.clipByValue', [yp, num(-0.5), num(0.75)])),
  ],
  'torch.where': [
    k('tf.where(c, p, t)', call('tf.where', [z, yp, yt])),
    k('K.switch(c, p, t)', call('K.switch', [z, yp, yt])),
    k('keras.ops.where(c, p, t)', call('keras.ops.where', [z, yp, yt])),
    j('tf.where(c, p, t)', call('tf.where', [z, yp, yt])),
  ],
  'torch.where broadcast': [k('tf.where(c, p, t)', call('tf.where', [z, yp, yt])), j('tf.where(c, p, t)', call('tf.where', [z, yp, yt]))],
  'torch.maximum broadcast row': [
    k('tf.maximum(p, t)', call('tf.maximum', [yp, yt])),
    k('K.maximum(p, t)', call('K.maximum', [yp, yt])),
    k('keras.ops.maximum(p, t)', call('keras.ops.maximum', [yp, yt])),
    j('tf.maximum(p, t)', call('tf.maximum', [yp, yt])),
    j('p.maximum(t)', method(yp, 'maximum', [yt])),
  ],
  'torch.minimum broadcast column': [
    k('tf.minimum(p, t)', call('tf.minimum', [yp, yt])),
    k('K.minimum(p, t)', call('K.minimum', [yp, yt])),
    j('tf.minimum(p, t)', call('tf.minimum', [yp, yt])),
  ],
  'torch.logsumexp dim 1 keepdim': [
    k('tf.reduce_logsumexp(y, axis=1, keepdims=True)', call('tf.reduce_logsumexp', [yp], { axis: num(1), keepdims: bool(true) })),
    k('K.logsumexp(y, axis=1, keepdims=True)', call('K.logsumexp', [yp], { axis: num(1), keepdims: bool(true) })),
    k('keras.ops.logsumexp(y, axis=1, keepdims=True)', call('keras.ops.logsumexp', [yp], { axis: num(1), keepdims: bool(true) })),
    j('tf.logSumExp(y, 1, true)', call('tf.logSumExp', [yp, num(1), bool(true)])),
  ],
  'torch.logsumexp dims (0, 1)': [k('tf.reduce_logsumexp(y)', call('tf.reduce_logsumexp', [yp])), j('y.logSumExp()', method(yp, 'logSumExp'))],
  'torch.norm fro': [
    k("tf.norm(y, ord='fro', axis=[0, 1])", call('tf.norm', [yp], { ord: str('fro'), axis: ints(0, 1) })),
    k('tf.norm(y)', call('tf.norm', [yp])),
    k('keras.ops.norm(y)', call('keras.ops.norm', [yp])),
    j('tf.norm(y)', call('tf.norm', [yp])),
    j("y.norm('fro', [0, 1])", method(yp, 'norm', [str('fro'), ints(0, 1)])),
  ],
  'torch.norm p2 dim 1': [
    k('tf.norm(y, axis=1)', call('tf.norm', [yp], { axis: num(1) })),
    k('tf.linalg.norm(y, axis=1)', call('tf.linalg.norm', [yp], { axis: num(1) })),
    k('keras.ops.norm(y, axis=1)', call('keras.ops.norm', [yp], { axis: num(1) })),
    j("tf.norm(y, 'euclidean', 1)", call('tf.norm', [yp, str('euclidean'), num(1)])),
  ],
  'torch.norm p1 dim 0 keepdim': [
    k('tf.norm(y, ord=1, axis=0, keepdims=True)', call('tf.norm', [yp], { ord: num(1), axis: num(0), keepdims: bool(true) })),
    j('tf.norm(y, 1, 0, true)', call('tf.norm', [yp, num(1), num(0), bool(true)])),
  ],
  'torch.linalg.norm matrix ord 1': [
    k('tf.norm(y, ord=1, axis=[0, 1])', call('tf.norm', [yp], { ord: num(1), axis: ints(0, 1) })),
    k('keras.ops.norm(y, ord=1)', call('keras.ops.norm', [yp], { ord: num(1) })),
    j('tf.norm(y, 1, [0, 1])', call('tf.norm', [yp, num(1), ints(0, 1)])),
  ],
  'torch.linalg.norm matrix ord inf': [
    k('tf.norm(y, ord=np.inf, axis=[0, 1])', call('tf.norm', [yp], { ord: inf, axis: ints(0, 1) })),
    j('tf.norm(y, Infinity, [0, 1])', call('tf.norm', [yp, num(Number.POSITIVE_INFINITY), ints(0, 1)])),
  ],
  'torch.matmul': [
    k('tf.matmul(a, b)', call('tf.matmul', [yp, yt])),
    k('tf.linalg.matmul(a, b)', call('tf.linalg.matmul', [yp, yt])),
    k('K.dot(a, b)', call('K.dot', [yp, yt])),
    k('keras.ops.matmul(a, b)', call('keras.ops.matmul', [yp, yt])),
    k('tf.tensordot(a, b, axes=1)', call('tf.tensordot', [yp, yt], { axes: num(1) })),
    j('tf.matMul(a, b)', call('tf.matMul', [yp, yt])),
    j('a.matMul(b)', method(yp, 'matMul', [yt])),
    j('tf.dot(a, b)', call('tf.dot', [yp, yt])),
  ],
  'torch.matmul W.T W': [
    k('tf.matmul(w, w, transpose_a=True)', call('tf.matmul', [yt, yt], { transpose_a: bool(true) })),
    j('tf.matMul(w, w, true, false)', call('tf.matMul', [yt, yt, bool(true), bool(false)])),
  ],
  'torch.matmul batched': [k('tf.matmul(a, b)', call('tf.matmul', [yp, yt])), j('tf.matMul(a, b)', call('tf.matMul', [yp, yt]))],
  'torch.matmul matrix vector': [k('keras.ops.matmul(a, v)', call('keras.ops.matmul', [yp, yt]))],
  'torch.eye 3': [
    k('tf.eye(3)', call('tf.eye', [num(3)])),
    k('tf.linalg.eye(3)', call('tf.linalg.eye', [num(3)])),
    k('K.eye(3)', call('K.eye', [num(3)])),
    k('keras.ops.eye(3)', call('keras.ops.eye', [num(3)])),
    j('tf.eye(3)', call('tf.eye', [num(3)])),
  ],
  'torch.eye 3 4': [k('tf.eye(3, num_columns=4)', call('tf.eye', [num(3)], { num_columns: num(4) })), j('tf.eye(3, 4)', call('tf.eye', [num(3), num(4)]))],
  'torch.trace': [k('tf.linalg.trace(m)', call('tf.linalg.trace', [yp])), k('keras.ops.trace(m)', call('keras.ops.trace', [yp]))],
  'torch.diag of a matrix': [k('tf.linalg.diag_part(m)', call('tf.linalg.diag_part', [yp]))],
  'torch.diag of a vector': [k('tf.linalg.diag(v)', call('tf.linalg.diag', [yp]))],
  'torch.diagonal': [k('keras.ops.diagonal(m)', call('keras.ops.diagonal', [yp])), k('tf.linalg.diag_part(m)', call('tf.linalg.diag_part', [yp]))],
  'torch.outer': [j('tf.outerProduct(a, b)', call('tf.outerProduct', [yp, yt]))],
  'torch.dot': [k('tf.tensordot(a, b, 1)', call('tf.tensordot', [yp, yt, num(1)])), j('tf.dot(a, b)', call('tf.dot', [yp, yt]))],
  'torch.sin': [k('tf.sin(y)', call('tf.sin', [yp])), k('tf.math.sin(y)', call('tf.math.sin', [yp])), j('y.sin()', method(yp, 'sin'))],
  'torch.cos': [k('K.cos(y)', call('K.cos', [yp])), k('keras.ops.cos(y)', call('keras.ops.cos', [yp])), j('tf.cos(y)', call('tf.cos', [yp]))],
  '.repeat 2 1': [
    k('tf.tile(y, [2, 1])', call('tf.tile', [yp, ints(2, 1)])),
    k('keras.ops.tile(y, (2, 1))', call('keras.ops.tile', [yp, ints(2, 1)])),
    j('tf.tile(y, [2, 1])', call('tf.tile', [yp, ints(2, 1)])),
  ],
  'torch.cat dim 1': [
    k('tf.concat([p, t], axis=1)', call('tf.concat', [tuple(yp, yt)], { axis: num(1) })),
    k('K.concatenate([p, t])', call('K.concatenate', [tuple(yp, yt)])),
    k('keras.ops.concatenate([p, t], axis=1)', call('keras.ops.concatenate', [tuple(yp, yt)], { axis: num(1) })),
    j('tf.concat([p, t], 1)', call('tf.concat', [tuple(yp, yt), num(1)])),
  ],
  'torch.argsort descending': [k("tf.argsort(y, direction='DESCENDING')", call('tf.argsort', [yp], { direction: str('DESCENDING') }))],
  'torch.topk 2': [k('tf.math.top_k(y, k=2)', call('tf.math.top_k', [yp], { k: num(2) })), k('tf.nn.top_k(y, 2)', call('tf.nn.top_k', [yp, num(2)]))],
  'torch.flip dims (1,)': [k('tf.reverse(y, [1])', call('tf.reverse', [yp, ints(1)]))],
  'torch.roll 1 dim 1': [k('tf.roll(y, shift=1, axis=1)', call('tf.roll', [yp], { shift: num(1), axis: num(1) }))],
  'torch.tril': [k('tf.linalg.band_part(y, -1, 0)', call('tf.linalg.band_part', [yp, num(-1), num(0)]))],
  'torch.triu diagonal 1': [k('tf.linalg.band_part(y, 0, -1) - tf.linalg.band_part(y, 0, 0)', bin('-', call('tf.linalg.band_part', [yp, num(0), num(-1)]), call('tf.linalg.band_part', [yp, num(0), num(0)])))],
  'torch.einsum Gram bi,bj->ij': [
    k("tf.einsum('bi,bj->ij', p, t)", call('tf.einsum', [str('bi,bj->ij'), yp, yt])),
    k("keras.ops.einsum('bi,bj->ij', p, t)", call('keras.ops.einsum', [str('bi,bj->ij'), yp, yt])),
    j("tf.einsum('bi,bj->ij', p, t)", call('tf.einsum', [str('bi,bj->ij'), yp, yt])),
  ],
  'torch.erf': [k('tf.math.erf(y)', call('tf.math.erf', [yp]))],
  'torch.xlogy with zeros': [k('tf.math.xlogy(p, t)', call('tf.math.xlogy', [yp, yt]))],
  'F.gelu': [k('tf.nn.gelu(y)', call('tf.nn.gelu', [yp]))],
  'F.silu': [k('tf.nn.silu(y)', call('tf.nn.silu', [yp])), k('tf.nn.swish(y)', call('tf.nn.swish', [yp]))],
  'torch.all dim 1': [k('tf.reduce_all(y, axis=1)', call('tf.reduce_all', [yp], { axis: num(1) })), k('K.all(y, 1)', call('K.all', [yp, num(1)]))],
  'torch.any dim 0': [k('tf.reduce_any(y, 0)', call('tf.reduce_any', [yp, num(0)]))],
  'torch.logical_not': [k('tf.math.logical_not(y)', call('tf.math.logical_not', [yp]))],
  // ops/kerasMore.ts and ops/tfjsMore.ts: the same math as the torch cases, on TF's channels-last filters
  'torch.acos': [k('tf.math.acos(y)', call('tf.math.acos', [yp])), k('tf.acos(y)', call('tf.acos', [yp])), j('tf.acos(y)', call('tf.acos', [yp])), j('y.acos()', method(yp, 'acos'))],
  'torch.asin': [k('tf.math.asin(y)', call('tf.math.asin', [yp])), j('y.asin()', method(yp, 'asin'))],
  'torch.arctan': [k('tf.math.atan(y)', call('tf.math.atan', [yp]))],
  'torch.expm1': [k('tf.math.expm1(y)', call('tf.math.expm1', [yp])), j('tf.expm1(y)', call('tf.expm1', [yp]))],
  'torch.atan2': [k('tf.math.atan2(p, t)', call('tf.math.atan2', [yp, yt])), k('tf.atan2(p, t)', call('tf.atan2', [yp, yt])), j('tf.atan2(p, t)', call('tf.atan2', [yp, yt]))],
  'torch.cumprod dim 1': [j('tf.cumprod(y, 1)', call('tf.cumprod', [yp, num(1)])), j('y.cumprod(1)', method(yp, 'cumprod', [num(1)]))],
  'F.relu6': [j('tf.relu6(y)', call('tf.relu6', [yp])), j('y.relu6()', method(yp, 'relu6'))],
  'F.softsign': [k('tf.math.softsign(y)', call('tf.math.softsign', [yp])), k('tf.nn.softsign(y)', call('tf.nn.softsign', [yp]))],
  'F.conv2d': [
    k("tf.nn.conv2d(x, tf.transpose(w, [2, 3, 1, 0]), 1, 'VALID', data_format='NCHW')", call('tf.nn.conv2d', [yp, hwio(yt), num(1), str('VALID')], { data_format: str('NCHW') })),
    j("tf.conv2d(x NHWC, w HWIO, 1, 'valid')", nchw(call('tf.conv2d', [nhwc(yp), hwio(yt), num(1), str('valid')]))),
    j("x.conv2d(w HWIO, 1, 'valid')", nchw(method(nhwc(yp), 'conv2d', [hwio(yt), num(1), str('valid')]))),
  ],
  'F.conv1d': [
    k("tf.nn.conv1d(x, tf.transpose(w, [2, 1, 0]), 1, 'VALID', data_format='NCW')", call('tf.nn.conv1d', [yp, call('tf.transpose', [yt, ints(2, 1, 0)]), num(1), str('VALID')], { data_format: str('NCW') })),
    j("tf.conv1d(x NWC, w WIO, 1, 'valid')", call('tf.transpose', [call('tf.conv1d', [call('tf.transpose', [yp, ints(0, 2, 1)]), call('tf.transpose', [yt, ints(2, 1, 0)]), num(1), str('valid')]), ints(0, 2, 1)])),
  ],
  'F.max_pool1d': [k("tf.nn.max_pool1d(x, 3, 2, 'VALID', data_format='NCW')", call('tf.nn.max_pool1d', [yp, num(3), num(2), str('VALID')], { data_format: str('NCW') }))],
  'F.avg_pool2d kernel 2': [
    k("tf.nn.avg_pool2d(x, 2, 2, 'VALID', data_format='NCHW')", call('tf.nn.avg_pool2d', [yp, num(2), num(2), str('VALID')], { data_format: str('NCHW') })),
    k("tf.nn.avg_pool(x, [1, 1, 2, 2], [1, 1, 2, 2], 'VALID', data_format='NCHW')", call('tf.nn.avg_pool', [yp, ints(1, 1, 2, 2), ints(1, 1, 2, 2), str('VALID')], { data_format: str('NCHW') })),
    j("tf.avgPool(x NHWC, 2, 2, 'valid')", nchw(call('tf.avgPool', [nhwc(yp), num(2), num(2), str('valid')]))),
  ],
  'F.adaptive_avg_pool2d divides': [
    k("tf.nn.avg_pool2d(x, [5, 2], [5, 2], 'VALID', data_format='NCHW')", call('tf.nn.avg_pool2d', [yp, ints(5, 2), ints(5, 2), str('VALID')], { data_format: str('NCHW') })),
  ],
};

describe('Keras/TF and TF.js spellings match torch (golden values)', () => {
  before(cpu);

  it('every spelled case is a golden case', () => {
    const names = new Set(golden.cases.map((c) => c.name));
    for (const n of Object.keys(spellings)) assert.ok(names.has(n), n);
  });

  for (const [caseName, list] of Object.entries(spellings)) {
    const c = golden.cases.find((g) => g.name === caseName);
    if (!c) continue;
    for (const [framework, text, expr] of list) {
      it(`${framework}: ${text} = ${caseName}`, () => {
        const input = caseInputs(c);
        assertTorchOutput(evaluateExpr(tf, lossModel(framework, [{ expr }]), expr, input.yTrue, input.yPred, input.bindings), c, text);
        input.dispose();
      });
    }
  }
});
