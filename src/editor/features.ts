// The features `activate()` wires, in order. Each registers its own commands, providers and listeners on the Ctx.
import { registerTrainCodeLens } from './codeLens/trainLens';
import { registerInsertConstraint } from './commands/insertConstraint';
import type { Ctx } from './ctx';
import { diagnosticsFeature } from './diagnostics/index';
import { registerTraining } from './training/feature';

export type Feature = (ctx: Ctx) => void | Promise<void>;

export const features: Feature[] = [
  diagnosticsFeature,
  registerInsertConstraint,
  registerTraining,
  registerTrainCodeLens,
];
