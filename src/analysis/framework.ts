// Which framework a file uses, read from its imports by a table. Works on half-typed code: it only looks at
// import lines it can recognise and ignores everything else, so it never throws.
import type { Framework, SourceLanguage } from './ir';

interface ImportRule {
  /** Matches the imported module name (the part after `import`/`from`, or the string given to `require`). */
  module: RegExp;
  framework: Framework;
}

/** Module names per language, first match wins within one import; the first import that matches decides. */
const importTable: Record<SourceLanguage, ImportRule[]> = {
  python: [
    { module: /^tensorflow(\.|$)/, framework: 'keras' },
    { module: /^tf_keras(\.|$)/, framework: 'keras' },
    { module: /^keras(\.|$)/, framework: 'keras' },
    { module: /^torch(\.|$)/, framework: 'pytorch' },
    { module: /^pytorch_lightning(\.|$)/, framework: 'pytorch' },
    { module: /^lightning(\.|$)/, framework: 'pytorch' },
  ],
  typescript: [{ module: /^@tensorflow\/tfjs(-[a-z-]+)?(\/|$)/, framework: 'tfjs' }],
  javascript: [{ module: /^@tensorflow\/tfjs(-[a-z-]+)?(\/|$)/, framework: 'tfjs' }],
};

/** Python: `import a.b as c, d` and `from a.b import c` at the start of a line (indented imports count too). */
const pythonImport = /^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*))/gm;
/** TS/JS: `import … from 'm'`, `import 'm'`, `export … from 'm'`, `require('m')`, `import('m')`. */
const scriptImport = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;

function importedModules(source: string, language: SourceLanguage): string[] {
  const modules: string[] = [];
  if (language === 'python') {
    for (const m of source.matchAll(pythonImport)) {
      if (m[1]) modules.push(m[1]);
      else if (m[2]) for (const part of m[2].split(',')) modules.push(part.trim().split(/[ \t]+/)[0]);
    }
  } else {
    for (const m of source.matchAll(scriptImport)) modules.push(m[2]);
  }
  return modules;
}

/** The framework the file imports, or undefined when it imports none we know (or the language is unknown). */
export function detectFramework(source: string, language: SourceLanguage): Framework | undefined {
  const rules = importTable[language];
  if (!rules || typeof source !== 'string') return undefined;
  for (const module of importedModules(source, language)) {
    const rule = rules.find((r) => r.module.test(module));
    if (rule) return rule.framework;
  }
  return undefined;
}
