// What a rule reports. The editor maps a Finding to a vscode.Diagnostic (source 'Loss Lab', code linking to the
// rule's page) and its fixes to CodeActionKind.QuickFix actions; the CLI prints it.

import type { SourceText } from '../fixes/text';
import type { Fix } from '../fixes/types';
import type { FileAnalysis, LossModel, SourceRange } from '../ir';

export type RuleCode =
  | 'LL101' | 'LL102' | 'LL103' | 'LL104' | 'LL105' | 'LL106' | 'LL107'
  | 'LL108' | 'LL109' | 'LL110' | 'LL111' | 'LL112' | 'LL113' | 'LL114' | 'LL115';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Finding {
  code: RuleCode;
  severity: Severity;
  message: string;
  range: SourceRange;
  modelId: string;
  termId?: string;
  fixes: Fix[];
}

/** What a rule's check returns: the table adds code, severity and the model id. */
export type Report = Omit<Finding, 'code' | 'severity' | 'modelId'>;

/** Everything a rule may read about one loss model. */
export interface RuleContext {
  analysis: FileAnalysis;
  model: LossModel;
  text: SourceText;
}

export type Check = (ctx: RuleContext) => Report[];
