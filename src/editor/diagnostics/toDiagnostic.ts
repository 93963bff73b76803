// A rule finding as a VS Code diagnostic: `source: 'Loss Lab'`, the rule code linking to its documentation page,
// and related locations (the loss function it belongs to, the `model.compile` call that fixes λ) where useful.
import * as vscode from 'vscode';
import type { FileAnalysis, LossModel } from '../../analysis/ir';
import type { Finding } from '../../analysis/rules/types';
import { toRange } from '../analysis/range';
import { ruleDocUri } from './docs';

export const SOURCE = 'Loss Lab';

function related(finding: Finding, model: LossModel | undefined, document: vscode.TextDocument): vscode.DiagnosticRelatedInformation[] {
  if (!model) return [];
  const uri = document.uri;
  const out: vscode.DiagnosticRelatedInformation[] = [];
  const at = toRange(finding.range);
  const name = toRange(model.nameRange);
  // A finding outside the function (on a `model.compile` line) points back to the function it is about.
  if (!toRange(model.range).contains(at)) {
    out.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, name), `in loss function ${model.name}`));
  }
  // A finding on a parameter default ↔ the `model.compile(loss=fn)` that makes that default the value training uses.
  const bareCompiles = model.usages.filter((u) => u.kind === 'compile' && u.passesBareFunction);
  const onParam = model.params.some((p) => at.intersection(toRange(p.defaultRange ?? p.range)));
  for (const usage of onParam ? bareCompiles : []) {
    const where = toRange(usage.range);
    if (!where.intersection(at)) {
      out.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, where), `${model.name} is passed to model.compile here`));
    }
  }
  if (bareCompiles.some((u) => toRange(u.range).intersection(at))) {
    for (const p of model.params) {
      if (p.role === 'hyper' && p.defaultRange && p.default !== undefined) {
        out.push(
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(uri, toRange(p.defaultRange)),
            `${p.name} keeps its default ${document.getText(toRange(p.defaultRange)) || String(p.default)} in training`,
          ),
        );
      }
    }
  }
  return out;
}

export function toDiagnostic(
  finding: Finding,
  severity: vscode.DiagnosticSeverity,
  analysis: FileAnalysis,
  document: vscode.TextDocument,
  extensionUri: vscode.Uri,
): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, severity);
  diagnostic.source = SOURCE;
  diagnostic.code = { value: finding.code, target: ruleDocUri(extensionUri, finding.code) };
  const model = analysis.models.find((m) => m.id === finding.modelId);
  const info = related(finding, model, document);
  if (info.length > 0) diagnostic.relatedInformation = info;
  return diagnostic;
}
