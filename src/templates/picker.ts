// What the "Insert Constraint…" quick pick shows, as plain data so it is tested without VS Code.
import type { Framework, SourceLanguage } from '../analysis/ir';
import { frameworkLabels, frameworks, snippetPrefix, templates } from './catalog';

export interface TemplatePickItem {
  /** The template title, e.g. "Sum-to-one (L1 residual)". */
  label: string;
  /** The snippet prefix, so the picker also teaches the prefix (`closs-sum1`). */
  description: string;
  /** The template's one-paragraph description. */
  detail: string;
  templateId: string;
  /** The snippet body to insert (VS Code snippet syntax). */
  body: string;
}

export interface FrameworkPickItem {
  label: string;
  description: string;
  framework: Framework;
}

/** One item per template, in catalog order, for the given framework. */
export function templatePickItems(framework: Framework): TemplatePickItem[] {
  return templates.map((t) => ({
    label: t.title,
    description: snippetPrefix(t, framework),
    detail: t.description,
    templateId: t.id,
    body: t.snippets[framework].body,
  }));
}

/** Frameworks to ask about when a file's imports do not say; those that fit the file's language come first. */
export function frameworkPickItems(language: SourceLanguage | undefined): FrameworkPickItem[] {
  const fits = (f: Framework): boolean =>
    language === undefined || (language === 'python' ? f !== 'tfjs' : f === 'tfjs');
  const ordered = [...frameworks.filter(fits), ...frameworks.filter((f) => !fits(f))];
  return ordered.map((framework) => ({
    label: frameworkLabels[framework],
    description: framework === 'tfjs' ? 'TypeScript / JavaScript' : 'Python',
    framework,
  }));
}

/** VS Code language ids → the analysis languages (React variants included); undefined for anything else. */
export function sourceLanguageOf(languageId: string): SourceLanguage | undefined {
  const table: Record<string, SourceLanguage> = {
    python: 'python',
    typescript: 'typescript',
    typescriptreact: 'typescript',
    javascript: 'javascript',
    javascriptreact: 'javascript',
  };
  return table[languageId];
}
