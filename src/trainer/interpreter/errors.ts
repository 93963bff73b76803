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
