// "Export PNG": every chart on screen stacked into one image with its title, on the theme's background.
import type { ChartTheme } from './theme';

export interface PngPart {
  title: string;
  canvas: HTMLCanvasElement | undefined;
}

/** A data: URL of the stacked image, or undefined when no chart is drawn. */
export function stackCharts(title: string, candidates: PngPart[], theme: ChartTheme): string | undefined {
  const parts = candidates.filter((p): p is { title: string; canvas: HTMLCanvasElement } => p.canvas !== undefined);
  if (parts.length === 0) return undefined;
  const ratio = window.devicePixelRatio || 1;
  const titleHeight = Math.round(20 * ratio);
  const width = Math.max(...parts.map((p) => p.canvas.width));
  const height = parts.reduce((h, p) => h + p.canvas.height + titleHeight, titleHeight);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const g = out.getContext('2d');
  if (!g) return undefined;
  g.fillStyle = theme.background;
  g.fillRect(0, 0, width, height);
  g.fillStyle = theme.foreground;
  g.font = `${Math.round(13 * ratio)}px sans-serif`;
  g.fillText(title, 8 * ratio, 15 * ratio);
  let y = titleHeight;
  for (const p of parts) {
    g.fillText(p.title, 8 * ratio, y + 15 * ratio);
    g.drawImage(p.canvas, 0, y + titleHeight);
    y += titleHeight + p.canvas.height;
  }
  return out.toDataURL('image/png');
}
