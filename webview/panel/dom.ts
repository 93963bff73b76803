// Small DOM builders shared by the panel's views.

/** An element with attributes and, optionally, its text. */
export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

/** A vscode-elements custom element (registered by the bundle import in main.ts). */
export const vsc = (tag: `vscode-${string}`, attrs: Record<string, string> = {}, text?: string): HTMLElement => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

/** "Label: value", one field of the header. */
export function labelled(label: string, value: HTMLElement): HTMLElement {
  const span = el('span', { class: 'field' });
  span.append(el('span', { class: 'label' }, `${label}: `), value);
  return span;
}

/** Sets or removes a boolean attribute (`hidden`, `disabled`, `checked`). */
export function toggleAttr(e: Element, name: string, on: boolean): void {
  if (on) e.setAttribute(name, '');
  else e.removeAttribute(name);
}
