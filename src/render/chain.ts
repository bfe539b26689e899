import type { ChalkInstance } from 'chalk';
import type { ChainLink, ChainVerification } from '../core/chain/types.js';
import type { BuiltLink, ChainBuild } from '../core/chain/build.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

/** The verdict first, then the path drawn leaf → root with the failing links marked. */
export function renderChainVerification(given: ChainVerification, style: ChalkInstance): string {
  const result = escapeControlsDeep(given);
  const lines: string[] = [];
  lines.push(result.valid ? `${style.green.bold('✔ valid')}  ${result.verdict}` : `${style.red.bold('✘ invalid')}  ${result.verdict}`);
  lines.push('');
  const faults = new Map<number, string[]>();
  for (const p of result.problems) faults.set(p.position, [...(faults.get(p.position) ?? []), p.rule]);
  lines.push(...drawPath(result.path, style, faults));
  if (!result.anchored && result.problems.some((p) => p.rule === 'issuer-missing')) lines.push(`  ${' '.repeat(result.path.length * 2)}${style.red('└─ ? missing issuer')}`);
  if (result.problems.length > 1) {
    lines.push('', style.dim('Also:'));
    for (const p of result.problems.slice(1)) lines.push(`  ${style.yellow('•')} ${p.summary} ${style.dim(`[${p.code}]`)}`);
  }
  if (result.warnings.length > 0) {
    lines.push('', style.dim('Warnings (the chain is judged without them; --strict makes the pedantic ones errors):'));
    for (const w of result.warnings) lines.push(`  ${style.yellow('!')} ${w.summary} ${style.dim(`[${w.code}]`)}`);
  }
  if (result.unused.length > 0) lines.push('', style.dim(`Not on the path: ${result.unused.map((u) => `'${u.name}'`).join(', ')}`));
  const checked = ['signatures, validity, CA constraints, name constraints, crypto policy, RFC 5280 profile, critical extensions', `purpose ${result.purpose}`, result.host ? `host ${result.host}` : result.email ? `email ${result.email}` : 'no host check (--host)', result.search.paths > 1 ? `${result.search.paths} candidate paths` : 'one candidate path', `at ${result.at}`, `trusting ${result.trust.origin} (${result.trust.count})`];
  lines.push('', style.dim(`Checked: ${checked.join('; ')}.`));
  if (!result.valid && result.problems[0]) lines.push(style.dim(`Code: ${result.problems[0].code} (more: mtls explain ${result.problems[0].code})`));
  return lines.join('\n');
}

export function drawPath(given: (ChainLink | BuiltLink)[], style: ChalkInstance, faults = new Map<number, string[]>()): string[] {
  return escapeControlsDeep(given).map((link, i) => {
    const indent = i === 0 ? '' : `${'  '.repeat(i - 1)}└─ `;
    const rules = faults.get(i);
    const mark = rules ? style.red(` ✘ ${rules.join(', ')}`) : '';
    const meta = style.dim(` ${link.role}, until ${link.notAfter.slice(0, 10)}, from ${link.from}`);
    return `  ${indent}${style.bold(link.name)}${meta}${mark}`;
  });
}

/** `chain build`: the chain drawn and what was missing, extra or duplicated (for stderr). */
export function renderChainBuild(given: ChainBuild, style: ChalkInstance): string {
  const result = escapeControlsDeep(given);
  const verdict = result.complete ? style.green.bold('✔ complete') : result.missing ? style.red.bold('✘ incomplete') : style.red.bold('✘ invalid');
  const lines = [`${verdict}  ${result.summary}`, ''];
  const faults = new Map<number, string[]>();
  for (const d of result.defects) faults.set(d.position, [...(faults.get(d.position) ?? []), d.rule]);
  lines.push(...drawPath(result.path, style, faults));
  if (result.missing) lines.push(`  ${'  '.repeat(Math.max(0, result.path.length - 1))}└─ ${style.red(`? '${result.missing.issuer}' (not found${result.missing.fetchUrls.length > 0 ? `; AIA: ${result.missing.fetchUrls.join(', ')}` : ''})`)}`);
  if (result.rootOmitted) lines.push(style.dim(`  (root '${result.rootOmitted}' left out: peers have it already; --include-root adds it)`));
  if (result.anchorInSystemStore) lines.push(style.dim(`  (its root '${result.anchorInSystemStore}' is in the system trust store)`));
  for (const extra of result.extras) lines.push(style.yellow(`  extra: '${extra.name}' from ${extra.from} is not part of this chain`));
  for (const dup of result.duplicates) lines.push(style.yellow(`  duplicate: '${dup.name}' appears ${dup.count} times`));
  const also = result.missing ? result.defects : result.defects.slice(1);
  if (also.length > 0) {
    lines.push('', style.dim(result.search.paths > 1 ? `Also (the closest of ${result.search.paths} candidate paths):` : 'Also:'));
    for (const d of also) lines.push(`  ${style.yellow('•')} ${d.summary} ${style.dim(`[${d.code}]`)}`);
  }
  for (const w of result.warnings) lines.push(style.dim(`  ! ${w.summary} [${w.code}]`));
  for (const fetched of result.fetched) lines.push(style.dim(`  fetched: ${fetched.url} → ${fetched.ok ? `'${fetched.name}'` : fetched.error}`));
  return lines.join('\n');
}
