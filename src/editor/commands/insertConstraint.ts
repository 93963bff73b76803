// "Loss Lab: Insert Constraint…": pick a template of the catalog for the active file's framework (detected from its
// imports, asked when unknown) and insert it at the cursor as a snippet, so its tab stops (λ, bounds, names) work.
import * as vscode from 'vscode';
import { detectFramework } from '../../analysis/framework';
import type { Framework } from '../../analysis/ir';
import { frameworkLabels } from '../../templates/catalog';
import { frameworkPickItems, sourceLanguageOf, templatePickItems } from '../../templates/picker';
import type { Ctx } from '../ctx';

export const commandId = 'lossLab.insertConstraint';

export function registerInsertConstraint(ctx: Ctx): void {
  ctx.push(vscode.commands.registerCommand(commandId, () => insertConstraint(ctx)));
}

async function insertConstraint(ctx: Ctx): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(
      'Loss Lab: open a Python, TypeScript or JavaScript file and place the cursor where the constraint should go, then run "Insert Constraint…" again.',
    );
    return;
  }
  const framework = await frameworkOf(editor.document);
  if (!framework) return; // the user closed the framework question
  const item = await vscode.window.showQuickPick(templatePickItems(framework), {
    title: `Loss Lab: Insert Constraint (${frameworkLabels[framework]})`,
    placeHolder: 'Choose a constraint to insert at the cursor',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!item) return;
  const inserted = await editor.insertSnippet(new vscode.SnippetString(item.body));
  if (!inserted) {
    void vscode.window.showWarningMessage(`Loss Lab: could not insert "${item.label}": the editor was closed or is read-only.`);
    return;
  }
  ctx.output.info(`Inserted constraint template ${item.templateId} (${framework}) into ${editor.document.uri.fsPath}`);
}

/** The framework from the file's imports (all cells of a notebook), else the user's answer. */
async function frameworkOf(document: vscode.TextDocument): Promise<Framework | undefined> {
  const language = sourceLanguageOf(document.languageId);
  const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
  const source = notebook ? notebook.getCells().map((c) => c.document.getText()).join('\n') : document.getText();
  const detected = language ? detectFramework(source, language) : undefined;
  if (detected) return detected;
  const pick = await vscode.window.showQuickPick(frameworkPickItems(language), {
    title: 'Loss Lab: Insert Constraint — which framework?',
    placeHolder: 'This file imports no TensorFlow, Keras, PyTorch or TensorFlow.js: choose the framework',
  });
  return pick?.framework;
}
