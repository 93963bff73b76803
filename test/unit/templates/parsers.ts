// Loads the tree-sitter grammars from node_modules (the same .wasm files the build copies to dist/wasm) for the
// template tests. Loaded once per test process.
import { join } from 'node:path';
import { Language, type Node, Parser } from 'web-tree-sitter';

export type Grammar = 'python' | 'typescript' | 'javascript';

const wasmFiles: Record<Grammar, string> = {
  python: 'node_modules/tree-sitter-python/tree-sitter-python.wasm',
  typescript: 'node_modules/tree-sitter-typescript/tree-sitter-typescript.wasm',
  javascript: 'node_modules/tree-sitter-javascript/tree-sitter-javascript.wasm',
};

let parsers: Promise<Record<Grammar, Parser>> | undefined;

export function loadParsers(): Promise<Record<Grammar, Parser>> {
  parsers ??= (async () => {
    await Parser.init();
    const root = join(__dirname, '..', '..', '..');
    const entries = await Promise.all(
      (Object.keys(wasmFiles) as Grammar[]).map(async (g) => {
        const parser = new Parser();
        parser.setLanguage(await Language.load(join(root, wasmFiles[g])));
        return [g, parser] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<Grammar, Parser>;
  })();
  return parsers;
}

/** Every ERROR or MISSING node, as "line:col text" (1-based), so a failing test says where the code is broken. */
export function syntaxProblems(root: Node): string[] {
  const problems: string[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'ERROR' || n.isMissing) {
      problems.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1} ${n.isMissing ? `missing ${n.type}` : `unexpected ${JSON.stringify(n.text.slice(0, 40))}`}`);
      return;
    }
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return problems;
}

/** All nodes of the given types, depth first. */
export function nodesOfType(root: Node, types: string[]): Node[] {
  const found: Node[] = [];
  const visit = (n: Node): void => {
    if (types.includes(n.type)) found.push(n);
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return found;
}
