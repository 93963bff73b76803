// Loads web-tree-sitter and the grammars once; hands out parsers per language.
import { Language, Parser } from 'web-tree-sitter';
import type { SourceLanguage } from '../ir';
import { type GrammarFile, locateGrammar } from './wasmDir';

/** A grammar: the three source languages plus TSX (`.tsx` files, parsed with the TypeScript front end). */
export type Grammar = SourceLanguage | 'tsx';

const languages = new Map<Grammar, Language>();
let loading: Promise<void> | undefined;

async function load(wasmDir?: string): Promise<void> {
  const runtime = locateGrammar('runtime', wasmDir);
  await Parser.init({ locateFile: () => runtime });
  const grammars: Grammar[] = ['python', 'typescript', 'tsx', 'javascript'];
  for (const g of grammars) languages.set(g, await Language.load(locateGrammar(g as GrammarFile, wasmDir)));
}

/** Loads the runtime and every grammar; later calls reuse the first load (a failed load can be retried). */
export function initParsers(wasmDir?: string): Promise<void> {
  if (!loading) {
    loading = load(wasmDir).catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
  }
  return loading;
}

export function parsersReady(): boolean {
  return languages.size > 0;
}

/** A new parser for the grammar; throws when initParsers has not finished (callers check parsersReady). */
export function createParser(grammar: Grammar): Parser {
  const language = languages.get(grammar);
  if (!language) throw new Error('Loss Lab: parsers are not loaded yet (call initParsers first)');
  return new Parser().setLanguage(language);
}

const shared = new Map<Grammar, Parser>();

/** One reusable parser per grammar for one-shot parses (analyzeSource). */
export function sharedParser(grammar: Grammar): Parser {
  let p = shared.get(grammar);
  if (!p) {
    p = createParser(grammar);
    shared.set(grammar, p);
  }
  return p;
}
