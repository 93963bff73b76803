// runRules: every rule of the table on every loss model of a file. A rule that throws on odd input is skipped for
// that model (the others still report): diagnostics must never take the editor or the CLI down.
import { SourceText } from '../fixes/text';
import type { FileAnalysis } from '../ir';
import { checkAbsResidual } from './absResidual';
import { checkBatchSum } from './batchSum';
import { checkDroppedPenalty } from './droppedPenalty';
import { checkLambdaNeverChanges } from './lambdaNeverChanges';
import { checkLambdaNotPositive } from './lambdaNotPositive';
import { checkNoGradient } from './noGradient';
import { checkNonDifferentiable } from './nonDifferentiable';
import { checkHelperNoValue, checkNoReturn } from './noReturn';
import { checkOutputSparsity } from './outputSparsity';
import { checkPenaltyWithoutLambda } from './penaltyWithoutLambda';
import { checkRedundantConstraint } from './redundantConstraint';
import { rules } from './rules';
import { checkSubtractedPenalty } from './subtractedPenalty';
import type { Check, Finding, RuleCode } from './types';
import { isUnbuiltLayer } from './unbuiltLayer';
import { checkUnguardedLogDiv } from './unguardedLogDiv';
import { checkUnreducedBroadcast } from './unreducedBroadcast';
import { checkUnsupportedOp } from './unsupportedOp';

export { type RuleInfo, ruleByCode, rules } from './rules';
export type { Finding, RuleCode, Severity } from './types';

/** Rules about definitions that give no loss model at all: they read the file's analysis, once. */
const fileChecks: Partial<Record<RuleCode, typeof checkNoReturn>> = {
  LL114: checkNoReturn,
};

/** Rules about one loss model, run on each. */
const checks: Partial<Record<RuleCode, Check>> = {
  LL101: checkPenaltyWithoutLambda,
  LL102: checkLambdaNeverChanges,
  LL103: checkLambdaNotPositive,
  LL104: checkSubtractedPenalty,
  LL105: checkNoGradient,
  LL106: checkNonDifferentiable,
  LL107: checkAbsResidual,
  LL108: checkBatchSum,
  LL109: checkRedundantConstraint,
  LL110: checkOutputSparsity,
  LL111: checkUnreducedBroadcast,
  LL112: checkUnguardedLogDiv,
  LL113: checkUnsupportedOp,
  LL114: checkHelperNoValue,
  LL115: checkDroppedPenalty,
};

/** Called with the rule and model when a rule throws (tests and the CLI may log it); default: ignore. */
export type RuleFailure = (code: RuleCode, modelId: string, error: unknown) => void;

export function runRules(analysis: FileAnalysis, source: string, onFailure?: RuleFailure): Finding[] {
  const text = new SourceText(source);
  const out: Finding[] = [];
  // The same finding is reported once: an inlined local read twice (`frac = y / s` in two terms) is one division,
  // and a helper inlined into two losses is one place with one message.
  const seen = new Set<string>();
  for (const rule of rules) {
    const fileCheck = fileChecks[rule.code];
    try {
      for (const r of fileCheck?.(analysis) ?? []) out.push({ ...r, code: rule.code, severity: rule.severity });
    } catch (err) {
      onFailure?.(rule.code, '(file)', err);
    }
  }
  for (const model of analysis.models) {
    if (isUnbuiltLayer(model, analysis.models, text)) continue;
    for (const rule of rules) {
      const check = checks[rule.code];
      if (!check) continue;
      try {
        for (const r of check({ analysis, model, text })) {
          const at = `${rule.code}@${r.range.startLine}:${r.range.startCol}-${r.range.endLine}:${r.range.endCol}`;
          if (seen.has(`${at}#${model.id}`) || seen.has(`${at}#${r.message}`)) continue;
          seen.add(`${at}#${model.id}`).add(`${at}#${r.message}`);
          out.push({ ...r, code: rule.code, severity: rule.severity, modelId: model.id });
        }
      } catch (err) {
        onFailure?.(rule.code, model.id, err);
      }
    }
  }
  return out.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startCol - b.range.startCol || a.code.localeCompare(b.code));
}
