// What the wasm backend's replacement kernels share: the parts of tfjs-backend-wasm's BackendWasm they use (public
// methods of the class), a kernel's arguments, and copying part of a tensor heap to heap.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

export interface WasmBackend {
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: TensorInfo['dataId']): void;
  disposeData(dataId: TensorInfo['dataId']): boolean;
}

export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** A copy of elements [offset, offset + size(shape)) of x, shaped `shape`. */
export function copyPart(backend: WasmBackend, x: TensorInfo, offset: number, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, x.dtype);
  // Read x's view after allocating: allocating may grow the heap, which detaches earlier views.
  const from = backend.typedArrayFromHeap(x);
  backend.typedArrayFromHeap(out).set(from.subarray(offset, offset + size(shape)));
  return out;
}
