// Shared by the trainer tests: losses come from real source through the analysis front end, never hand-built IR.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { TrialSpec, type TrialSpecInput } from '../../../src/protocol';
import type { BatchedMlp } from '../../../src/trainer/model';

export const root = join(__dirname, '..', '..', '..');
export const trainerSource = join(root, 'src', 'trainer', 'main.ts');

export async function lossFrom(relPath: string): Promise<LossModel> {
  await initParsers();
  const file = join(root, relPath);
  const analysis = analyzeSource(readFileSync(file, 'utf8'), 'python', file);
  const model = analysis.models[0];
  if (!model) throw new Error(`${relPath}: no loss found`);
  return model;
}

export function specFor(loss: LossModel, overrides: Partial<TrialSpecInput> = {}): TrialSpec {
  return TrialSpec.parse({
    loss,
    sourceFile: 'loss.py',
    runs: [
      { id: 'l0', label: 'λ = 0', lambda: 0 },
      { id: 'l10', label: 'λ = 10', lambda: 10 },
    ],
    dataset: { kind: 'synthetic', task: 'auto', samples: 512, features: 8, outputs: 4 },
    model: { hidden: [32, 32], outputActivation: 'auto' },
    optimizer: { name: 'adam', learningRate: 0.01 },
    steps: 50,
    batchSize: 32,
    backend: 'wasm',
    ...overrides,
  });
}

/**
 * The MLP's forward pass written with plain, differentiable tfjs ops ([K, B, out] before the output activation):
 * the reference the model's fused forward and hand-written backward are checked against.
 */
export function referenceLogits(tf: typeof import('@tensorflow/tfjs-core'), model: BatchedMlp, x: Tensor2D): Tensor {
  const K = model.options.runs;
  let h: Tensor = tf.tile(tf.expandDims(x, 0), [K, 1, 1]);
  model.kernels.forEach((w, l) => {
    h = tf.add(tf.matMul(h as Tensor3D, w as Tensor3D), tf.expandDims(model.biases[l]!, 1));
    // hidden layers are relu, the last one sigmoid where the model was built so (model/hiddenActivation.ts)
    if (l < model.kernels.length - 1) h = l === model.kernels.length - 2 && model.options.lastHidden === 'sigmoid' ? tf.sigmoid(h) : tf.relu(h);
  });
  return h;
}
