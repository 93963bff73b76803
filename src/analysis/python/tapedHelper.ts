// A Keras `train_step` whose loss a helper method of its class computes: `recon, kl, total = self.compute_losses(
// data)` under the tape, `total = tf.reduce_mean(total, axis=0)`, then `tape.gradient(total, …)`. The helper runs
// the model and builds the terms, so it is read as the step (selfCalls.ts delegatedStep): the item of its returned
// tuple at the place the step unpacks the differentiated name (or its whole value) is the loss.
import type { Node } from 'web-tree-sitter';
import { type DelegatedStep, delegatedStep } from './selfCalls';

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

export interface TapedHelper extends DelegatedStep {
  /** The helper's `return` statement and the expression of it that is the loss. */
  ret: Node;
  value: Node;
}

/** `a, b, total = …` / `total = …`: where `name` sits among the assignment's targets (-1: the whole value), or undefined. */
function placeIn(left: Node, name: string): number | undefined {
  if (left.type === 'identifier') return left.text === name ? -1 : undefined;
  if (left.type !== 'pattern_list' && left.type !== 'tuple_pattern') return undefined;
  const at = named(left).findIndex((n) => n.type === 'identifier' && n.text === name);
  return at >= 0 ? at : undefined;
}

/** Whether an assignment's value reads `name` itself (`total = tf.reduce_mean(total, axis=0)`): a reduction, not its origin. */
const readsItself = (right: Node, name: string): boolean => right.descendantsOfType('identifier').some((id) => id?.text === name);

/**
 * The call a step's differentiated name comes from, before `anchor`, past its own reductions (`total =
 * reduce_mean(total)`), with the place the name is unpacked at.
 */
function originOf(step: Node, anchor: Node, name: string): { call: Node; at: number } | undefined {
  const assigns = step.descendantsOfType('assignment').filter((a): a is Node => !!a && a.startIndex < anchor.startIndex);
  for (const a of assigns.reverse()) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    const at = left ? placeIn(left, name) : undefined;
    if (at === undefined || !right) continue;
    if (at === -1 && readsItself(right, name)) continue;
    return right.type === 'call' ? { call: right, at } : undefined;
  }
  return undefined;
}

/** The helper method a taped step's loss `lossVar` (differentiated at `anchor`) comes from, read as the step. */
export function tapedHelperLoss(step: Node, anchor: Node, lossVar: string, methods: readonly Node[], batch: Node | undefined): TapedHelper | undefined {
  const origin = originOf(step, anchor, lossVar);
  const helper = origin ? delegatedStep(origin.call, step, methods, batch) : undefined;
  const ret = helper ? named(helper.method.childForFieldName('body')).filter((s) => s.type === 'return_statement').at(-1) : undefined;
  let value = ret ? named(ret)[0] : undefined;
  if (value?.type === 'parenthesized_expression') value = named(value)[0];
  const items = value?.type === 'expression_list' || value?.type === 'tuple' ? named(value) : undefined;
  if (!helper || !ret || !value || !origin) return undefined;
  // unpacked by the step: the returned tuple's item at that place (a single name takes the whole value)
  const item = origin.at >= 0 ? items?.[origin.at] : items ? undefined : value;
  return item ? { ...helper, ret, value: item } : undefined;
}
