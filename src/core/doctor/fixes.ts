import { dirname } from 'node:path';

/** The user's own files, as typed (for fixes that run as printed); null when not from a file. */
export interface UserFiles {
  cert: string | null;
  key: string | null;
  ca: string | null;
}

/**
 * Fix texts with the user's own file names, so each runs as printed. A value that did not come
 * from a file (inline PEM, standard input) gets the usual placeholder.
 */
export function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

export function certFile(files: UserFiles): string {
  return shellWord(files.cert ?? 'client.crt');
}

export function keyFile(files: UserFiles): string {
  return shellWord(files.key ?? files.cert ?? 'client.key');
}

/** Labels the loaders give inputs that are not files (src/core/load/read-input.ts). */
const NOT_A_FILE = /^(standard input|inline PEM|base64 value|TLS endpoint)/;

export function fileOf(origin: string | undefined | null): string | null {
  return origin && !NOT_A_FILE.test(origin) ? origin : null;
}

/** `mtls renew` takes the CA folder with --dir; it defaults to the certificate's own folder. */
export function renewFix(files: UserFiles): string {
  const cert = files.cert ?? 'client.crt';
  const caDir = files.ca ? dirname(files.ca) : null;
  const dir = caDir && caDir !== dirname(cert) ? ` --dir ${shellWord(caDir)}` : '';
  return `Renew it: \`mtls renew ${shellWord(cert)}${dir}\` for a certificate from an mtls CA (else ask the CA that issued it for a new one).`;
}


/** Case 8: the start date and how far ahead it is decide whether clocks can explain it. */
export function notYetValidFixes(notBefore: string, name: string, now: Date): string[] {
  const ahead = Date.parse(notBefore) - now.getTime();
  const days = ahead / 86_400_000;
  const span = days >= 730 ? `${Math.floor(days / 365)} years` : days >= 2 ? `${Math.round(days)} days` : `${Math.max(1, Math.round(ahead / 60_000))} minutes`;
  const reissue = `Re-issue it with a correct start date: "${name}" starts on ${notBefore}, ${span} from now.`;
  // A clock can be minutes or hours off; not years.
  return days < 2 ? ['Check the clocks: `date -u` here and on the server (a certificate used right after it was issued meets a clock that is behind).', reissue] : [reissue];
}

export function notYetValidText(notBefore: string, name: string, now: Date): string {
  return notYetValidFixes(notBefore, name, now).join(' ');
}
