// Each rule's diagnostic links to docs/rules/<code>.md: the page must exist, be about that rule, and show both
// an example that fires and one that does not.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rules } from '../../../src/analysis/rules/index';

const root = join(__dirname, '..', '..', '..');

describe('rule documentation pages', () => {
  it('has codes LL101… in order, without gaps', () => {
    assert.deepEqual(
      rules.map((r) => r.code),
      rules.map((_, i) => `LL${101 + i}`),
    );
  });

  for (const r of rules) {
    it(`${r.code}: ${r.doc}`, () => {
      const path = join(root, r.doc);
      assert.ok(existsSync(path), `${r.doc} is missing`);
      const page = readFileSync(path, 'utf8');
      assert.equal(page.split('\n')[0], `# ${r.code}: ${r.title}`);
      assert.match(page, new RegExp(`\\*\\*Default severity:\\*\\* ${r.severity}`));
      for (const section of ['## What it flags', '## Why it matters', '## Fires', '## Silent', '## Fix']) assert.ok(page.includes(section), `${r.code}: ${section}`);
      const index = readFileSync(join(root, 'docs/rules/README.md'), 'utf8');
      assert.ok(index.includes(`[${r.code}](${r.code}.md)`), `${r.code} missing from docs/rules/README.md`);
    });
  }
});
