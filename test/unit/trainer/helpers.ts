// Shared by the trainer tests: losses come from real source through the analysis front end, never hand-built IR.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { TrialSpec, type TrialSpecInput } from '../../../src/protocol';

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
