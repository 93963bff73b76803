// "Use λ = x": writes a λ where the loss sets it (src/analysis/lambdaSite.ts) as one WorkspaceEdit, so it is one
// undo step and the diagnostics follow the new text. When the λ is not a literal the finder can place, says why
// and offers to copy the value. Also the code action at the loss, offering the last sweep's recommendation.
import * as vscode from 'vscode';
import type { TextEdit } from '../../analysis/fixes/types';
import type { LossModel } from '../../analysis/ir';
import { type KnobValue, knobEdits, lambdaEdits } from '../../analysis/lambdaSite';
import { notebookEdits } from '../../analysis/writeBack';
import { choiceText, fmt } from '../../sweep';
import { toRange } from '../analysis/range';
import type { Ctx } from '../ctx';
import { isTrainArgs, type TrainArgs } from './pickLoss';

/** The λ to write: one, or (a sweep over several penalties) every penalty's. */
export interface LambdaChoice {
  lambda: number;
  lambdas?: KnobValue[];
}

export interface UseLambdaArgs extends TrainArgs, LambdaChoice {}

const isKnobValue = (k: unknown): k is KnobValue => {
  const { id, label, value } = (k ?? {}) as Partial<KnobValue>;
  return typeof id === 'string' && typeof label === 'string' && typeof value === 'number' && Number.isFinite(value);
};

export function isUseLambdaArgs(v: unknown): v is UseLambdaArgs {
  const { lambda, lambdas } = (v ?? {}) as { lambda?: unknown; lambdas?: unknown };
  const several = lambdas === undefined || (Array.isArray(lambdas) && lambdas.every(isKnobValue));
  return isTrainArgs(v) && typeof lambda === 'number' && Number.isFinite(lambda) && several;
}

/** The recommended λ of the last sweep that ended, per loss (`${uri}#${modelId}`): what the code action offers. */
export class Recommendations {
  private readonly byLoss = new Map<string, LambdaChoice & { feasible: boolean }>();
  private key = (uri: string, modelId: string) => `${uri}#${modelId.split(':')[0]}`;

  set(args: TrainArgs, choice: LambdaChoice & { feasible: boolean }): void {
    this.byLoss.set(this.key(String(args.uri), args.modelId), choice);
  }

  get(uri: vscode.Uri, model: LossModel): (LambdaChoice & { feasible: boolean }) | undefined {
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
  // what is said (`λ = 0.1`, or every penalty's) and what "Copy" puts on the clipboard
  const value = { said: choiceText(args), copy: args.lambdas ? choiceText(args) : fmt(args.lambda) };
  if (!model) return refuse(ctx, `the loss ${args.modelId.split(':')[0]} is no longer in ${vscode.workspace.asRelativePath(uri)}`, value);
  const edits = placeEdits(document, model, args);
  if ('reason' in edits) return refuse(ctx, edits.reason, value);
  if (edits.edits.length === 0) {
    void vscode.window.setStatusBarMessage(`Loss Lab: ${value.said} is what the code already sets`, 5000);
    return true;
  }
  // Several edits (several λs, several cells of a notebook) in one WorkspaceEdit: one undo step.
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits.edits) edit.replace(e.uri, toRange(e.range), e.newText);
  const applied = await vscode.workspace.applyEdit(edit);
  ctx.output.info(`Use ${value.said}: ${applied ? 'written to' : 'could not write'} ${edits.where} in ${vscode.workspace.asRelativePath(uri)}`);
  if (!applied) return refuse(ctx, 'the editor did not apply the edit (is the file read-only?)', value);
  const editor = await vscode.window.showTextDocument(document, { preserveFocus: true, preview: false, viewColumn: vscode.ViewColumn.One });
  // select the first λ written in this document (in a notebook it may be in another cell only)
  const first = edits.edits.find((e) => e.uri.toString() === document.uri.toString());
  if (first) {
    const r = toRange(first.range);
    editor.selection = new vscode.Selection(r.start, r.start.translate(0, first.newText.length));
    editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  void vscode.window.setStatusBarMessage(`Loss Lab: ${value.said} written to ${edits.where}`, 5000);
  return true;
}

/** The notebook a cell document belongs to, and the cell's 1-based number. */
function notebookOf(uri: vscode.Uri): { notebook: vscode.NotebookDocument; cell: number } | undefined {
  if (uri.scheme !== 'vscode-notebook-cell') return undefined;
  for (const notebook of vscode.workspace.notebookDocuments) {
    const cell = notebook.getCells().find((c) => c.document.uri.toString() === uri.toString());
    if (cell) return { notebook, cell: cell.index + 1 };
  }
  return undefined;
}

type PlacedEdit = TextEdit & { uri: vscode.Uri };

/** Where each λ is written: in the document, or in a notebook in the cell that sets it (a later call, a cell above). */
function placeEdits(document: vscode.TextDocument, model: LossModel, args: LambdaChoice): { edits: PlacedEdit[]; where: string } | { reason: string } {
  const inNotebook = notebookOf(document.uri);
  if (!inNotebook) {
    const found = args.lambdas ? knobEdits(model, document.getText(), args.lambdas) : lambdaEdits(model, document.getText(), args.lambda);
    if (!found.ok) return found;
    return { edits: found.edits.map((e) => ({ ...e, uri: document.uri })), where: Array.isArray(found.where) ? found.where.join(', ') : found.where };
  }
  const { notebook, cell } = inNotebook;
  const cells = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code).map((c) => ({ number: c.index + 1, source: c.document.getText() }));
  const found = notebookEdits(model, cells, cell, args);
  if (!found.ok) return found;
  return { edits: found.edits.map((e) => ({ ...e.edit, uri: notebook.cellAt(e.cell - 1).document.uri })), where: found.where };
}

async function refuse(ctx: Ctx, reason: string, value: { said: string; copy: string }): Promise<false> {
  ctx.output.warn(`Use ${value.said}: not written: ${reason}`);
  const copy = `Copy ${value.said}`;
  const choice = await vscode.window.showWarningMessage(`Loss Lab: cannot write ${value.said}: ${reason}.`, copy);
  if (choice === copy) await vscode.env.clipboard.writeText(value.copy);
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
      const title = `Use ${choiceText(rec)} (${rec.feasible ? 'recommended by the last sweep' : 'closest to feasible in the last sweep'})`;
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      const args: UseLambdaArgs = { uri: document.uri.toString(), modelId: model.id, lambda: rec.lambda, ...(rec.lambdas ? { lambdas: rec.lambdas } : {}) };
      action.command = { title, command: 'lossLab.useLambda', arguments: [args] };
      return [action];
    });
  }
}
