import type { ChalkInstance } from 'chalk';
import type { MatchResult } from '../core/match.js';
import { keyLabel } from '../core/key/describe.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

/** The answer, then both public keys side by side (SPKI SHA-256), then where the key really belongs. */
export function renderMatch(given: MatchResult, style: ChalkInstance): string {
  const result = escapeControlsDeep(given);
  const head = result.matches ? style.green.bold('✔ match') : style.red.bold('✘ no match');
  const lines = [`${head}  ${result.verdict}`, ''];
  lines.push(`  certificate  ${style.bold(result.certificate.name)} ${style.dim(`(${result.certificate.from})`)}`);
  lines.push(`               ${keyLabel(result.certificate.publicKey)}  SPKI SHA-256 ${result.certificate.publicKey.spkiSha256}`);
  lines.push(`  key          ${style.dim(`${result.key.from}, ${result.key.encoding}`)}`);
  lines.push(`               ${keyLabel(result.key.publicKey)}  SPKI SHA-256 ${result.key.publicKey.spkiSha256}`);
  if (!result.matches) {
    lines.push('');
    if (result.keyBelongsTo.length > 0) {
      lines.push(style.yellow(`  The key belongs to:`));
      for (const other of result.keyBelongsTo) lines.push(`    → '${other.name}' ${style.dim(other.from)}`);
    } else {
      lines.push(style.dim(`  Compared with ${result.searched} other certificate(s) on the command line and beside the certificate: none holds this key.`));
    }
    lines.push(style.dim('  Code: MTLS_MATCH_MISMATCH (more: mtls explain MTLS_MATCH_MISMATCH)'));
  }
  return lines.join('\n');
}
