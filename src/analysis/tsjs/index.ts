// The TypeScript/JavaScript (TF.js) front end: a tree-sitter tree → the file's loss models.
import type { Tree } from 'web-tree-sitter';
import type { Framework, LossModel, ParseProblem, SourceLanguage } from '../ir';

export function analyzeScriptTree(_tree: Tree, _language: SourceLanguage, _framework: Framework | undefined, _problems: ParseProblem[]): LossModel[] {
  return [];
}
