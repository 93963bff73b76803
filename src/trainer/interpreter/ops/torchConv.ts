// Functional image/sequence ops of torch.nn.functional that losses call with fixed tensors: conv1d/conv2d with a given
// weight (Sobel/Gaussian kernels, smoothness filters; PyTorch's NCHW and (out, in/groups, kH, kW) weights run as
// TF.js's NHWC conv with [kH, kW, in, out] filters), 1-D pools, adaptive average pooling (PyTorch's bins
// floor(i·H/o) … ceil((i+1)·H/o)), nearest interpolation, layer_norm and dropout.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf, Value } from '../types';
import { asFloat, isTensor } from '../values';
import { RANDOM_SEED } from './random';
import { compare, gather } from './shared';
import { fromNhwc, pair, poolImages, toNhwc } from './torchPooling';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));
/** A 1-D size: a number or a one-element tuple. */
const single = (v: Value | undefined, fallback: number): number => (typeof v === 'number' ? v : Array.isArray(v) && typeof v[0] === 'number' ? v[0] : fallback);

/** Explicit (before, after) padding per spatial axis: numbers, 'valid', or 'same' (the extra cell after, as torch). */
function paddings(v: Value | undefined, kernel: [number, number], dilation: [number, number]): [[number, number], [number, number]] {
  if (v === 'valid') return [[0, 0], [0, 0]];
  if (v === 'same') {
    const side = (k: number, d: number): [number, number] => [Math.floor((d * (k - 1)) / 2), d * (k - 1) - Math.floor((d * (k - 1)) / 2)];
    return [side(kernel[0], dilation[0]), side(kernel[1], dilation[1])];
  }
  const [ph, pw] = pair(v, [0, 0]);
  return [[ph, ph], [pw, pw]];
}

/** torch's conv2d on (N, C, H, W) / (C, H, W) input, weight (O, C/groups, kH, kW), optional bias (O). */
function conv2d(tf: Tf, x: Tensor, weight: Tensor, bias: Tensor | undefined, stride: [number, number], pad: Value | undefined, dilation: [number, number], groups: number): Tensor {
  if (weight.rank !== 4) throw new Error(`conv2d takes a 4-D weight (out, in/groups, kH, kW), not rank ${weight.rank}`);
  const kernel = weight.shape.slice(2) as [number, number];
  const [[pt, pb], [pl, pr]] = paddings(pad, kernel, dilation);
  const input = tf.pad(toNhwc(tf, x), [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
  const filter = tf.transpose(weight, [2, 3, 1, 0]);
  const ins = groups === 1 ? [input] : tf.split(input, groups, 3);
  const filters = groups === 1 ? [filter] : tf.split(filter, groups, 3);
  const outs = ins.map((part, g) => tf.conv2d(part as never, filters[g] as never, stride, 'valid', 'NHWC', dilation) as Tensor);
  const out = outs.length === 1 ? (outs[0] as Tensor) : tf.concat(outs, 3);
  return fromNhwc(tf, bias ? tf.add(out, asFloat(tf, bias)) : out, x.rank);
}

const convParams = ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'];

const conv2dOp = op(convParams, (a) =>
  conv2d(a.tf, float(a, 'input'), float(a, 'weight'), optFloat(a, 'bias'), pair(a.value('stride'), [1, 1]), a.value('padding'), pair(a.value('dilation'), [1, 1]), a.number('groups', 1)),
);

/** conv1d as a conv2d over a height of 1: (N, C, L) input, (O, C/groups, K) weight. */
const conv1dOp = op(convParams, (a) => {
  const { tf } = a;
  const x = float(a, 'input');
  const w = float(a, 'weight');
  const padding = a.value('padding');
  const pad = typeof padding === 'string' ? padding : [0, single(padding, 0)];
  const out = conv2d(tf, tf.expandDims(x, -2), tf.expandDims(w, -2), optFloat(a, 'bias'), [1, single(a.value('stride'), 1)], pad, [1, single(a.value('dilation'), 1)], a.number('groups', 1));
  return tf.squeeze(out, [out.rank - 2]);
});

const optFloat = (a: OpArgs, name: string): Tensor | undefined => {
  const t = a.optTensor(name);
  return t ? asFloat(a.tf, t) : undefined;
};

/** avg_pool1d / max_pool1d on (N, C, L) or (C, L): the 2-D pool over a height of 1. */
const pool1d = (kind: 'avg' | 'max') =>
  op(['input', 'kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'], (a) => {
    const { tf } = a;
    if (a.bool('ceil_mode', false)) throw new Error('ceil_mode=True is not supported by the trainer');
    if (kind === 'avg' && single(a.value('padding'), 0) > 0 && !a.bool('count_include_pad', true)) throw new Error('count_include_pad=False with padding is not supported by the trainer');
    const x = float(a, 'input');
    const k = single(a.value('kernel_size'), 1);
    const s = a.value('stride') === undefined || a.value('stride') === null ? k : single(a.value('stride'), k);
    const out = poolImages(tf, tf.expandDims(x, -2), kind, [1, k], [1, s], [0, single(a.value('padding'), 0)]);
    return tf.squeeze(out, [out.rank - 2]);
  });

/** adaptive_avg_pool2d: output cell i averages input rows floor(i·H/o) to ceil((i+1)·H/o), and so for columns. */
function adaptiveAvgPool2d(tf: Tf, x: Tensor, size: Value | undefined): Tensor {
  const [h, w] = x.shape.slice(-2) as [number, number];
  const wanted = typeof size === 'number' ? [size, size] : Array.isArray(size) ? size : [];
  const [oh, ow] = [typeof wanted[0] === 'number' ? wanted[0] : h, typeof wanted[1] === 'number' ? wanted[1] : w];
  const bins = (n: number, o: number) => Array.from({ length: o }, (_, i) => [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)] as const);
  const [hAxis, wAxis] = [x.rank - 2, x.rank - 1];
  const rows = bins(h, oh).map(([r0, r1]) => {
    const band = tf.slice(x, x.shape.map((_, d) => (d === hAxis ? r0 : 0)), x.shape.map((s, d) => (d === hAxis ? r1 - r0 : (s as number))));
    const cells = bins(w, ow).map(([c0, c1]) => tf.mean(tf.slice(band, band.shape.map((_, d) => (d === wAxis ? c0 : 0)), band.shape.map((s, d) => (d === wAxis ? c1 - c0 : (s as number)))), [hAxis, wAxis]));
    return tf.stack(cells, -1);
  });
  return tf.stack(rows, -2);
}

/** interpolate(mode='nearest'): source index floor(dst · in/out) (or dst / scale_factor when one is given), per spatial axis. */
function interpolate(a: OpArgs): Tensor {
  const { tf } = a;
  const mode = a.string('mode', 'nearest');
  if (mode !== 'nearest') throw new Error(`mode='${mode}' is not supported by the trainer (nearest is)`);
  let x = float(a, 'input');
  const spatial = x.shape.slice(2) as number[];
  const listed = (v: Value | undefined): number[] | undefined => (v === undefined || v === null ? undefined : typeof v === 'number' ? spatial.map(() => v) : isTensor(v) ? Array.from(v.dataSync()) : (v as number[]));
  const sizes = listed(a.value('size'));
  const scales = listed(a.value('scale_factor'));
  if (!sizes && !scales) throw new Error('interpolate needs size or scale_factor');
  const recompute = a.bool('recompute_scale_factor', false);
  spatial.forEach((n, i) => {
    const out = sizes ? (sizes[i] as number) : Math.floor(n * (scales![i] as number));
    const step = scales && !recompute && !sizes ? 1 / (scales[i] as number) : n / out;
    const src = Array.from({ length: out }, (_, j) => Math.min(Math.floor(j * step), n - 1));
    x = gather(tf, x, tf.tensor1d(src, 'int32'), i + 2);
  });
  return x;
}

/** layer_norm over the last len(normalized_shape) axes, biased variance, then weight and bias when given. */
function layerNorm(a: OpArgs): Tensor {
  const { tf } = a;
  const x = float(a, 'input');
  const shape = a.value('normalized_shape');
  const k = typeof shape === 'number' ? 1 : Array.isArray(shape) ? shape.length : 1;
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  const centred = tf.sub(x, tf.mean(x, axes, true));
  let out = tf.div(centred, tf.sqrt(tf.add(tf.mean(tf.square(centred), axes, true), a.number('eps', 1e-5))));
  const w = optFloat(a, 'weight');
  const b = optFloat(a, 'bias');
  if (w) out = tf.mul(out, w);
  return b ? tf.add(out, b) : out;
}

/**
 * F.dropout(input, p=0.5, training=True): the identity when not training or p = 0; otherwise stochastic, as torch in
 * training: each entry kept with probability 1 − p and scaled by 1/(1 − p), from the trial's seeded draws.
 */
function dropout(a: OpArgs): Tensor {
  const { tf } = a;
  const x = float(a, 'input');
  const p = a.number('p', 0.5);
  if (!a.bool('training', true) || p === 0) return x;
  if (p === 1) return tf.mul(x, 0);
  const draws = tf.randomUniform(x.shape, 0, 1, 'float32', a.nextSeed?.() ?? RANDOM_SEED);
  const keep = tf.cast(compare(tf, '>=', draws, tf.scalar(p)), 'float32');
  return tf.mul(x, tf.div(keep, 1 - p));
}

const functional: OpTable = {
  conv1d: conv1dOp,
  conv2d: conv2dOp,
  avg_pool1d: pool1d('avg'),
  max_pool1d: pool1d('max'),
  adaptive_avg_pool2d: op(['input', 'output_size'], (a) => adaptiveAvgPool2d(a.tf, float(a, 'input'), a.value('output_size'))),
  interpolate: op(['input', 'size', 'scale_factor', 'mode', 'align_corners', 'recompute_scale_factor'], interpolate),
  layer_norm: op(['input', 'normalized_shape', 'weight', 'bias', 'eps'], layerNorm),
  dropout: op(['input', 'p', 'training', 'inplace'], dropout),
};

export const torchConvCalls: OpTable = Object.fromEntries(
  ['F', 'torch.nn.functional'].flatMap((prefix) => Object.entries(functional).map(([name, spec]) => [`${prefix}.${name}`, spec])),
);
