// The optimizer steps of the layers a loss builds itself (a train_step's `self.decoder`, a loss's own projector):
// each run's loss has its own weights, made on its first evaluation, and its own optimizer of the trial's kind,
// made when they first get gradients (remade if a later evaluation builds more of them).
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { TrainOptimizer } from '../optimizer';

export class LayerSteps {
  private readonly byRun = new Map<number, { count: number; optimizer: TrainOptimizer }>();

  constructor(private readonly o: { layerWeights?: (() => Tensor[])[]; layerOptimizer?: (variables: Variable[]) => TrainOptimizer }) {}

  /** One update of run `k`'s layer weights from their gradients (in the order its loss gives them). */
  apply(k: number, grads: Tensor[]): void {
    const variables = (this.o.layerWeights?.[k]?.() ?? []) as Variable[];
    if (variables.length === 0 || grads.length !== variables.length || !this.o.layerOptimizer) return;
    let held = this.byRun.get(k);
    if (held?.count !== variables.length) {
      held?.optimizer.dispose();
      held = { count: variables.length, optimizer: this.o.layerOptimizer(variables) };
      this.byRun.set(k, held);
    }
    held.optimizer.apply(grads);
  }

  dispose(): void {
    for (const { optimizer } of this.byRun.values()) optimizer.dispose();
    this.byRun.clear();
  }
}
