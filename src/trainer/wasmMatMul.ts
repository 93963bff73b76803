// Matrix products of the wasm backend, led onto XNNPACK's path.
//
// tfjs-backend-wasm 4.22 runs BatchMatMul through XNNPACK only for one untransposed 2-D product; with transposeA
// or transposeB, or a batch of products ([K, m, k] × [K, k, n]), it falls back to a plain loop 10-30 times slower
// (measured: a [64, 256]ᵀ × [64, 256] product 10 ms against 0.7 ms untransposed; [3, 64, 64] × [3, 64, 400] 7 ms
// against 3 × 0.25 ms one by one). Every matMul's backward pass takes transposed products, losses write `z.T @ z`
// (a Barlow Twins correlation, a Gram matrix), and the trainer's VAE runs K runs as one batch, so trials spent
// most of their time there. These kernels transpose an operand first (a copy of a few thousand floats), fold a
// batch against one shared matrix into the rows of one product, and take a batch of products one by one; the
// products agree with the original kernel's to float32 rounding (checked in the tests).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { copyPart, type KernelArgs, size, type WasmBackend } from './wasmHeap';

/** Looks up a kernel of the wasm backend by name (the Transpose kernel, here). */
export type KernelLookup = (name: string) => KernelFunc;

/** perm swapping the last two axes of a tensor of rank `rank`. */
const lastTwoSwapped = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

/** Tensors made inside one kernel call, freed when it returns. */
class Scratch {
  private readonly made: TensorInfo[] = [];
  constructor(readonly backend: WasmBackend) {}
  keep(t: TensorInfo): TensorInfo {
    this.made.push(t);
    return t;
  }
  free(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId);
  }
}

/** a × b of untransposed float32 operands [..., m, k] × [..., k, n], on the 2-D product the fast path takes. */
function plainProduct(original: KernelFunc, scratch: Scratch, a: TensorInfo, b: TensorInfo): TensorInfo {
  const backend = scratch.backend;
  const attrs = { transposeA: false, transposeB: false };
  const two = (x: TensorInfo, rows: number) => ({ ...x, shape: [rows, x.shape[x.shape.length - 1]!] });
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  const outShape = [...(a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2), m, n];
  const call = (x: TensorInfo, y: TensorInfo) => original({ inputs: { a: x, b: y }, backend: backend as never, attrs }) as TensorInfo;
  // One shared right-hand matrix: the batch's rows stacked are one product (a reshape, no copy).
  if (batchB === 1) return { ...call(two(a, batchA * m), two(b, k)), shape: outShape };
  if (batchA !== batchB || a.shape.length !== b.shape.length) return call(a, b);
  const out = backend.makeOutput(outShape, 'float32');
  for (let i = 0; i < batchA; i++) {
    const part = scratch.keep(call(scratch.keep(copyPart(backend, a, i * m * k, [m, k])), scratch.keep(copyPart(backend, b, i * k * n, [k, n]))));
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(part), i * m * n);
  }
  return out;
}

function fastPath(original: KernelFunc, kernelOf: KernelLookup, { batches }: { batches: boolean }): KernelFunc {
  // looked up once, not per product (the registry's lookup builds a string key each time)
  const transposeKernel = kernelOf('Transpose');
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const a = inputs['a']!;
    const b = inputs['b']!;
    const flags = { a: attrs?.['transposeA'] === true, b: attrs?.['transposeB'] === true };
    const batched = batches && size(a.shape.slice(0, -2)) > 1;
    if ((!flags.a && !flags.b && !batched) || a.shape.length < 2 || b.shape.length < 2 || a.dtype !== 'float32' || b.dtype !== 'float32' || size(a.shape) === 0 || size(b.shape) === 0) return original(args);
    const scratch = new Scratch(backend as WasmBackend);
    const transpose = (x: TensorInfo): TensorInfo => scratch.keep(transposeKernel({ inputs: { x }, backend: backend as never, attrs: { perm: lastTwoSwapped(x.shape.length) } }) as TensorInfo);
    try {
      const plainA = flags.a ? transpose(a) : a;
      const plainB = flags.b ? transpose(b) : b;
      if (batches) return plainProduct(original, scratch, plainA, plainB);
      return original({ ...args, inputs: { ...inputs, a: plainA, b: plainB }, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      scratch.free();
    }
  };
}

export const matMulOverrides: Record<string, (original: KernelFunc, kernelOf: KernelLookup) => KernelFunc> = {
  BatchMatMul: (original, kernelOf) => fastPath(original, kernelOf, { batches: true }),
  // a fused product's bias and activation apply per batch: only its transposes are undone
  _FusedMatMul: (original, kernelOf) => fastPath(original, kernelOf, { batches: false }),
};
