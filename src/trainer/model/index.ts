export { type ActivationChoice, chooseOutputActivation, type OutputActivation } from './activation';
export { BatchedMlp, type MlpOptions } from './mlp';
