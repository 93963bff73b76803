// One op table per framework.
import type { Framework } from '../../../analysis/ir';
import type { FrameworkOps } from '../types';
import { kerasOps } from './keras';
import { pytorchOps } from './pytorch';
import { tfjsOps } from './tfjs';

export const opTables: Readonly<Record<Framework, FrameworkOps>> = {
  keras: kerasOps,
  pytorch: pytorchOps,
  tfjs: tfjsOps,
};
