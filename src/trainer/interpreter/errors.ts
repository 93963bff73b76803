// Errors the interpreter throws: always with the op (or name) and where it is written, so the trainer can say
// "line N: `tf.foo` is not supported" before training starts.
import type { SourceRange } from '../../analysis/ir';

/** An op (callee, method or construct) that has no entry in the framework's op table. */
export class UnsupportedOpError extends Error {
  override readonly name = 'UnsupportedOpError';
  constructor(
    readonly op: string,
    readonly range: SourceRange,
    message?: string,
  ) {
    super(message ?? `\`${op}\` is not supported by the Loss Lab trainer (line ${range.startLine + 1})`);
  }
}

/** A supported op used in a way the interpreter cannot evaluate (wrong argument kind, missing value, …). */
export class LossEvaluationError extends Error {
  override readonly name = 'LossEvaluationError';
  constructor(
    readonly op: string,
    readonly range: SourceRange,
    detail: string,
  ) {
    super(`line ${range.startLine + 1}: \`${op}\`: ${detail}`);
  }
}

/** What the user can do about a construct the front end could not model. */
export const UNINTERPRETED_HINT = 'write it as plain tensor operations in the loss (or in a helper function of the same file)';

/** A free name whose value the analysis could not read before training. */
export const OUTSIDE_VALUE_UNKNOWN =
  'is defined outside the loss function and its value is not known before training (the trainer reads literal module constants, defaults and constructor values): give it a literal value, or make it a parameter with a default';

/** Runs `f`, turning a plain error (tfjs shape errors, operator errors) into one that says where. */
export function located<T>(op: string, range: SourceRange, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof UnsupportedOpError || err instanceof LossEvaluationError) throw err;
    throw new LossEvaluationError(op, range, err instanceof Error ? err.message : String(err));
  }
}
