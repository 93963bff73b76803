// LL114: a loss that never returns a value, or a factory that never returns its loss. Found by the front end
// (FileAnalysis.noValue), since such a definition gives no loss model for the other rules to read.
import type { FileAnalysis } from '../ir';
import type { Report } from './types';

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
        : `\`${d.name}\` takes a target and a prediction but never returns a value: the framework gets None instead of a loss. Return the loss (\`return …\`) on every path.`,
  }));
}
