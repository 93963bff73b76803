// Types shared by the interpreter and its op tables. Only `import type` from tfjs: the op tables are data that
// receive the `tf` namespace as an argument, so the analysis can import the op *names* without bundling tfjs.
import type * as TfCore from '@tensorflow/tfjs-core';
import type { SourceRange } from '../../analysis/ir';

export type Tf = typeof TfCore;
export type Tensor = TfCore.Tensor;
export type Scalar = TfCore.Scalar;

/**
 * A runtime value: a tensor, a Python/JS number, string or bool, `None`/`null`, or a tuple/list of values
 * (`axis=(1, 2)`, `x.shape`, `torch.max(x, dim=1)` → (values, indices)).
 */
export type Value = Tensor | number | string | boolean | null | Value[];

/** What an op implementation sees: its arguments bound to parameter names, and helpers that convert them. */
export interface OpArgs {
  readonly tf: Tf;
  /** The op as written (`tf.reduce_sum`, `.sum`), for error messages. */
  readonly op: string;
  readonly range: SourceRange;
  has(name: string): boolean;
  value(name: string): Value | undefined;
  tensor(name: string): Tensor;
  optTensor(name: string): Tensor | undefined;
  number(name: string, fallback?: number): number;
  optNumber(name: string): number | undefined;
  bool(name: string, fallback: boolean): boolean;
  string(name: string, fallback: string): string;
  /** An axis argument: a number, a tuple of numbers, or absent/None (all axes). */
  axis(name: string): number | number[] | undefined;
  /** Positional arguments past the declared parameters (`torch.maximum(a, b)` has none; `tf.add_n([...])`). */
  readonly rest: Value[];
  /**
   * Set when batched evaluation (batched.ts) evaluates the op a term ends with: a loss about to reduce its values
   * over the batch (a mean, over a count or over `denominator`'s sum, or a sum) passes them here instead and
   * returns what this returns (the values, unreduced), so that each run's part can be reduced on its own.
   */
  readonly deferReduction?: DeferReduction;
  /** The seed of the next random draw of the compiled loss (ops/random.ts), so a trial is reproducible. */
  readonly nextSeed?: () => number;
}

export type DeferReduction = (values: Tensor, reduce: 'mean' | 'sum', denominator?: Tensor) => Tensor;

/** One op: its parameters in positional order (aliases after `|`, e.g. `dim|axis`), and what it computes. */
export interface OpSpec {
  params: readonly string[];
  fn: (a: OpArgs) => Value;
  /**
   * When set, the only keywords the op honours (a criterion class's, ops/lossClasses.ts): any other, given a value
   * other than None, is refused, where an op without it drops keywords that do not change its value (`name=`).
   */
  keywords?: ReadonlySet<string>;
}

/** Op name → implementation. Free functions are keyed by canonical callee (`tf.reduce_sum`), methods by name. */
export type OpTable = Readonly<Record<string, OpSpec>>;

export interface FrameworkOps {
  /** Free functions by canonical dotted callee. */
  calls: OpTable;
  /** Tensor methods (`x.sum(dim=1)`, `yPred.mean()`); the tensor is bound to the first parameter `self`. */
  methods: OpTable;
  /** Dotted attribute chains that are constants (`tf.float32`, `math.pi`, `tf.Reduction.MEAN`). */
  constants: Readonly<Record<string, Value>>;
}
