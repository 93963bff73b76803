export { NEAR_ZERO, type ViolationContext, type ViolationFn, violationFns } from './violations';
export { RunTracker } from './tracker';
