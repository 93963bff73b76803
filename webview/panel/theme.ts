// Colours from the VS Code theme (`--vscode-*` CSS variables on <body>), re-read when the theme changes:
// VS Code swaps the body's class (vscode-light / vscode-dark / vscode-high-contrast) and its variables.

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  font: string;
  /** One colour per run, in run order (wraps around). */
  runs: string[];
}

/** VS Code's chart palette first, then fallbacks for themes that do not define it. */
const runVariables: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-terminal-ansiCyan', '#11a8cd'],
  ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
];

export function readTheme(el: HTMLElement = document.body): ChartTheme {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    foreground: v('--vscode-editor-foreground', v('--vscode-foreground', '#cccccc')),
    muted: v('--vscode-descriptionForeground', '#9d9d9d'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background: v('--vscode-editor-background', '#1e1e1e'),
    font: `${v('--vscode-font-size', '12px')} ${v('--vscode-font-family', 'sans-serif')}`,
    runs: runVariables.map(([name, fallback]) => v(name, fallback)),
  };
}

/**
 * Calls `onChange` (once per burst) when VS Code switches the colour theme: it sets the `--vscode-*` variables on
 * <html>'s style and the theme kind as <body>'s class (vscode-light, vscode-dark, …) and data attributes.
 */
export function onThemeChange(onChange: () => void): () => void {
  let pending = 0;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      onChange();
    });
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind', 'data-vscode-theme-name'] });
  return () => observer.disconnect();
}
