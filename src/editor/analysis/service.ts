// Keeps one incremental DocumentAnalyzer per open Python/TypeScript/JavaScript document (notebook cells included:
// VS Code gives a Jupyter code cell as its own `python` document with the `vscode-notebook-cell` scheme), feeds it
// the editor's changes as tree-sitter edits, debounced, and tells listeners (diagnostics, CodeLens, Train) when a
// document's analysis is new. Files over `lossLab.diagnostics.maxFileSize` are skipped with one notice per file.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { DocumentAnalyzer, initParsers } from '../../analysis/index';
import type { FileAnalysis, SourceLanguage } from '../../analysis/ir';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { type TreeEdit, toTreeEdit } from './edits';
import { languageForDocument } from './languages';
import { cellsAbove, cellsBelow } from './notebookScope';

/** Quiet time after the last keystroke before a document is analysed again. */
export const DEBOUNCE_MS = 200;

export interface AnalysisEvent {
  document: vscode.TextDocument;
  analysis: FileAnalysis;
  /** The document version and text the analysis was made from (ranges refer to this text). */
  version: number;
  text: string;
}

interface Entry {
  language: SourceLanguage;
  /** Absent before the first parse, while the file is over the size limit, and after an analysis failed. */
  analyzer?: DocumentAnalyzer;
  /** Edits since the last parse, in the order they were made. */
  pending: TreeEdit[];
  analysis?: FileAnalysis;
  /** The last event fired for this document (its analysis with the text it was made from). */
  last?: AnalysisEvent;
  /** The document version `analysis` was made from; -1 before the first one. */
  version: number;
  timer?: NodeJS.Timeout;
}

export function analysisLanguageOf(document: vscode.TextDocument): SourceLanguage | undefined {
  return languageForDocument(document.languageId, document.uri.scheme);
}

function emptyAnalysis(language: SourceLanguage): FileAnalysis {
  return { language, models: [], syntaxErrors: [] };
}

/**
 * How the analysis core reports that a whole file failed (it never throws; see src/analysis/index.ts): no models and
 * a problem saying so. Such a result must not replace a good one, or a crash would wipe the file's diagnostics.
 */
const wholeFileFailure = /^Loss Lab could not (parse|analyse) this file/;

function failureOf(analysis: FileAnalysis): string | undefined {
  if (analysis.models.length > 0) return undefined;
  return analysis.syntaxErrors.find((p) => wholeFileFailure.test(p.message))?.message;
}

const describe = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

export class AnalysisService implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Files already told about the size limit (once per file per session). */
  private readonly sizeNoticeShown = new Set<string>();
  /** Files already told they were not analysed (parser deadline, binary), once per file per session. */
  private readonly notAnalysedShown = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<AnalysisEvent>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly ready: Promise<void>;

  /** Fires after a document was analysed (also with an empty analysis when it became too large). */
  readonly onDidAnalyze: vscode.Event<AnalysisEvent> = this.emitter.event;

  constructor(private readonly ctx: Ctx) {
    const wasmDir = vscode.Uri.joinPath(ctx.distUri, 'wasm').fsPath;
    this.ready = initParsers(wasmDir).catch((err: unknown) => {
      ctx.output.error(`Loss Lab could not load its parsers from ${wasmDir}; no loss analysis: ${describe(err)}`);
      throw err;
    });
    this.ready.catch(() => undefined); // reported above; callers of analyze() get the rejection
    this.subscriptions.push(
      this.emitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.track(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      // a notebook's cells may be tracked before the notebook is known: read them again with their scope
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.reanalyze(nb.getCells().map((c) => c.document), 0)),
      // cells added, removed or moved: every cell's scope (the cells above it) may have changed
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.contentChanges.length > 0) this.reanalyze(e.notebook.getCells().map((c) => c.document), DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLab.diagnostics.maxFileSize')) this.reanalyzeAll();
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.track(d);
  }

  /** The latest analysis of `document` (it may trail the text by the debounce delay), if it was analysed. */
  get(document: vscode.TextDocument): FileAnalysis | undefined {
    return this.entries.get(document.uri.toString())?.analysis;
  }

  /** The last analysis event of `document` (analysis, version and text), for listeners that start late. */
  latest(document: vscode.TextDocument): AnalysisEvent | undefined {
    return this.entries.get(document.uri.toString())?.last;
  }

  /** The analysis of the document's current text. Rejects only for a language Loss Lab does not read or when the parsers failed to load. */
  async analyze(document: vscode.TextDocument): Promise<FileAnalysis> {
    const language = analysisLanguageOf(document);
    if (!language) {
      throw new Error(`Loss Lab reads Python, TypeScript and JavaScript files; ${basename(document.uri.path)} is ${document.languageId}.`);
    }
    await this.ready;
    const entry = this.entries.get(document.uri.toString()) ?? this.track(document);
    if (!entry) throw new Error(`Loss Lab cannot analyse ${document.uri.toString()}.`);
    if (entry.version !== document.version || !entry.analysis) return this.run(document, entry);
    return entry.analysis;
  }

  dispose(): void {
    for (const entry of this.entries.values()) this.release(entry);
    this.entries.clear();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private track(document: vscode.TextDocument): Entry | undefined {
    const language = analysisLanguageOf(document);
    if (!language) return undefined;
    const key = document.uri.toString();
    const existing = this.entries.get(key);
    if (existing && existing.language === language) return existing;
    if (existing) this.release(existing);
    const entry: Entry = { language, pending: [], version: -1 };
    this.entries.set(key, entry);
    this.schedule(document, entry, 0);
    return entry;
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const entry = this.entries.get(e.document.uri.toString());
    if (!entry) return;
    // Edits only matter to a tree that exists; without one the next run parses the whole text.
    if (entry.analyzer) for (const change of e.contentChanges) entry.pending.push(toTreeEdit(change));
    this.schedule(e.document, entry, DEBOUNCE_MS);
    // in a notebook, the cells below read this cell's constants
    this.reanalyze(cellsBelow(e.document), DEBOUNCE_MS);
  }

  /** Analyses these documents again though their text did not change (their scope did). */
  private reanalyze(documents: readonly vscode.TextDocument[], delay: number): void {
    for (const document of documents) {
      const entry = this.entries.get(document.uri.toString());
      if (!entry) continue;
      entry.version = -1;
      this.schedule(document, entry, delay);
    }
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const entry = this.entries.get(key);
    if (!entry) return;
    this.release(entry);
    this.entries.delete(key);
  }

  private release(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    try {
      entry.analyzer?.dispose();
    } catch (err) {
      this.ctx.output.warn(`Loss Lab: disposing a parser failed: ${describe(err)}`);
    }
    entry.analyzer = undefined;
    entry.pending = [];
  }

  private reanalyzeAll(): void {
    this.reanalyze(vscode.workspace.textDocuments, 0);
  }

  private schedule(document: vscode.TextDocument, entry: Entry, delay: number): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      // The document may have been closed (or reopened as another entry) while waiting.
      if (this.entries.get(document.uri.toString()) !== entry || document.isClosed) return;
      this.ready.then(
        () => {
          if (entry.version !== document.version) this.run(document, entry);
        },
        () => undefined,
      );
    }, delay);
  }

  /** Analyses the current text now. Never throws: a failure is logged and the last analysis is kept. */
  private run(document: vscode.TextDocument, entry: Entry): FileAnalysis {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const text = document.getText();
    const version = document.version;
    const limit = readConfig(document.uri).diagnostics.maxFileSize;
    if (text.length > limit) return this.skip(document, entry, text.length, limit);

    const edits = entry.analyzer ? entry.pending : undefined;
    entry.pending = [];
    try {
      entry.analyzer ??= new DocumentAnalyzer(entry.language, {
        fileName: document.uri.path,
        tsx: document.languageId === 'typescriptreact',
      });
      const started = performance.now();
      const above = cellsAbove(document);
      const analysis = entry.analyzer.update(text, edits, above ? { cellsAbove: above } : {});
      const ms = performance.now() - started;
      if (analysis.notAnalysed) return this.notAnalysed(document, entry, analysis.notAnalysed.message);
      const failure = failureOf(analysis);
      if (failure) throw new Error(failure);
      entry.analysis = analysis;
      entry.version = version;
      this.ctx.output.trace(
        `analysed ${basename(document.uri.path)} v${version} (${edits ? `${edits.length} edit(s)` : 'full parse'}) in ${ms.toFixed(1)} ms: ${analysis.models.length} loss function(s), ${analysis.syntaxErrors.length} syntax error(s)`,
      );
      entry.last = { document, analysis, version, text };
      this.emitter.fire(entry.last);
      return analysis;
    } catch (err) {
      // Keep the last analysis (and so the last diagnostics); start from a full parse next time.
      this.ctx.output.error(`Loss Lab could not analyse ${document.uri.toString()} (version ${version}): ${describe(err)}`);
      this.release(entry);
      return entry.analysis ?? emptyAnalysis(entry.language);
    }
  }

  /**
   * The parser gave up (deadline) or the text is binary: the last good analysis and its diagnostics stay, and the
   * user is told once per file. The version is marked done so the same text is not parsed again.
   */
  private notAnalysed(document: vscode.TextDocument, entry: Entry, message: string): FileAnalysis {
    entry.version = document.version;
    const key = document.uri.toString();
    if (!this.notAnalysedShown.has(key)) {
      this.notAnalysedShown.add(key);
      const text = `Loss Lab: ${basename(document.uri.path)} ${message} (the last analysis is kept).`;
      this.ctx.output.warn(text);
      void vscode.window.showInformationMessage(text);
    }
    return entry.analysis ?? emptyAnalysis(entry.language);
  }

  private skip(document: vscode.TextDocument, entry: Entry, size: number, limit: number): FileAnalysis {
    this.release(entry);
    const analysis = emptyAnalysis(entry.language);
    entry.analysis = analysis;
    entry.version = document.version;
    const key = document.uri.toString();
    if (!this.sizeNoticeShown.has(key)) {
      this.sizeNoticeShown.add(key);
      const message = `Loss Lab does not check ${basename(document.uri.path)}: it has ${size.toLocaleString('en')} characters, more than lossLab.diagnostics.maxFileSize (${limit.toLocaleString('en')}).`;
      this.ctx.output.info(message);
      void vscode.window.showInformationMessage(message);
    }
    entry.last = { document, analysis, version: document.version, text: '' };
    this.emitter.fire(entry.last);
    return analysis;
  }
}
