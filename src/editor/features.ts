// The features `activate()` wires, in order. Each registers its own commands, providers and listeners on the Ctx.
import { registerInsertConstraint } from './commands/insertConstraint';
import type { Ctx } from './ctx';

export type Feature = (ctx: Ctx) => void | Promise<void>;

export const features: Feature[] = [
  registerInsertConstraint,
];
