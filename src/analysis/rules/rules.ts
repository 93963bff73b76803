// The rule table: one row per diagnostic code. The editor and the CLI read titles, default severities and the
// documentation page from here; `lossLab.diagnostics.severity` overrides the severity per code.
import type { RuleCode, Severity } from './types';

export interface RuleInfo {
  code: RuleCode;
  title: string;
  severity: Severity;
  /** Path of the rule's page, relative to the extension / repository root. */
  doc: string;
}

const row = (code: RuleCode, severity: Severity, title: string): RuleInfo => ({
  code,
  title,
  severity,
  doc: `docs/rules/${code}.md`,
});

export const rules: readonly RuleInfo[] = [
  row('LL101', 'warning', 'Penalty added without a λ weight'),
  row('LL102', 'warning', 'λ can never change (loss passed bare to model.compile)'),
  row('LL103', 'warning', 'λ is zero or negative by default'),
  row('LL104', 'warning', 'Penalty is subtracted'),
  row('LL105', 'warning', 'Penalty has no gradient'),
  row('LL106', 'warning', 'Non-differentiable op in a penalty'),
  row('LL107', 'information', 'Absolute value of a residual'),
  row('LL108', 'warning', 'Sum over the batch in a penalty'),
  row('LL109', 'information', 'Redundant constraint'),
  row('LL110', 'warning', 'Output penalty presented as weight sparsity'),
  row('LL111', 'warning', 'Unreduced penalty broadcasts against a per-sample loss'),
  row('LL112', 'warning', 'log or division of a quantity that can reach zero'),
  row('LL113', 'information', 'Op not supported by trial training'),
  row('LL114', 'warning', 'Loss never returns a value'),
  row('LL115', 'warning', 'Penalty built but never trained'),
];

export const ruleByCode: ReadonlyMap<RuleCode, RuleInfo> = new Map(rules.map((r) => [r.code, r]));
