export { BatchedMlp, type MlpOptions } from './mlp';
export { chooseOutputActivation, type ActivationChoice, type OutputActivation } from './activation';
