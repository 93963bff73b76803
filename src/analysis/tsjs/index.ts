// The TypeScript/JavaScript (TF.js) front end: a tree-sitter tree → the file's loss models.
import type { Node, Tree } from 'web-tree-sitter';
import { withRecovered } from '../parsing/merge';
import type { Framework, LossModel, ParseProblem, SourceLanguage } from '../ir';
import { rangeOf } from '../parsing/range';
import { discoverScriptLosses } from './discover';
import { readScriptImports } from './imports';
import { buildScriptModel } from './model';
import { scriptLiteral } from './params';
import { collectScriptUsages } from './usages';

/** Top-level `const LAM = 0.1` (a global λ). */
function readGlobals(root: Node): Record<string, number> {
  const out: Record<string, number> = {};
  for (const top of root.namedChildren) {
    const stmt = top?.type === 'export_statement' ? top.childForFieldName('declaration') : top;
    if (stmt?.type !== 'lexical_declaration' && stmt?.type !== 'variable_declaration') continue;
    for (const d of stmt.namedChildren) {
      const name = d?.childForFieldName('name');
      const value = d?.childForFieldName('value');
      const v = value ? scriptLiteral(value) : undefined;
      if (name?.type === 'identifier' && typeof v === 'number') out[name.text] = v;
    }
  }
  return out;
}

/** Definitions whose analysis failed are reported in `problems` and the others carry on. */
export function analyzeScriptTree(tree: Tree, language: SourceLanguage, framework: Framework | undefined, problems: ParseProblem[] = [], extraRoots: Node[] = []): LossModel[] {
  const root = tree.rootNode;
  const defs = withRecovered(discoverScriptLosses(root), extraRoots.map(discoverScriptLosses));
  const file = {
    imports: readScriptImports(root),
    framework: framework ?? 'tfjs',
    language,
    globals: readGlobals(root),
    knownLosses: new Set(defs.filter((d) => d.kind !== 'factory' && !/penalty|regulari[sz]/i.test(d.name)).map((d) => d.name)),
  };
  const built: { model: LossModel; def: (typeof defs)[number] }[] = [];
  for (const def of defs) {
    try {
      const model = buildScriptModel(def, file);
      if (model) built.push({ model, def });
    } catch (err) {
      problems.push({ range: rangeOf(def.nameNode), message: `Loss Lab could not analyse '${def.name}' (line ${def.nameNode.startPosition.row + 1}): ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const models = built.map((b) => b.model);
  const { outputActivation } = collectScriptUsages(root, models, built.map((b) => ({ node: b.def.defNode, bindNames: b.def.bindNames })));
  if (outputActivation) for (const m of models) m.outputActivation = outputActivation;
  return models;
}
