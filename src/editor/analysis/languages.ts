// Which documents Loss Lab analyses, by VS Code language id and URI scheme. Plain TypeScript (no `vscode`), so the
// analysis service and the Train command share one table and it is unit-tested in Node.
import type { SourceLanguage } from '../../analysis/ir';

/** VS Code language ids Loss Lab reads, and the grammar each is parsed with. */
const languages: Readonly<Record<string, SourceLanguage>> = {
  python: 'python',
  typescript: 'typescript',
  typescriptreact: 'typescript',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};

/** Where analysed documents come from: files, unsaved editors, notebook cells, remote files. Not git/diff views. */
const schemes: ReadonlySet<string> = new Set(['file', 'untitled', 'vscode-notebook-cell', 'vscode-remote', 'vscode-vfs']);

/** The grammar for a document with this language id and URI scheme, or undefined when Loss Lab does not read it. */
export function languageForDocument(languageId: string, scheme: string): SourceLanguage | undefined {
  return schemes.has(scheme) && Object.hasOwn(languages, languageId) ? languages[languageId] : undefined;
}

/**
 * The notice "Train with Constraint" shows instead of analysing a document Loss Lab does not read (a Markdown file,
 * an output pane, a diff view), or undefined when the document can be analysed.
 */
export function notTrainableMessage(languageId: string, scheme: string, fileName: string): string | undefined {
  if (languageForDocument(languageId, scheme)) return undefined;
  const what = scheme === 'file' || scheme === 'untitled' ? `${fileName} is ${languageId}` : `${fileName} is not a source file (${scheme})`;
  return `Loss Lab: open a Python, TypeScript or JavaScript file with a loss function to train it (${what}).`;
}
