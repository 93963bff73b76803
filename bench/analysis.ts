// Analysis speed: a generated 5,000-line Python file with many loss functions, analysed in full and after one
// edit re-analysed incrementally (DocumentAnalyzer: tree.edit + reparse with the old tree). Target: < 30 ms/edit.
// Runs under bench/index.ts (`npm run bench`) or alone: `node --import tsx bench/analysis.ts`.
import { performance } from 'node:perf_hooks';
import { DocumentAnalyzer, type TextEditDelta, analyzeSource, initParsers } from '../src/analysis/index';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The figure to stay under, when there is one. */
  target?: number;
  detail?: string;
}

/** One of several loss shapes, so the file exercises every front-end path (factories, modules, locals, partial). */
const shapes: ((i: number) => string[])[] = [
  (i) => [
    `def constrained_loss_${i}(y_true, y_pred, lambda_param=1.0):`,
    '    """Cross-entropy with a sum-to-one penalty."""',
    '    cross_entropy = tf.keras.losses.categorical_crossentropy(y_true, y_pred)',
    '    sum_penalty = tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))',
    '    return cross_entropy + lambda_param * sum_penalty',
  ],
  (i) => [
    `def make_bounded_${i}(lam=10.0, lower=0.0, upper=1.0):`,
    `    def bounded_${i}(y_true, y_pred):`,
    '        mse = tf.keras.losses.mean_squared_error(y_true, y_pred)',
    '        lower_penalty = tf.reduce_mean(tf.maximum(lower - y_pred, 0.0) ** 2)',
    '        upper_penalty = tf.reduce_mean(tf.maximum(y_pred - upper, 0.0) ** 2)',
    '        return mse + lam * (lower_penalty + upper_penalty)',
    `    return bounded_${i}`,
  ],
  (i) => [
    `class Constrained${i}(nn.Module):`,
    '    def __init__(self, lam=0.1):',
    '        super().__init__()',
    '        self.lam = lam',
    '',
    '    def forward(self, pred, target):',
    '        base = F.mse_loss(pred, target)',
    '        if self.lam == 0:',
    '            return base',
    '        return base + self.lam * torch.relu(-pred).mean()',
  ],
  (i) => [
    `def sparse_loss_${i}(pred, target, lam=0.01):`,
    '    loss = F.cross_entropy(pred, target)',
    '    loss += lam * pred.abs().mean()',
    '    drops = torch.relu(pred[:, :-1] - pred[:, 1:])',
    '    loss += lam * (drops ** 2).mean()',
    '    return loss',
  ],
];

export function generatePython(lines: number): string {
  const out = ['import tensorflow as tf', 'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', 'from functools import partial', ''];
  for (let i = 0; out.length < lines; i++) {
    const shape = shapes[i % shapes.length];
    out.push(...shape(i), '', `# usage ${i}`);
    if (i % 4 === 0) out.push(`model.compile(loss=constrained_loss_${i}, optimizer='adam')`);
    if (i % 4 === 1) out.push(`model.compile(loss=make_bounded_${i}(lam=0.5), optimizer='adam')`);
    if (i % 4 === 3) out.push(`weighted_${i} = partial(sparse_loss_${i}, lam=0.1)`);
    out.push('');
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  const before = text.slice(0, index);
  return { row: before.split('\n').length - 1, column: index - (before.lastIndexOf('\n') + 1) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runAnalysisBench(options: { lines?: number; runs?: number } = {}): Promise<BenchResult[]> {
  const lines = options.lines ?? 5000;
  const runs = options.runs ?? 15;
  await initParsers();
  let text = generatePython(lines);
  const full: number[] = [];
  const fullCpu: number[] = [];
  let models = 0;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    models = analyzeSource(text, 'python').models.length;
    full.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    fullCpu.push((c.user + c.system) / 1000);
  }

  const doc = new DocumentAnalyzer('python');
  doc.update(text);
  const perEdit: number[] = [];
  // CPU time too: on a shared, loaded machine wall time includes waiting for a core
  const perEditCpu: number[] = [];
  let rebuilt = 0;
  // Type one character into a default in the middle of the file, then the next one (as a user would).
  const anchor = text.indexOf('lambda_param=1.0', Math.floor(text.length / 2)) + 'lambda_param=1.'.length;
  for (let r = 0; r < runs; r++) {
    const at = anchor + r;
    const inserted = String(r % 10);
    const next = text.slice(0, at) + inserted + text.slice(at);
    const delta: TextEditDelta = {
      startIndex: at,
      oldEndIndex: at,
      newEndIndex: at + 1,
      startPosition: pointAt(text, at),
      oldEndPosition: pointAt(text, at),
      newEndPosition: pointAt(next, at + 1),
    };
    text = next;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    doc.update(text, [delta]);
    perEdit.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    perEditCpu.push((c.user + c.system) / 1000);
    rebuilt = doc.rebuiltDefinitions;
  }
  doc.dispose();
  const detail = `${lines} lines, ${models} loss models`;
  return [
    { name: 'analysis: full parse + analysis (5,000-line Python)', value: median(full), unit: 'ms', detail: `${detail}, median of 5` },
    { name: 'analysis: full parse + analysis, CPU time', value: median(fullCpu), unit: 'ms', detail: `${detail}, median of 5` },
    { name: 'analysis: one edit re-analysed incrementally', value: median(perEdit), unit: 'ms', target: 30, detail: `${detail}, median of ${runs} edits, ${rebuilt} definition rebuilt per edit` },
    { name: 'analysis: one edit re-analysed incrementally, CPU time', value: median(perEditCpu), unit: 'ms', target: 30, detail: `${detail}, median of ${runs} edits` },
  ];
}

if (require.main === module) {
  runAnalysisBench().then(
    (results) => {
      for (const r of results) console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${r.target ? ` (target < ${r.target} ${r.unit})` : ''}  [${r.detail ?? ''}]`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
