// Entry point: only wires features; the Ctx owns everything they create.
import type * as vscode from 'vscode';
import { Ctx } from './ctx';
import { features } from './features';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  for (const feature of features) {
    try {
      await feature(ctx);
    } catch (err) {
      ctx.output.error(`A Loss Lab feature failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  ctx.output.info(`Loss Lab ${context.extension.packageJSON.version} activated`);
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
