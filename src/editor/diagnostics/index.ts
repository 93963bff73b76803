// The diagnostics feature: starts the analysis service, runs the rules on each new analysis and shows the findings
// as diagnostics, with quick fixes. Never throws: a failure on one document is logged to the output channel and
// that document keeps the diagnostics it had.
import * as vscode from 'vscode';
import { runRules } from '../../analysis/rules/index';
import type { AnalysisEvent } from '../analysis/service';
import { LossLabCodeActions } from '../codeActions/provider';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { effectiveSeverity } from './severity';
import { FindingStore, type ShownFinding } from './store';
import { toDiagnostic } from './toDiagnostic';

/** Every language the analysis reads, in any scheme (files, untitled editors, notebook cells). */
export const analysedLanguages: vscode.DocumentSelector = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'].map(
  (language) => ({ language }),
);

const describe = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

export function diagnosticsFeature(ctx: Ctx): void {
  const analysis = ctx.analysis;
  const collection = vscode.languages.createDiagnosticCollection('lossLab');
  const store = new FindingStore();
  ctx.push(collection);

  const publish = (event: AnalysisEvent): void => {
    const { document, analysis, version, text } = event;
    if (document.isClosed) return;
    const config = readConfig(document.uri).diagnostics;
    if (!config.enable) {
      collection.delete(document.uri);
      store.delete(document.uri);
      return;
    }
    try {
      const items: ShownFinding[] = [];
      const findings = runRules(analysis, text, (code, modelId, err) =>
        ctx.output.warn(`Loss Lab rule ${code} failed on ${modelId} in ${document.uri.toString()}: ${describe(err)}`),
      );
      for (const finding of findings) {
        const severity = effectiveSeverity(finding.code, finding.severity, config.severity);
        if (severity === undefined) continue;
        items.push({ finding, diagnostic: toDiagnostic(finding, severity, analysis, document, ctx.extension.extensionUri) });
      }
      collection.set(
        document.uri,
        items.map((i) => i.diagnostic),
      );
      store.set(document.uri, { version, items });
    } catch (err) {
      ctx.output.error(`Loss Lab rules failed on ${document.uri.toString()} (version ${version}); keeping its previous diagnostics: ${describe(err)}`);
    }
  };

  const republishAll = (): void => {
    for (const document of vscode.workspace.textDocuments) {
      const last = analysis.latest(document);
      if (last) publish({ ...last, document });
    }
  };

  ctx.push(
    analysis.onDidAnalyze(publish),
    vscode.workspace.onDidCloseTextDocument((document) => {
      collection.delete(document.uri);
      store.delete(document.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lossLab.diagnostics.enable') || e.affectsConfiguration('lossLab.diagnostics.severity')) republishAll();
    }),
    vscode.languages.registerCodeActionsProvider(analysedLanguages, new LossLabCodeActions(store, ctx.extension.extensionUri), {
      providedCodeActionKinds: LossLabCodeActions.providedCodeActionKinds,
    }),
  );
}
