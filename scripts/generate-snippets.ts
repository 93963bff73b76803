// Writes the VS Code snippet files from the template catalog (src/templates): dist/snippets/python.json (Keras and
// PyTorch) and dist/snippets/tfjs.json (TypeScript/JavaScript). Called by scripts/build.mjs; nothing is hand-kept.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Framework } from '../src/analysis/ir';
import { frameworkLabels, snippetPrefix, templates } from '../src/templates/catalog';

/** One entry of a VS Code snippet file. */
export interface SnippetEntry {
  prefix: string;
  body: string[];
  description: string;
}

export type SnippetFile = Record<string, SnippetEntry>;

/** Which frameworks go into which snippet file (package.json maps the files to languages). */
export const snippetFiles: Record<string, Framework[]> = {
  'python.json': ['keras', 'pytorch'],
  'tfjs.json': ['tfjs'],
};

/** The snippet file for some frameworks, keyed "<Framework>: <title>" so names stay unique within the file. */
export function buildSnippetFile(forFrameworks: Framework[]): SnippetFile {
  const file: SnippetFile = {};
  for (const framework of forFrameworks) {
    for (const t of templates) {
      const name = `${frameworkLabels[framework]}: ${t.title}`;
      if (file[name]) throw new Error(`duplicate snippet name "${name}"`);
      file[name] = {
        prefix: snippetPrefix(t, framework),
        body: t.snippets[framework].body.split('\n'),
        description: `Loss Lab: ${t.description}`,
      };
    }
  }
  return file;
}

/** Writes every snippet file into `dir` (created if missing); returns the paths written. */
export function writeSnippets(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(snippetFiles).map(([fileName, forFrameworks]) => {
    const path = join(dir, fileName);
    writeFileSync(path, `${JSON.stringify(buildSnippetFile(forFrameworks), null, 2)}\n`);
    return path;
  });
}
