// The webview's side of the host channel: every message is validated with the protocol's zod schemas, both the
// ones that arrive (HostToWebview) and the ones we send (WebviewToHost). Invalid ones are logged and dropped.
import './zodConfig';
import { HostToWebview, PanelState, parseMessage, WebviewToHost } from '../../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class HostChannel {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  send(message: WebviewToHost): void {
    const parsed = parseMessage(WebviewToHost, message);
    if (parsed.ok) this.api.postMessage(parsed.value);
    else console.warn(`[loss-lab panel] not sending an invalid message: ${parsed.error}`);
  }

  listen(handle: (message: HostToWebview) => void): void {
    window.addEventListener('message', (event: MessageEvent) => {
      const parsed = parseMessage(HostToWebview, event.data);
      if (parsed.ok) handle(parsed.value);
      else console.warn(`[loss-lab panel] dropped an invalid message from the host: ${parsed.error}`);
    });
  }

  /** The state VS Code kept for this webview (survives hiding and window reloads with a serializer). */
  savedState(): PanelState | undefined {
    const parsed = parseMessage(PanelState, this.api.getState());
    return parsed.ok ? parsed.value : undefined;
  }

  saveState(state: PanelState): void {
    this.api.setState(state);
  }
}
