// Which loss "Train with Constraint" trains: the one named by the CodeLens argument, else the one around the cursor,
// else the only one in the file, else the user's pick.
import * as vscode from 'vscode';
import type { LossModel } from '../../analysis/ir';
import { notTrainableMessage } from '../analysis/languages';
import type { Ctx } from '../ctx';

/** What the CodeLens passes (a string uri, so the argument survives serialisation). */
export interface TrainArgs {
  uri: string | vscode.Uri;
  modelId: string;
}

export function isTrainArgs(v: unknown): v is TrainArgs {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return (typeof a.uri === 'string' || a.uri instanceof vscode.Uri) && typeof a.modelId === 'string';
}

export interface PickedLoss {
  document: vscode.TextDocument;
  model: LossModel;
}

const contains = (m: LossModel, line: number) => m.range.startLine <= line && line <= m.range.endLine;
const size = (m: LossModel) => m.range.endLine - m.range.startLine;

export async function pickLoss(ctx: Ctx, args: unknown): Promise<PickedLoss | undefined> {
  if (isTrainArgs(args)) {
    const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
    const document = await vscode.workspace.openTextDocument(uri);
    const analysis = await ctx.analysis.analyze(document);
    const model = analysis.models.find((m) => m.id === args.modelId);
    if (model) return { document, model };
    // The code moved since the lens was drawn: fall back to the name.
    const byName = analysis.models.find((m) => m.name === args.modelId.split(':')[0]);
    if (byName) return { document, model: byName };
    void vscode.window.showWarningMessage(`Loss Lab: the loss ${args.modelId} is no longer in ${vscode.workspace.asRelativePath(uri)}.`);
    return undefined;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Loss Lab: open a Python, TypeScript or JavaScript file with a loss function to train it.');
    return undefined;
  }
  const document = editor.document;
  const unreadable = notTrainableMessage(document.languageId, document.uri.scheme, vscode.workspace.asRelativePath(document.uri));
  if (unreadable) {
    void vscode.window.showInformationMessage(unreadable);
    return undefined;
  }
  const analysis = await ctx.analysis.analyze(document);
  const models = analysis.models;
  if (models.length === 0) {
    void vscode.window.showInformationMessage(
      `Loss Lab: no loss function found in ${vscode.workspace.asRelativePath(document.uri)} (a function taking y_true and y_pred, a loss factory, or an nn.Module's forward).`,
    );
    return undefined;
  }
  const line = editor.selection.active.line;
  const around = models.filter((m) => contains(m, line)).sort((a, b) => size(a) - size(b))[0];
  if (around) return { document, model: around };
  if (models.length === 1) return { document, model: models[0] };
  const picked = await vscode.window.showQuickPick(
    models.map((m) => ({
      label: m.name,
      description: `line ${m.nameRange.startLine + 1}`,
      detail: m.terms.map((t) => `${t.role === 'base' ? 'loss' : 'penalty'}: ${t.label}`).join(' · '),
      model: m,
    })),
    { title: 'Loss Lab: which loss to train?', placeHolder: 'The cursor is not inside a loss function' },
  );
  return picked ? { document, model: picked.model } : undefined;
}
