// LL114: a loss that never returns a value, or a factory that never returns its loss. Found by the front end
// (FileAnalysis.noValue), since such a definition gives no loss model for the other rules to read.
import type { FileAnalysis } from '../ir';
import { walk } from './expr';
import { code } from './format';
import type { Check, Report } from './types';

export interface FileReport extends Report {
  /** `name:line` of the definition (it has no model). */
  modelId: string;
}

export function checkNoReturn(analysis: FileAnalysis): FileReport[] {
  return (analysis.noValue ?? []).map((d) => ({
    modelId: `${d.name}:${d.range.startLine + 1}`,
    range: d.nameRange,
    fixes: [],
    message:
      d.what === 'factory-no-return'
        ? `\`${d.name}\` defines the loss \`${d.inner}\` but never returns it: \`${d.name}(…)\` gives None to whatever trains with it. Add \`return ${d.inner}\` at the end of \`${d.name}\`.`
        : `\`${d.name}\` takes a target and a prediction but never returns a value: the framework gets ${analysis.language === 'python' ? 'None' : 'undefined'} instead of a loss. Return the loss (\`return …\`) on every path.`,
  }));
}

/**
 * A same-file helper the loss calls (a function, or the forward of a module it holds: `self.kl_term(p, q)`) that
 * never returns a value: the loss adds None and fails at its first step. Reported at the call.
 */
export const checkHelperNoValue: Check = (ctx) => {
  const out: Report[] = [];
  walk(ctx.model.body, (n) => {
    if (n.kind !== 'unsupported' || !n.returnsNothing) return;
    const helper = n.returnsNothing.helper;
    out.push({
      range: n.range,
      fixes: [],
      message:
        `${code(helper)} never returns a value: ${code(n.text.length > 60 ? `${n.text.slice(0, 57)}…` : n.text)} is None, so ` +
        `\`${ctx.model.name}\` fails where it uses it. Return what ${code(helper)} computes (\`return …\`).`,
    });
  });
  return out;
};
