// Where a setting of the loss (`self.l2`, `self.eps`) gets its value, said to the user when the trainer cannot read
// it (issue 10 §3) or reads its default although the code may pass another (no silent substitution):
//   - a `self.x` that has no value: where it is set (`self.l2 = l2` in `__init__`, line 17), what leaves it unknown
//     (the call at line 40 passes a value Loss Lab does not read, or no call of the file passes it), what to do;
//   - a setting that took its default while the call that builds the loss passes something Loss Lab does not read:
//     one header note naming the value used and that call.
import { staticNumber, unreadSettings } from '../../analysis/bound';
import type { LossModel, LossParam } from '../../analysis/ir';

const line = (p: { startLine: number }): number => p.startLine + 1;

/** The sentence for `self.x` read with no value, or undefined when it is not a setting of the loss. */
export function noValueReason(model: LossModel, name: string): string | undefined {
  const p = model.params.find((q) => q.name === name);
  if (!p || (p.origin !== 'constructor' && p.origin !== 'class-attribute')) return undefined;
  const where = `is set at line ${line(p.range)}`;
  const from = p.initArgument;
  if (!from) return `has no value Loss Lab can read: it ${where} to an expression computed when the loss is built; set it to a number there (or to a constructor argument with a default)`;
  const unread = unreadSettings(model).get(name);
  const cause = unread
    ? `the call at line ${line(unread)} passes a value Loss Lab does not read`
    : `no call of the loss in this file passes \`${from}\` and it has no default`;
  return `has no value: it ${where} from \`${from}\`, and ${cause}; pass a number for \`${from}\` where the loss is built, or give it a default`;
}

/** Header notes: a numeric setting that took its default while the building call passes an unread value. */
export function unreadSettingNotes(model: LossModel): string[] {
  const unread = unreadSettings(model);
  return model.params.flatMap((p: LossParam) => {
    const at = unread.get(p.name);
    // a setting derived from the script's data has the trial data's value, said by its own note (../dataSettings.ts)
    const value = at && !p.fromData ? staticNumber(model, p.name) : undefined;
    if (!at || value === undefined) return [];
    return [`\`${p.name}\` = ${value} (its default): the call at line ${line(at)} passes a value Loss Lab does not read`];
  });
}
