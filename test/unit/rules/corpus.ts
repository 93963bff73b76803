// The rule fixture corpus: test/fixtures/rules/<code>/{fires,silent}/*.{py,ts,js}, read through the real front end.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { analyzeSource } from '../../../src/analysis/index';
import type { FileAnalysis, SourceLanguage } from '../../../src/analysis/ir';
import { type Finding, runRules } from '../../../src/analysis/rules/index';

export const fixturesRoot = join(__dirname, '..', '..', 'fixtures');
export const rulesRoot = join(fixturesRoot, 'rules');

const LANGUAGES: Record<string, SourceLanguage> = { '.py': 'python', '.ts': 'typescript', '.js': 'javascript' };

export interface Fixture {
  code: string;
  expect: 'fires' | 'silent';
  file: string;
  path: string;
  language: SourceLanguage;
  source: string;
  /** Other codes this fixture is expected to report, declared on its first line: `# also: LL113 (why)`. */
  also: string[];
}

function declaredAlso(source: string): string[] {
  const m = /^(?:#|\/\/)\s*also:\s*((?:LL\d{3}[ ,]*)+)/.exec(source);
  return m ? (m[1].match(/LL\d{3}/g) ?? []) : [];
}

export function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const code of readdirSync(rulesRoot).sort()) {
    for (const expect of ['fires', 'silent'] as const) {
      const dir = join(rulesRoot, code, expect);
      let files: string[] = [];
      try {
        files = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const file of files) {
        const language = LANGUAGES[extname(file)];
        if (!language) continue;
        const path = join(dir, file);
        const source = readFileSync(path, 'utf8');
        out.push({ code, expect, file, path, language, source, also: declaredAlso(source) });
      }
    }
  }
  return out;
}

export function check(source: string, language: SourceLanguage, fileName?: string): { analysis: FileAnalysis; findings: Finding[] } {
  const analysis = analyzeSource(source, language, fileName);
  const failures: string[] = [];
  const findings = runRules(analysis, source, (code, model, err) => failures.push(`${code} on ${model}: ${String(err)}`));
  if (failures.length > 0) throw new Error(`rules threw: ${failures.join('; ')}`);
  return { analysis, findings };
}

/** A one-line summary for assertion messages. */
export const summary = (findings: readonly Finding[]): string =>
  findings.map((f) => `${f.code}@${f.range.startLine + 1}: ${f.message}`).join('\n  ') || '(none)';
