// Element-wise float32 kernels of the wasm backend, written in JS over the wasm heap.
//
// A trial step runs some 50 element-wise kernels (a loss and its gradient, Adam's moments) on tensors of a few
// hundred floats. tfjs-backend-wasm 4.22 spends ~8 µs on each whatever its size (the call into wasm with its shape
// arrays, the C++ broadcasting set-up), against well under a microsecond for the arithmetic; the loop below
// reads and writes the same heap with none of that.
//
// The values are bit for bit the wasm kernel's: JS computes in float64 and the Float32Array store rounds once,
// and for +, −, ×, ÷ and √ of float32 operands that double rounding is exact (float64 has more than 2·24 + 2
// bits), so each element is the correctly rounded float32 result, which is what the wasm kernel computes. Only
// those operations, on float32 tensors of the same shape or with one side a single element; every other case
// (int32, broadcasting along an axis, empty tensors) is left to the original kernel. Checked against it in the tests.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type KernelArgs, size, type WasmBackend } from './wasmHeap';


/** Writes o[i] = x[i] ∘ y[i] over n elements; `mode` says which side is one element (1: y, 2: x) or neither (0). */
type BinaryLoop = (x: ArrayLike<number>, y: ArrayLike<number>, o: Float32Array, n: number, mode: 0 | 1 | 2) => void;
type UnaryLoop = (x: ArrayLike<number>, o: Float32Array, n: number) => void;

const sameShape = (a: number[], b: number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** The output shape when one side has one element (broadcast to the other's shape), or both have the same shape. */
function simpleShape(a: TensorInfo, b: TensorInfo): number[] | undefined {
  if (sameShape(a.shape, b.shape)) return a.shape;
  // a single element broadcasts to any shape of at least its rank (a [1, 1] against a [5] is [1, 5]: not this case)
  if (size(b.shape) === 1 && b.shape.length <= a.shape.length) return a.shape;
  if (size(a.shape) === 1 && a.shape.length <= b.shape.length) return b.shape;
  return undefined;
}

/**
 * Above this many elements the wasm kernel's SIMD loop wins over its fixed cost (a trial's loss and gradient
 * tensors are a batch of outputs, far below; Adam's moment vectors over all weights are above).
 */
const MAX_ELEMENTS = 2048;

function binaryKernel(loop: BinaryLoop): (original: KernelFunc) => KernelFunc {
  return (original) => (args) => {
    const { inputs, backend } = args as unknown as KernelArgs;
    const a = inputs['a']!;
    const b = inputs['b']!;
    const shape = a.dtype === 'float32' && b.dtype === 'float32' ? simpleShape(a, b) : undefined;
    const n = shape ? size(shape) : 0;
    if (!shape || n === 0 || n > MAX_ELEMENTS) return original(args);
    const wasm = backend as WasmBackend;
    const out = wasm.makeOutput(shape, 'float32');
    // Views are taken after allocating: allocating may grow the heap, which detaches earlier views.
    const x = wasm.typedArrayFromHeap(a);
    const y = wasm.typedArrayFromHeap(b);
    loop(x, y, wasm.typedArrayFromHeap(out) as Float32Array, n, x.length === n && y.length === n ? 0 : y.length === 1 ? 1 : 2);
    return out;
  };
}

function unaryKernel(loop: UnaryLoop): (original: KernelFunc) => KernelFunc {
  return (original) => (args) => {
    const { inputs, backend } = args as unknown as KernelArgs;
    const x = inputs['x']!;
    const n = size(x.shape);
    if (x.dtype !== 'float32' || n === 0 || n > MAX_ELEMENTS) return original(args);
    const wasm = backend as WasmBackend;
    const out = wasm.makeOutput(x.shape, 'float32');
    loop(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(out) as Float32Array, n);
    return out;
  };
}

// One loop per operation, written out: a shared loop calling the operation per element would not be inlined.
/* biome-ignore format: the four loops of an operation read best one per line */
const binaryLoops: Record<string, BinaryLoop> = {
  Add: (x, y, o, n, m) => {
    if (m === 0) for (let i = 0; i < n; i++) o[i] = x[i]! + y[i]!;
    else if (m === 1) { const v = y[0]!; for (let i = 0; i < n; i++) o[i] = x[i]! + v; }
    else { const v = x[0]!; for (let i = 0; i < n; i++) o[i] = v + y[i]!; }
  },
  Sub: (x, y, o, n, m) => {
    if (m === 0) for (let i = 0; i < n; i++) o[i] = x[i]! - y[i]!;
    else if (m === 1) { const v = y[0]!; for (let i = 0; i < n; i++) o[i] = x[i]! - v; }
    else { const v = x[0]!; for (let i = 0; i < n; i++) o[i] = v - y[i]!; }
  },
  Multiply: (x, y, o, n, m) => {
    if (m === 0) for (let i = 0; i < n; i++) o[i] = x[i]! * y[i]!;
    else if (m === 1) { const v = y[0]!; for (let i = 0; i < n; i++) o[i] = x[i]! * v; }
    else { const v = x[0]!; for (let i = 0; i < n; i++) o[i] = v * y[i]!; }
  },
  RealDiv: (x, y, o, n, m) => {
    if (m === 0) for (let i = 0; i < n; i++) o[i] = x[i]! / y[i]!;
    else if (m === 1) { const v = y[0]!; for (let i = 0; i < n; i++) o[i] = x[i]! / v; }
    else { const v = x[0]!; for (let i = 0; i < n; i++) o[i] = v / y[i]!; }
  },
};

const unaryLoops: Record<string, UnaryLoop> = {
  Neg: (x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = -x[i]!;
  },
  Abs: (x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!);
  },
  Square: (x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = x[i]! * x[i]!;
  },
  Sqrt: (x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!);
  },
};

/** Kernel name → the override of its wasm kernel (installed by wasmKernels.ts installWasmKernels). */
export const elementwiseOverrides: Record<string, (original: KernelFunc) => KernelFunc> = {
  ...Object.fromEntries(Object.entries(binaryLoops).map(([name, loop]) => [name, binaryKernel(loop)])),
  ...Object.fromEntries(Object.entries(unaryLoops).map(([name, loop]) => [name, unaryKernel(loop)])),
};
