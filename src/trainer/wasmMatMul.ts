// Matrix products of the wasm backend with a transposed operand, as products of untransposed ones.
//
// tfjs-backend-wasm 4.22 runs BatchMatMul and _FusedMatMul through XNNPACK only when neither operand is
// transposed; with transposeA or transposeB it falls back to a plain loop some 15-30 times slower (measured on a
// [64, 256]ᵀ × [64, 256] product: 10 ms against 0.7 ms for the same product with the operand transposed first).
// The backward pass of every matMul takes transposed products (dA = dC·Bᵀ, dB = Aᵀ·dC), and so do losses
// written `z.T @ z` (a Barlow Twins correlation, a Gram matrix), so a trial spent most of its time there. These
// kernels transpose the operand first (a copy of a few thousand floats) and call the original kernel with no
// transposition; the products agree with the original's to float32 rounding (checked in the tests).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './wasmElementwise';

interface WasmBackend {
  disposeData(dataId: TensorInfo['dataId']): boolean;
}

/** Looks up a kernel of the wasm backend by name (the Transpose kernel, here). */
export type KernelLookup = (name: string) => KernelFunc;

/** perm swapping the last two axes of a tensor of rank `rank`. */
const lastTwoSwapped = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

function untransposed(original: KernelFunc, kernelOf: KernelLookup): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const a = inputs['a']!;
    const b = inputs['b']!;
    const flags = { a: attrs?.['transposeA'] === true, b: attrs?.['transposeB'] === true };
    if ((!flags.a && !flags.b) || a.shape.length < 2 || b.shape.length < 2) return original(args);
    const transpose = kernelOf('Transpose');
    const made: TensorInfo[] = [];
    const plain = (x: TensorInfo, transposed: boolean): TensorInfo => {
      if (!transposed) return x;
      const t = transpose({ inputs: { x }, backend: backend as never, attrs: { perm: lastTwoSwapped(x.shape.length) } }) as TensorInfo;
      made.push(t);
      return t;
    };
    try {
      return original({ ...args, inputs: { ...inputs, a: plain(a, flags.a), b: plain(b, flags.b) }, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of made) (backend as WasmBackend).disposeData(t.dataId);
    }
  };
}

export const matMulOverrides: Record<string, (original: KernelFunc, kernelOf: KernelLookup) => KernelFunc> = {
  BatchMatMul: untransposed,
  _FusedMatMul: untransposed,
};
