// LL115: a total of the loss and a penalty that is built but never trained (`total = loss + lam * l1` then
// `loss.backward()`): the penalty is dead code, the model trains without its constraint. Found by the front end
// (LossModel.droppedTotal). The quick fix trains the total where the loss was trained.
import { code } from './format';
import type { Check } from './types';

const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

export const checkDroppedPenalty: Check = (ctx) => {
  const d = ctx.model.droppedTotal;
  if (!d) return [];
  return [
    {
      range: d.range,
      fixes: [{ title: `${d.returned ? 'Return' : 'Train'} \`${d.name}\` (with its penalty) at line ${d.anchorLine}`, edits: [{ range: d.anchorRange, newText: d.name }], isPreferred: true }],
      message:
        `${code(d.name)} adds ${code(short(d.added.replace(/^\+ /, '')))} to ${code(d.lossVar)}, but line ${d.anchorLine} ${d.returned ? 'returns' : 'trains'} ` +
        `${code(d.lossVar)} alone: the penalty never reaches the gradient. ${d.returned ? 'Return' : 'Train'} ${code(d.name)} there instead.`,
    },
  ];
};
