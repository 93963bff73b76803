// Pooling and padding of images that multi-scale and smoothness losses call (`F.avg_pool2d(pred, 2)` for a coarser
// scale, `F.max_pool2d` for local maxima, `F.pad(x, (1, 1, 1, 1), mode='reflect')` before differences), on PyTorch's
// (N, C, H, W) or (C, H, W) layout: run as TF.js's NHWC pools (their gradient kernels exist on cpu and wasm).
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf, Value } from '../types';
import { asFloat, isTensor } from '../values';

export const pair = (v: Value | undefined, fallback: [number, number]): [number, number] => {
  if (typeof v === 'number') return [v, v];
  if (isTensor(v) && v.size === 2) return Array.from(v.dataSync()) as [number, number];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return v as [number, number];
  return fallback;
};

/** (N, C, H, W) or (C, H, W) → NHWC, and back. */
export function toNhwc(tf: Tf, x: Tensor): Tensor {
  if (x.rank === 3) return tf.expandDims(tf.transpose(x, [1, 2, 0]), 0);
  if (x.rank === 4) return tf.transpose(x, [0, 2, 3, 1]);
  throw new Error(`expects (N, C, H, W) or (C, H, W) images, not rank ${x.rank}`);
}
export const fromNhwc = (tf: Tf, y: Tensor, rank: number): Tensor => (rank === 3 ? tf.transpose(tf.squeeze(y, [0]), [2, 0, 1]) : tf.transpose(y, [0, 3, 1, 2]));

function pool(a: OpArgs, kind: 'avg' | 'max'): Tensor {
  const x = asFloat(a.tf, a.tensor('input'));
  const kernel = pair(a.value('kernel_size'), [1, 1]);
  const stride = a.value('stride') === undefined || a.value('stride') === null ? kernel : pair(a.value('stride'), kernel);
  if (a.bool('ceil_mode', false)) throw new Error('ceil_mode=True is not supported by the trainer');
  const padding = pair(a.value('padding'), [0, 0]);
  if (kind === 'avg' && (padding[0] > 0 || padding[1] > 0) && !a.bool('count_include_pad', true)) throw new Error('count_include_pad=False with padding is not supported by the trainer');
  return poolImages(a.tf, x, kind, kernel, stride, padding);
}

/** Pools (N, C, H, W) or (C, H, W) images as PyTorch does (no ceil mode; padding counted in an average). */
export function poolImages(tf: Tf, x: Tensor, kind: 'avg' | 'max', kernel: [number, number], stride: [number, number], [ph, pw]: [number, number]): Tensor {
  let nhwc = toNhwc(tf, x);
  // PyTorch pads with zeros (counted in the average) or with −∞ (never the max), then pools the valid windows
  if (ph > 0 || pw > 0) nhwc = tf.pad(nhwc, [[0, 0], [ph, ph], [pw, pw], [0, 0]], kind === 'avg' ? 0 : Number.NEGATIVE_INFINITY);
  const pooled = kind === 'avg' ? tf.avgPool(nhwc as never, kernel, stride, 'valid') : tf.maxPool(nhwc as never, kernel, stride, 'valid');
  return fromNhwc(tf, pooled as Tensor, x.rank);
}

/** F.pad(input, pad, mode, value): `pad` lists (before, after) pairs from the last axis backwards. */
function pad(a: OpArgs): Tensor {
  const { tf } = a;
  const x = asFloat(tf, a.tensor('input'));
  const flat = a.value('pad');
  if (!Array.isArray(flat) || flat.length % 2 !== 0 || !flat.every((v) => typeof v === 'number')) throw new Error('pad must be a tuple of (before, after) sizes');
  const widths: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < flat.length / 2; i++) widths[x.rank - 1 - i] = [flat[2 * i] as number, flat[2 * i + 1] as number];
  const mode = a.string('mode', 'constant');
  if (mode === 'constant') return tf.pad(x, widths, a.number('value', 0));
  if (mode === 'reflect') return tf.mirrorPad(x, widths, 'reflect');
  throw new Error(`mode='${mode}' is not supported by the trainer (constant and reflect are)`);
}

const avgPool2d = op(['input', 'kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'], (a) => pool(a, 'avg'));
const maxPool2d = op(['input', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'], (a) => pool(a, 'max'));
const padOp = op(['input', 'pad', 'mode', 'value'], pad);

export const torchPoolingCalls: OpTable = {
  'F.avg_pool2d': avgPool2d,
  'F.max_pool2d': maxPool2d,
  'F.pad': padOp,
  'torch.nn.functional.avg_pool2d': avgPool2d,
  'torch.nn.functional.max_pool2d': maxPool2d,
  'torch.nn.functional.pad': padOp,
  // the module forms, `nn.AvgPool2d(2)(x)`: constructor arguments bound by name (ops/ctorParams.ts)
  'nn.AvgPool2d': avgPool2d,
  'nn.MaxPool2d': maxPool2d,
};
