// Kernels of the wasm backend that copy less than tfjs-backend-wasm 4.22's own.
//
// Identity (what tfjs runs to clone a tensor, e.g. each input and output it saves for the backward pass) copies
// the data; this one shares it and counts a reference, as the wasm Reshape kernel and the cpu backend's Identity
// already do (no wasm kernel writes into its inputs, so shared data is never changed under a tensor).
//
// Contiguous slicing: tfjs-backend-wasm 4.22's Slice reads its input with readSync,
// which copies the whole input out of the wasm heap before taking the part it wants, and Unpack and SplitV call
// that Slice once per output: taking the K runs' [B, n] slices of a [K, B, n] tensor copies K·K·B·n floats
// instead of K·B·n (measured: 414 µs to unstack 8 × [64, 64], against ~30 µs for the copies themselves). These
// kernels copy a contiguous part heap-to-heap and leave every other case to the original kernel. The values
// and shapes are the original's (checked against it in the tests).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import { elementwiseOverrides } from './wasmElementwise';
import { copyPart, type KernelArgs, size, type WasmBackend } from './wasmHeap';
import { type KernelLookup, matMulOverrides } from './wasmMatMul';

/** Whether slicing along `axis` gives contiguous parts: every axis before it has size 1 once sliced. */
const leadingOnes = (shape: number[], axis: number): boolean => shape.slice(0, axis).every((d) => d === 1);

/** Normalised begin/size of a Slice (size -1 means to the end), as tfjs's slice_util does. */
function sliceParams(x: TensorInfo, attrs: NamedAttrMap): { begin: number[]; size: number[] } {
  const rank = x.shape.length;
  const rawBegin = attrs['begin'] as number | number[];
  const rawSize = attrs['size'] as number | number[] | undefined;
  const begin = typeof rawBegin === 'number' ? [rawBegin, ...new Array(rank - 1).fill(0)] : [...rawBegin];
  while (begin.length < rank) begin.push(0);
  const sizes = rawSize === undefined ? new Array(rank).fill(-1) : typeof rawSize === 'number' ? [rawSize, ...new Array(rank - 1).fill(-1)] : [...rawSize];
  while (sizes.length < rank) sizes.push(-1);
  return { begin, size: sizes.map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s)) };
}

/** Contiguous when, after the first axis that is not taken whole… every later axis is taken whole. */
function contiguousOffset(shape: number[], begin: number[], sizes: number[]): number | undefined {
  let i = shape.length - 1;
  while (i > 0 && begin[i] === 0 && sizes[i] === shape[i]) i--;
  // Axis i may be partial; all axes before it must have size 1.
  if (!leadingOnes(sizes, i)) return undefined;
  let offset = 0;
  let stride = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    offset += begin[j]! * stride;
    stride *= shape[j]!;
  }
  return offset;
}

/**
 * A slice that is not one contiguous part, copied row by row of its last axis heap to heap. tfjs-backend-wasm
 * 4.22's own copies the whole input out of the heap first and makes a typed-array view per row, which for
 * `x[..., k]` of an image batch (rows of one element) was most of a trial's time.
 */
function stridedCopy(backend: WasmBackend, x: TensorInfo, begin: number[], sizes: number[]): TensorInfo {
  const out = backend.makeOutput(sizes, x.dtype);
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = x.shape.map((_, i) => size(x.shape.slice(i + 1)));
  const row = sizes[rank - 1]!;
  const index = new Array(rank - 1).fill(0);
  for (let o = 0; o < to.length; o += row) {
    let start = begin[rank - 1]!;
    for (let i = 0; i < rank - 1; i++) start += (begin[i]! + index[i]!) * strides[i]!;
    // short rows element by element: a view per row costs more than the copy (long rows are copied as a block)
    if (row >= 32) to.set(from.subarray(start, start + row), o);
    else for (let j = 0; j < row; j++) to[o + j] = from[start + j]!;
    // the next row: an odometer over the axes before the last
    for (let i = rank - 2; i >= 0 && ++index[i] === sizes[i]; i--) index[i] = 0;
  }
  return out;
}

/** The `axis` attribute of an Unpack or SplitV, when its parts are contiguous runs of x's data (else undefined). */
function contiguousAxis(x: TensorInfo, attrs: NamedAttrMap | undefined): number | undefined {
  let axis = (attrs?.['axis'] as number | undefined) ?? 0;
  if (axis < 0) axis += x.shape.length;
  return x.dtype === 'string' || size(x.shape) === 0 || !leadingOnes(x.shape, axis) ? undefined : axis;
}

type Overrides = Record<string, (original: KernelFunc, kernelOf: KernelLookup) => KernelFunc>;

const overrides: Overrides = {
  Identity: (original) => (args) => {
    const { inputs, backend } = args as unknown as KernelArgs;
    const x = inputs['x']!;
    if (x.dtype === 'string') return original(args);
    (backend as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
  Slice: (original) => (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const x = inputs['x']!;
    if (x.dtype === 'string') return original(args);
    const { begin, size: sizes } = sliceParams(x, attrs ?? {});
    if (size(sizes) === 0) return original(args);
    const offset = contiguousOffset(x.shape, begin, sizes);
    return offset === undefined ? stridedCopy(backend as WasmBackend, x, begin, sizes) : copyPart(backend as WasmBackend, x, offset, sizes);
  },
  Unpack: (original) => (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const x = inputs['value']!;
    const axis = contiguousAxis(x, attrs);
    if (axis === undefined) return original(args);
    const outShape = x.shape.filter((_, i) => i !== axis);
    const part = size(outShape);
    return Array.from({ length: x.shape[axis]! }, (_, i) => copyPart(backend as WasmBackend, x, i * part, outShape));
  },
  SplitV: (original) => (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const x = inputs['x']!;
    const axis = contiguousAxis(x, attrs);
    if (axis === undefined) return original(args);
    const split = attrs?.['numOrSizeSplits'] as number | number[];
    const dim = x.shape[axis]!;
    let sizes = typeof split === 'number' ? new Array(split).fill(dim / split) : [...split];
    const unknown = sizes.indexOf(-1);
    if (unknown >= 0) sizes[unknown] = dim - sizes.reduce((a, b) => (b === -1 ? a : a + b), 0);
    sizes = sizes.map(Number);
    const inner = size(x.shape.slice(axis + 1));
    let offset = 0;
    return sizes.map((s) => {
      const shape = x.shape.map((d, i) => (i === axis ? s : d));
      const out = copyPart(backend as WasmBackend, x, offset, shape);
      offset += s * inner;
      return out;
    });
  },
};

/**
 * Replaces the wasm backend's Identity, Slice, Unpack and SplitV kernels, its float32 element-wise ones
 * (wasmElementwise.ts) and its transposed or batched matrix products (wasmMatMul.ts), once; later calls do nothing.
 */
export function installWasmKernels(tf: Tf): void {
  const kernelOf: KernelLookup = (name) => tf.getKernel(name, 'wasm')!.kernelFunc;
  for (const [name, make] of Object.entries<Overrides[string]>({ ...overrides, ...elementwiseOverrides, ...matMulOverrides })) {
    const current = tf.getKernel(name, 'wasm');
    if (!current || (current as KernelConfig & { lossLab?: true }).lossLab) continue;
    tf.unregisterKernel(name, 'wasm');
    // the kernel it replaces is kept beside it, for the tests that compare the two
    tf.registerKernel({ ...current, kernelFunc: make(current.kernelFunc, kernelOf), lossLab: true, replaced: current.kernelFunc } as KernelConfig);
  }
}
