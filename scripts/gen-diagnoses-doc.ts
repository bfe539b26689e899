// Writes docs/diagnoses.md from the catalog. Run: npm run docs
import { writeFileSync } from 'node:fs';
import { catalog } from '../src/diagnoses/catalog.js';
import { catalogMarkdown } from '../src/diagnoses/markdown.js';

writeFileSync(new URL('../docs/diagnoses.md', import.meta.url), catalogMarkdown(catalog));
console.log(`docs/diagnoses.md: ${Object.keys(catalog).length} codes`);
