import type { Catalog } from './types.js';

/** docs/diagnoses.md, generated from the catalog (`npm run docs`); a test keeps the two equal. */
export function catalogMarkdown(catalog: Catalog): string {
  const codes = Object.keys(catalog).sort() as (keyof Catalog)[];
  const lines = [
    '# Diagnoses',
    '',
    '<!-- Generated from src/diagnoses/catalog/*.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every failure mtls reports has a stable code. Exit code 1 means the thing checked is wrong;',
    '2 means an input or flag is invalid. With `--json`, the code is in `error.code` (or in each',
    "finding's `code`). `mtls explain CODE` prints one entry, with how curl, openssl and Node show",
    'the same failure (case does not matter, `MTLS_` may be left out).',
    '',
    '| code | title | exit |',
    '|---|---|---|',
    ...codes.map((code) => `| [${code}](#${code.toLowerCase()}) | ${catalog[code]?.title} | ${catalog[code]?.exit} |`),
    '',
  ];
  for (const code of codes) {
    const entry = catalog[code];
    if (!entry) continue;
    lines.push(`## ${code}`, '', `**${entry.title}** (exit ${entry.exit})`, '', entry.meaning, '');
    lines.push('Likely causes, most likely first:', '', ...entry.causes.map((c, i) => `${i + 1}. ${c}`), '');
    lines.push('What to do:', '', ...entry.fixes.map((f) => `- ${f}`), '');
    if (entry.docs) lines.push(`More: [troubleshooting](troubleshooting.md#${entry.docs})`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
