// The error banners under the header: each says what happened and where (file:line or cell and line, run, step),
// with "Show in code" when it has a line.
import type { HostChannel } from './host';
import { el, vsc } from './dom';
import type { PanelError, PanelModel } from './model';

export class ErrorsView {
  readonly section = el('section', { id: 'errors', 'aria-label': 'Errors' });

  constructor(private readonly host: HostChannel) {}

  render(m: PanelModel): void {
    const items = m.errors.map((e) => ({ text: describeError(e), file: e.file, line: e.line }));
    if (m.status === 'crashed' && m.exitMessage) items.push({ text: m.exitMessage, file: undefined, line: undefined });
    const key = JSON.stringify(items);
    if (this.section.dataset.key === key) return;
    this.section.dataset.key = key;
    this.section.replaceChildren(...items.map((item) => this.banner(item.text, item.file, item.line)));
  }

  private banner(text: string, file: string | undefined, line: number | undefined): HTMLElement {
    const banner = el('div', { class: 'error', role: 'alert' });
    banner.append(el('span', { class: 'message' }, text));
    if (line !== undefined) {
      const reveal = vsc('vscode-button', { secondary: '', class: 'reveal' }, 'Show in code');
      reveal.addEventListener('click', () => this.host.send({ type: 'reveal', file, line }));
      banner.append(reveal);
    }
    return banner;
  }
}

export function describeError(e: PanelError): string {
  const place = e.file && e.line ? `${e.file.split(/[\\/]/).pop()}:${e.line}` : e.line ? `${e.cell ? `cell ${e.cell}, ` : ''}line ${e.line}` : '';
  const where = [place, e.runId ? `run ${e.runId}` : '', e.step !== undefined ? `step ${e.step}` : '']
    .filter(Boolean)
    .join(', ');
  return `${e.message}${where ? ` (${where})` : ''}`;
}
