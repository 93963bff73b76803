// Entry of the training panel webview (bundled to dist/webview/panel.js with its CSS to dist/webview/panel.css).
import './zodConfig';
import '@vscode-elements/elements/dist/bundled.js';
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import { HostChannel } from './host';
import { PanelView } from './view';

const host = new HostChannel();
const root = document.getElementById('app') ?? document.body;
const view = new PanelView(root, host);
// Exposed for the render benchmark and e2e checks (frames drawn, points per series).
(window as unknown as { lossLabPanel: PanelView }).lossLabPanel = view;

host.listen((message) => view.handle(message));
// After a reload the webview's own saved state draws at once; the host then sends its copy ('restore').
const saved = host.savedState();
if (saved && saved.history.length > 0) view.handle({ type: 'restore', state: saved });
host.send({ type: 'ready' });
