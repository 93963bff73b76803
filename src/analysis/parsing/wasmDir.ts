// Where the grammar `.wasm` files are. Bundled (esbuild CJS, dist/extension.js or dist/cli.js) they sit in
// `dist/wasm` next to the bundle; from source (tsx) they are read from node_modules.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Grammar files by the name the bundle copies them to (scripts/build.mjs). */
export const grammarFiles = {
  runtime: 'tree-sitter.wasm',
  python: 'tree-sitter-python.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
} as const;

export type GrammarFile = keyof typeof grammarFiles;

/** node_modules locations of each file, relative to the package root. */
const sourceLocations: Record<GrammarFile, string> = {
  runtime: 'web-tree-sitter/tree-sitter.wasm',
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
};

/** Walks up from `start` looking for `node_modules/<rel>`. */
function findInNodeModules(start: string, rel: string): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'node_modules', rel);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The path of one grammar file: in `wasmDir` when given (or `dist/wasm` beside this bundle), else from node_modules.
 * Throws with the places it looked when the file is nowhere (initParsers reports it).
 */
export function locateGrammar(file: GrammarFile, wasmDir?: string): string {
  const name = grammarFiles[file];
  const tried: string[] = [];
  const dirs = wasmDir ? [wasmDir] : [join(__dirname, 'wasm'), join(__dirname, '..', 'wasm')];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
    tried.push(p);
  }
  const fromModules = findInNodeModules(__dirname, sourceLocations[file]) ?? findInNodeModules(process.cwd(), sourceLocations[file]);
  if (fromModules) return fromModules;
  tried.push(`node_modules/${sourceLocations[file]}`);
  throw new Error(`Loss Lab: grammar file ${name} not found (looked in ${tried.join(', ')})`);
}
