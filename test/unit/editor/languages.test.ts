import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { languageForDocument, notTrainableMessage } from '../../../src/editor/analysis/languages';

describe('which documents Loss Lab reads', () => {
  it('reads Python, TypeScript and JavaScript files, notebook cells and unsaved editors', () => {
    assert.equal(languageForDocument('python', 'file'), 'python');
    assert.equal(languageForDocument('python', 'vscode-notebook-cell'), 'python');
    assert.equal(languageForDocument('typescriptreact', 'untitled'), 'typescript');
    assert.equal(languageForDocument('javascript', 'file'), 'javascript');
  });

  it('does not read Markdown, JSON, or a Python file seen through a git diff', () => {
    assert.equal(languageForDocument('markdown', 'file'), undefined);
    assert.equal(languageForDocument('json', 'file'), undefined);
    assert.equal(languageForDocument('python', 'git'), undefined);
    assert.equal(languageForDocument('toString', 'file'), undefined, 'an Object.prototype key is not a language');
  });
});

describe('"Train with Constraint" on a file Loss Lab does not read', () => {
  it('tells the user what to open and names the file and its language', () => {
    assert.equal(
      notTrainableMessage('markdown', 'file', 'notes/README.md'),
      'Loss Lab: open a Python, TypeScript or JavaScript file with a loss function to train it (notes/README.md is markdown).',
    );
  });

  it('says a diff or output view is not a source file', () => {
    const message = notTrainableMessage('python', 'git', 'losses.py');
    assert.match(message ?? '', /open a Python, TypeScript or JavaScript file .*losses\.py is not a source file \(git\)/);
  });

  it('has nothing to say for a Python file', () => {
    assert.equal(notTrainableMessage('python', 'file', 'losses.py'), undefined);
  });
});
