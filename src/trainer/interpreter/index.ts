// The loss interpreter: evaluates a LossModel IR on TensorFlow.js through one op table per framework.
// Only type imports from tfjs here and in the op tables: `findUnsupported`/`supportedCallees` are usable from the
// analysis without bundling tfjs; `compileLoss` takes the `tf` namespace from the caller.

export { type BatchedLoss, type BatchedLossValues, compileBatchedLoss, NotBatchableError } from './batched';
export { type CompiledLoss, type CompileOptions, compileLoss, evaluateExpr, type LossValues, type TermValues } from './compile';
export { LossEvaluationError, UnsupportedOpError } from './errors';
export { unboundParams } from './scope';
export type { Scalar, Tensor, Tf, Value } from './types';
export { buildsLayers, evaluatedChildren, findUnsupported, readsModelWeights, refusalMessage, supportedCallees, supportedMethods, type UnsupportedOp } from './unsupported';
