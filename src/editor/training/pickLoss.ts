// Which loss "Train with Constraint" trains: the one named by the CodeLens argument, else the one around the cursor,
// else the only one in the file, else the user's pick.
import * as vscode from 'vscode';
import { chooseLoss } from '../../analysis/choose';
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
      `Loss Lab: no loss found in ${vscode.workspace.asRelativePath(document.uri)} (a function taking a target and a prediction, a loss factory or class, a training step, or a loss before .backward()).`,
    );
    return undefined;
  }
  // the loss around the cursor (the innermost), as the command line's chooseLoss reads a cursor
  const around = chooseLoss(analysis, { cursor: { line: editor.selection.active.line } });
  if (around.ok && around.why === 'cursor') return { document, model: around.model };
  if (models.length === 1) return { document, model: models[0] };
  const picked = await vscode.window.showQuickPick(
    models.map((m) => ({
      label: m.className ? `${m.className}.${m.name}` : m.name,
      description: `line ${m.nameRange.startLine + 1}`,
      detail: m.terms.map((t) => `${t.role === 'base' ? 'loss' : 'penalty'}: ${t.label}`).join(' · '),
      model: m,
    })),
    { title: 'Loss Lab: which loss to train?', placeHolder: 'The cursor is not inside a loss function' },
  );
  return picked ? { document, model: picked.model } : undefined;
}
