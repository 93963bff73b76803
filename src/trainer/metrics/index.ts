export { RunTracker } from './tracker';
export { NEAR_ZERO, type ViolationContext, type ViolationFn, violationFns } from './violations';
