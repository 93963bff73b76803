// The training panel's HTML: a strict Content-Security-Policy (nothing by default; scripts only with this page's
// nonce; styles, fonts and images only from the webview's own resource origin). Plain TS (no `vscode`), tested.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(dist/webview/panel.js)` as a string. */
  scriptUri: string;
  /** The bundled CSS (panel.css holds uPlot's and the panel's own). */
  styleUri: string;
  title: string;
  nonce?: string;
}

/** 128 random bits, base64: a fresh nonce per page. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function panelHtml(input: PanelHtmlInput): string {
  const nonce = input.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // No 'unsafe-inline': vscode-elements styles its shadow roots with constructable stylesheets and uPlot sets
    // styles through the CSSOM, neither of which style-src restricts.
    `style-src ${input.cspSource}`,
    `font-src ${input.cspSource}`,
    `img-src ${input.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>`;
}
