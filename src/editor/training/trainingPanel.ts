// The host side of the training panel: one webview panel (created, or adopted from the serializer after a reload),
// its HTML with a nonce CSP, and its messages: every one from the webview is validated (WebviewToHost) before it
// is acted on, every one to it is checked against HostToWebview before it is posted.
import * as vscode from 'vscode';
import { HostToWebview, parseMessage, WebviewToHost } from '../../protocol';
import type { Ctx } from '../ctx';
import { panelHtml } from './panelHtml';

export const PANEL_VIEW_TYPE = 'lossLab.training';

export interface PanelHandlers {
  onMessage(message: WebviewToHost): void;
  onDispose(): void;
}

export class TrainingPanel implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  /**
   * False until the page says `ready`, and again while the panel is hidden (VS Code discards a hidden webview's
   * page). Messages are dropped meanwhile: on `ready` the session sends the whole state (`restore`).
   */
  private ready = false;

  static create(ctx: Ctx, title: string, handlers: PanelHandlers): TrainingPanel {
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      TrainingPanel.options(ctx),
    );
    return new TrainingPanel(ctx, panel, handlers);
  }

  /** What both a new panel and a restored one get: scripts on, resources only from dist/webview. */
  static options(ctx: Ctx): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(ctx.distUri, 'webview')],
    };
  }

  constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    private readonly handlers: PanelHandlers,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ctx.distUri, 'webview')] };
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(ctx.distUri, 'webview', name)).toString();
    webview.html = panelHtml({ cspSource: webview.cspSource, scriptUri: asset('panel.js'), styleUri: asset('panel.css'), title: panel.title });
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        this.disposed = true;
        for (const d of this.subscriptions) d.dispose();
        this.handlers.onDispose();
      }),
    );
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  reveal(): void {
    // In the column it is in (not "beside" whatever is active now, which would move it).
    if (!this.disposed) this.panel.reveal(undefined, true);
  }

  setTitle(title: string): void {
    if (!this.disposed) this.panel.title = title;
  }

  post(message: HostToWebview): void {
    if (this.disposed) return;
    const parsed = parseMessage(HostToWebview, message);
    if (!parsed.ok) {
      this.ctx.output.warn(`Not sending an invalid message to the training panel (${parsed.error})`);
      return;
    }
    if (!this.ready) return;
    void this.panel.webview.postMessage(parsed.value);
  }

  private receive(raw: unknown): void {
    const parsed = parseMessage(WebviewToHost, raw);
    if (!parsed.ok) {
      this.ctx.output.warn(`Dropped an invalid message from the training panel (${parsed.error})`);
      return;
    }
    if (parsed.value.type === 'ready') this.ready = true;
    this.handlers.onMessage(parsed.value);
  }

  dispose(): void {
    if (!this.disposed) this.panel.dispose();
  }
}
