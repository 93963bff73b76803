// `einsum(equation, *operands)` (torch.einsum, tf.einsum, keras.ops.einsum), as losses write Gram matrices
// ('bi,bj->ij'), row-wise dot products ('bi,bi->b'), batched products ('bij,bjk->bik') and traces ('ii->' is
// refused: a letter repeated inside one operand is a diagonal, which this form does not take). Computed by
// broadcasting: every operand is laid out over all the equation's letters (size-1 axes for the letters it lacks),
// the product is taken, and the letters missing from the output are summed. Differentiable everywhere, unlike
// tfjs' own einsum.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf, Value } from '../types';
import { asFloat, asTensor } from '../values';

interface Equation {
  inputs: string[];
  output: string;
}

function parseEquation(text: string, operands: number): Equation {
  const eq = text.replace(/\s+/g, '');
  if (eq.includes('.')) throw new Error('einsum with an ellipsis (`...`) is not supported: write the axes out');
  const [lhs, rhs] = eq.split('->');
  const inputs = (lhs ?? '').split(',');
  if (inputs.length !== operands) throw new Error(`einsum equation '${text}' names ${inputs.length} operands, but ${operands} are given`);
  for (const s of inputs) {
    if (new Set(s).size !== s.length) throw new Error(`einsum term '${s}' repeats a letter (a diagonal), which is not supported: use diagonal()/trace()`);
  }
  // Without '->', the output is the letters used once, in alphabetical order (as numpy and torch do).
  const all = inputs.join('');
  const output = rhs ?? [...new Set(all)].filter((c) => all.split(c).length === 2).sort().join('');
  return { inputs, output };
}

/** `t` (axes named by `letters`) laid out over `order`: transposed into that order, with size-1 axes for the rest. */
function layout(tf: Tf, t: Tensor, letters: string, order: string[]): Tensor {
  if (t.rank !== letters.length) throw new Error(`einsum term '${letters}' has ${letters.length} axes, but its tensor has ${t.rank}`);
  const present = order.filter((c) => letters.includes(c));
  const moved = tf.transpose(t, present.map((c) => letters.indexOf(c)));
  const shape = order.map((c) => (letters.includes(c) ? (t.shape[letters.indexOf(c)] as number) : 1));
  return tf.reshape(moved, shape);
}

export function einsum(tf: Tf, equation: string, operands: Tensor[]): Tensor {
  const { inputs, output } = parseEquation(equation, operands.length);
  const order = [...output, ...[...new Set(inputs.join(''))].filter((c) => !output.includes(c))];
  const laid = operands.map((t, i) => layout(tf, asFloat(tf, t), inputs[i]!, order));
  const product = laid.slice(1).reduce((acc, t) => tf.mul(acc, t), laid[0]!);
  const summed = Array.from({ length: order.length - output.length }, (_, i) => output.length + i);
  return summed.length > 0 ? tf.sum(product, summed) : product;
}

function einsumOp(a: OpArgs): Value {
  const operands = [a.value('operands'), ...a.rest].flatMap((v) => (Array.isArray(v) ? v : [v]));
  const tensors = operands.map((v) => {
    const t = v === undefined ? undefined : asTensor(a.tf, v);
    if (!t) throw new Error('einsum operands must be tensors');
    return t;
  });
  return einsum(a.tf, a.string('equation', ''), tensors);
}

const spec = op(['equation', 'operands'], einsumOp);
export const torchEinsum: OpTable = { 'torch.einsum': spec };
export const kerasEinsum: OpTable = {
  'tf.einsum': spec,
  'tf.linalg.einsum': spec,
  'keras.ops.einsum': spec,
  'tf.keras.ops.einsum': spec,
};
