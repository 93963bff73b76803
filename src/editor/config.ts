// Settings, read through one typed module. Every key lives under `lossLab.` (see package.json).
import * as vscode from 'vscode';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface LossLabConfig {
  diagnostics: { enable: boolean; severity: Record<string, SeverityName>; maxFileSize: number };
  codeLens: { enable: boolean };
  training: {
    lambdas: number[];
    includeCodeLambda: boolean;
    steps: number;
    batchSize: number;
    hiddenLayers: number[];
    outputActivation: 'auto' | 'linear' | 'softmax' | 'sigmoid' | 'relu' | 'tanh';
    optimizer: 'adam' | 'sgd' | 'rmsprop';
    learningRate: number;
    dataset: string;
    maxDatasetMB: number;
    seed: number;
    backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
    tfjsNodePath: string;
  };
  sweep: { count: number; decades: number; tolerance: number; multiPenalty: 'oneAtATime' | 'grid2' };
}

/**
 * Settings that name a path or a backend: declared in package.json's `restrictedConfigurations`. In an untrusted
 * workspace a value written in the workspace is ignored (only the user's own settings count), and no folder is
 * offered for tfjs-node at all: the trainer then loads it only from Loss Lab's own folder.
 */
export const RESTRICTED_SETTINGS = ['training.tfjsNodePath', 'training.dataset', 'training.backend'] as const;

/** A restricted setting as the trust state allows: trusted, the effective value; untrusted, the user's own value. */
function restricted<T>(c: vscode.WorkspaceConfiguration, key: (typeof RESTRICTED_SETTINGS)[number], fallback: T): T {
  if (vscode.workspace.isTrusted) return c.get(key, fallback);
  if (key === 'training.tfjsNodePath') return fallback;
  return c.inspect<T>(key)?.globalValue ?? fallback;
}

export function readConfig(scope?: vscode.ConfigurationScope): LossLabConfig {
  const c = vscode.workspace.getConfiguration('lossLab', scope);
  return {
    diagnostics: {
      enable: c.get('diagnostics.enable', true),
      severity: c.get('diagnostics.severity', {}),
      maxFileSize: c.get('diagnostics.maxFileSize', 1_000_000),
    },
    codeLens: { enable: c.get('codeLens.enable', true) },
    training: {
      lambdas: c.get('training.lambdas', [0, 0.1, 1, 10]),
      includeCodeLambda: c.get('training.includeCodeLambda', true),
      steps: c.get('training.steps', 300),
      batchSize: c.get('training.batchSize', 64),
      hiddenLayers: c.get('training.hiddenLayers', [64, 64]),
      outputActivation: c.get('training.outputActivation', 'auto'),
      optimizer: c.get('training.optimizer', 'adam'),
      learningRate: c.get('training.learningRate', 0.01),
      dataset: restricted(c, 'training.dataset', ''),
      maxDatasetMB: c.get('training.maxDatasetMB', 200),
      seed: c.get('training.seed', 42),
      backend: restricted(c, 'training.backend', 'auto'),
      tfjsNodePath: restricted(c, 'training.tfjsNodePath', ''),
    },
    sweep: {
      count: c.get('sweep.count', 9),
      decades: c.get('sweep.decades', 4),
      tolerance: c.get('sweep.tolerance', 0.01),
      multiPenalty: c.get<string>('sweep.multiPenalty', 'oneAtATime') === 'grid2' ? 'grid2' : 'oneAtATime',
    },
  };
}

/** Fires `listener` when any Loss Lab setting changes. */
export function onConfigChange(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('lossLab')) listener();
  });
}
