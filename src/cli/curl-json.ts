import { usage } from './url.js';

/**
 * `--json` means two things: mtls's machine-readable output (DESIGN.md, every command) and, in
 * curl 7.82+, "send this JSON body". On `mtls request` the value decides, before commander sees
 * the line: `--json=VALUE`, or `--json` followed by a JSON text (`{…}`, `[…]`, `"…"`, a number,
 * true/false/null) or by curl's `@FILE` / `@-`, is curl's body (rewritten to `--data-json`);
 * `--json` followed by an option, the URL or nothing is the output flag. Anything else after
 * `--json` is ambiguous and refused with both spellings. Lines of other commands pass unchanged.
 */
export function rewriteCurlJson(argv: string[]): string[] {
  const command = argv.find((arg) => arg !== '--no-color');
  if (command !== 'request') return argv;
  const out: string[] = [];
  let positional = 0;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--json=')) {
      out.push('--data-json', arg.slice('--json='.length));
      continue;
    }
    if (arg === '--json') {
      const next = argv[i + 1];
      if (next !== undefined && isCurlJsonBody(next)) {
        out.push('--data-json', next);
        i += 1;
        continue;
      }
      // The URL is the only argument of request (positional counts `request` itself).
      if (next !== undefined && !next.startsWith('-') && positional >= 2) {
        throw usage(
          '--json is followed by a value that is neither JSON nor @FILE, and the URL is already given: is it the body (curl --json) or the output flag (mtls --json)?',
          "For a body, give JSON or @FILE (`--json '{\"name\":\"a\"}'`, `--json @body.json`) or use `--data-json BODY`; for JSON output, put `--json` last.",
        );
      }
    }
    out.push(arg);
    if (!arg.startsWith('-')) positional += 1;
    else if (TAKES_VALUE.has(arg) && i + 1 < argv.length) {
      out.push(argv[i + 1] as string);
      i += 1;
    }
  }
  return out;
}

/** Options of `request` (and the global ones) that take a value, so their value is not taken for the URL. */
const TAKES_VALUE = new Set([
  '-X', '--request', '-H', '--header', '-d', '--data', '--data-json', '-o', '--output', '--servername', '--resolve',
  '--connect-timeout', '--max-time', '-x', '--proxy', '--noproxy', '--proxy-cacert', '--cert', '--key', '--cacert', '--ca',
  '--cert-type', '--pass', '--env-prefix', '--config', '-w', '--write-out',
]);

export function isCurlJsonBody(value: string): boolean {
  if (value.startsWith('@')) return value.length > 1;
  const text = value.trim();
  if (/^[[{"]/.test(text)) return true;
  return /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(text);
}
