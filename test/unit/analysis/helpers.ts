// Shared helpers for the analysis tests: parse once, find a model by name, render terms compactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { FileAnalysis, LossModel, SourceLanguage, Term } from '../../../src/analysis/ir';

export const ready = initParsers();

export const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/analysis', name), 'utf8');

export function analyze(source: string, language: SourceLanguage = 'python', fileName?: string): FileAnalysis {
  return analyzeSource(source, language, fileName);
}

export function model(a: FileAnalysis, name: string): LossModel {
  const m = a.models.find((x) => x.name === name);
  if (!m) throw new Error(`no model '${name}' in [${a.models.map((x) => x.name).join(', ')}]`);
  return m;
}

/** `base:+:cross_entropy`, `penalty:+:sum_penalty*lambda_param`: what a reader of the terms sees. */
export function termSummary(t: Term): string {
  return `${t.role}:${t.sign > 0 ? '+' : '-'}:${t.label}${t.weight ? `*${t.weight.text}` : ''}`;
}

/** Drops fields that depend on where objects were created, for comparing two analyses of the same text. */
export function comparable(a: FileAnalysis): unknown {
  return JSON.parse(JSON.stringify(a));
}
