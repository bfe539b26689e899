import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { catalog } from '../../src/diagnoses/catalog.js';
import { catalogMarkdown } from '../../src/diagnoses/markdown.js';

test('docs/diagnoses.md is in step with the catalog (run `npm run docs` after changing it)', () => {
  const onDisk = readFileSync(new URL('../../docs/diagnoses.md', import.meta.url), 'utf8');
  assert.equal(onDisk, catalogMarkdown(catalog));
});

test('every catalog entry is complete: code shape, title, meaning, causes, fixes, exit 1 or 2', () => {
  for (const [code, entry] of Object.entries(catalog)) {
    assert.match(code, /^MTLS_[A-Z0-9_]+$/, code);
    assert.ok(entry.title.length > 0 && !entry.title.endsWith('.'), `${code}: title`);
    assert.ok(entry.meaning.length > 10, `${code}: meaning`);
    assert.ok(entry.causes.length > 0, `${code}: causes`);
    assert.ok(entry.fixes.length > 0, `${code}: fixes`);
    assert.ok(entry.exit === 1 || entry.exit === 2, `${code}: exit`);
  }
});
