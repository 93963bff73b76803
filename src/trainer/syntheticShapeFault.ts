// A shape failure on the trainer's own synthetic data is the trainer's fault, not the user's line: the data was shaped
// from what the loss reads (./data/shape.ts, ./data/targetWidth.ts) and missed. The message says so, with the shapes
// the trial gave, and what the user can do; on the user's own dataset a shape failure stays the loss's message.
import type { TrialData } from './data';
import { targetTensorShape } from './data';

/**
 * Messages of the interpreter and tfjs when two tensors' shapes do not fit an op, or a tensor has fewer axes than the
 * loss reads (`x[:, 1:, :]` of a [N, C] tensor, `mask.tile([1, 1, 1, 3])` of a rank-2 one: an image or a sequence the
 * trial gave flat).
 */
const shapeFailure = /do not broadcast|incompatible shapes|shapes? .* (must|should) match|operands could not be broadcast|would overflow input\.shape|rank of input \d+ must match|too many indices \(\d+\) for a tensor of rank/i;

/** The probe's message, rephrased when it is a shape failure on synthetic data (`undefined` keeps it). */
export function syntheticShapeFault(message: string, data: TrialData, synthetic: boolean): string | undefined {
  if (!synthetic || !shapeFailure.test(message)) return undefined;
  const prediction = `(N, ${data.sampleShape.join(', ')})`;
  const targets = `(${['N', ...targetTensorShape(data, 0).slice(1)].join(', ')})`;
  return `the trial's synthetic data does not fit this loss (${message}; the trial gave predictions ${prediction} and targets ${targets}): Loss Lab shaped its own data wrong, your code is not at fault. Train it on your own data (the lossLab.training.dataset setting, or --data FILE on the command line), whose shapes are your model's`;
}
