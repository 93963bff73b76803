// "Use λ = x": writes a λ where the loss sets it (src/analysis/lambdaSite.ts) as one WorkspaceEdit, so it is one
// undo step and the diagnostics follow the new text. When the λ is not a literal the finder can place, says why
// and offers to copy the value. Also the code action at the loss, offering the last sweep's recommendation.
import * as vscode from 'vscode';
import { lambdaEdits } from '../../analysis/lambdaSite';
import type { LossModel } from '../../analysis/ir';
import { fmt } from '../../sweep';
import { toRange } from '../analysis/range';
import type { Ctx } from '../ctx';
import { isTrainArgs, type TrainArgs } from './pickLoss';

export interface UseLambdaArgs extends TrainArgs {
  lambda: number;
}

export function isUseLambdaArgs(v: unknown): v is UseLambdaArgs {
  const lambda = (v as { lambda?: unknown } | null)?.lambda;
  return isTrainArgs(v) && typeof lambda === 'number' && Number.isFinite(lambda);
}

/** The recommended λ of the last sweep that ended, per loss (`${uri}#${modelId}`): what the code action offers. */
export class Recommendations {
  private readonly byLoss = new Map<string, { lambda: number; feasible: boolean }>();
  private key = (uri: string, modelId: string) => `${uri}#${modelId.split(':')[0]}`;

  set(args: TrainArgs, lambda: number, feasible: boolean): void {
    this.byLoss.set(this.key(String(args.uri), args.modelId), { lambda, feasible });
  }

  get(uri: vscode.Uri, model: LossModel): { lambda: number; feasible: boolean } | undefined {
    return this.byLoss.get(this.key(uri.toString(), model.id));
  }
}

export async function useLambda(ctx: Ctx, args: unknown): Promise<boolean> {
  if (!isUseLambdaArgs(args)) {
    void vscode.window.showInformationMessage('Loss Lab: run "Sweep λ" first; its recommendation (or any run in the panel) can then be written into the code.');
    return false;
  }
  const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
  const document = await vscode.workspace.openTextDocument(uri);
  const analysis = await ctx.analysis.analyze(document);
  const model = analysis.models.find((m) => m.id === args.modelId) ?? analysis.models.find((m) => m.name === args.modelId.split(':')[0]);
  const value = fmt(args.lambda);
  if (!model) return refuse(ctx, `the loss ${args.modelId.split(':')[0]} is no longer in ${vscode.workspace.asRelativePath(uri)}`, value);
  const edits = lambdaEdits(model, document.getText(), args.lambda);
  if (!edits.ok) return refuse(ctx, edits.reason, value);
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits.edits) edit.replace(document.uri, toRange(e.range), e.newText);
  const applied = await vscode.workspace.applyEdit(edit);
  ctx.output.info(`Use λ = ${value}: ${applied ? 'written to' : 'could not write'} ${edits.where} in ${vscode.workspace.asRelativePath(uri)}`);
  if (!applied) return refuse(ctx, 'the editor did not apply the edit (is the file read-only?)', value);
  const editor = await vscode.window.showTextDocument(document, { preserveFocus: true, preview: false, viewColumn: vscode.ViewColumn.One });
  const r = toRange(edits.edits[0]!.range);
  editor.selection = new vscode.Selection(r.start, r.start.translate(0, edits.edits[0]!.newText.length));
  editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  void vscode.window.setStatusBarMessage(`Loss Lab: λ = ${value} written to ${edits.where}`, 5000);
  return true;
}

async function refuse(ctx: Ctx, reason: string, value: string): Promise<false> {
  ctx.output.warn(`Use λ = ${value}: not written: ${reason}`);
  const copy = `Copy λ = ${value}`;
  const choice = await vscode.window.showWarningMessage(`Loss Lab: cannot write λ = ${value}: ${reason}.`, copy);
  if (choice === copy) await vscode.env.clipboard.writeText(value);
  return false;
}

/** "Use λ = x (last sweep)" at a loss that has a recommendation. */
export class UseLambdaActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly ctx: Ctx,
    private readonly recommendations: Recommendations,
  ) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const models = this.ctx.analysis.get(document)?.models ?? [];
    return models.flatMap((model) => {
      if (range.start.line < model.range.startLine || range.start.line > model.range.endLine) return [];
      const rec = this.recommendations.get(document.uri, model);
      if (!rec) return [];
      const title = `Use λ = ${fmt(rec.lambda)} (${rec.feasible ? 'recommended by the last sweep' : 'closest to feasible in the last sweep'})`;
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      const args: UseLambdaArgs = { uri: document.uri.toString(), modelId: model.id, lambda: rec.lambda };
      action.command = { title, command: 'lossLab.useLambda', arguments: [args] };
      return [action];
    });
  }
}
