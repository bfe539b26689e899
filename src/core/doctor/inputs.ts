import { stat } from 'node:fs/promises';
import { catalog } from '../../diagnoses/catalog.js';
import { isMtlsError, type MtlsError } from '../errors.js';
import { keyLabel } from '../key/describe.js';
import { looksLikePkcs12 } from '../pkcs12/sniff.js';
import { decodeCredential, readInput, resolveSecret } from '../load/index.js';
import type { CredentialInput } from '../load/identity.js';
import type { RawInput } from '../load/read-input.js';
import type { InputFormat, LoadedSource, Secret } from '../load/types.js';
import { check, skipped, type DoctorCheck } from './types.js';

/** Where the credentials come from, as resolved from flags, environment and config. */
export interface CredentialSettings {
  cert?: CredentialInput;
  key?: CredentialInput;
  ca?: CredentialInput;
  certType?: InputFormat;
  /** A --pass SPEC still to be resolved (env:, file:, stdin or a literal). */
  passSpec?: CredentialInput;
  /** A passphrase already known (from MTLS_KEY_PASSPHRASE or the config file). */
  passphrase?: Secret;
}

export interface InputContext {
  cwd: string;
  env: Record<string, string | undefined>;
  readStdin: () => Promise<Buffer>;
}

/** What could be read: each source, or null when absent or unreadable. */
export interface LoadedInputs {
  checks: DoctorCheck[];
  cert: LoadedSource | null;
  /** The source holding the key: the --key file, or the certificate's own file (PEM bundle, PKCS#12). */
  key: LoadedSource | null;
  ca: LoadedSource | null;
  /** Files as the user named them, for findings and annotations. */
  files: { cert?: string; key?: string; ca?: string };
}

type Kind = 'cert' | 'key' | 'ca';
const TITLES: Record<Kind, string> = { cert: 'Certificate file', key: 'Key file', ca: 'CA file' };
const PASSPHRASE_CODES = new Set(['MTLS_KEY_ENCRYPTED_NO_PASSPHRASE', 'MTLS_P12_NO_PASSWORD', 'MTLS_KEY_WRONG_PASSPHRASE', 'MTLS_P12_WRONG_PASSWORD', 'MTLS_PASSPHRASE_SOURCE']);

/** A check that ran into an MtlsError: the error's code, message and first fix. */
export function checkFromError(id: string, title: string, error: MtlsError, file?: string): DoctorCheck {
  return check(id, title, 'fail', error.message, { code: error.code, fix: error.fixes[0] ?? catalog[error.code].fixes[0], ...(file ? { file } : {}) });
}

/**
 * Reads and decodes every credential input, one step at a time, so each problem becomes its own
 * finding: a missing file, a key others can read, an unknown format, a passphrase that does not
 * open the key. Only errors that are not MtlsError (bugs) escape.
 */
export async function loadInputs(settings: CredentialSettings, context: InputContext): Promise<LoadedInputs> {
  const checks: DoctorCheck[] = [];
  const files: LoadedInputs['files'] = {};
  const raws: Partial<Record<Kind, RawInput>> = {};
  for (const kind of ['cert', 'key', 'ca'] as const) {
    const input = settings[kind];
    if (!input) {
      if (kind === 'cert') checks.push(skipped('file.cert', TITLES.cert, 'No certificate given (--cert, MTLS_CERT_PATH or the config file): the local checks of a client identity do not run.'));
      continue;
    }
    // Findings and CI annotations name a file only when it is one: a value that is base64, or
    // that failed to load, may be a key (read-input sets details.path only when it may be quoted).
    try {
      const raw = await readInput(input.value, { cwd: context.cwd, readStdin: context.readStdin, label: input.from, ...(kind === 'key' ? { secret: true } : {}) });
      raws[kind] = raw;
      if (raw.path) files[kind] = input.value;
      checks.push(check(`file.${kind}`, TITLES[kind], 'pass', raw.path ? `${raw.origin} is present and readable.` : `Read from ${input.from} (${raw.origin}).`, raw.path ? { file: input.value } : {}));
    } catch (error) {
      if (!isMtlsError(error)) throw error;
      const file = typeof error.details.path === 'string' ? error.details.path : undefined;
      checks.push(checkFromError(`file.${kind}`, TITLES[kind], error, file));
    }
  }
  // The key lives in the certificate's file when no --key was given (PEM with both, PKCS#12).
  const keyRaw = settings.key ? raws.key : raws.cert;
  if (keyRaw) checks.push(await keyPermissions(keyRaw, settings.key ? files.key : files.cert, (settings.key ?? settings.cert)?.from ?? ''));

  const passphrase = await resolvePassphrase(settings, context);
  const decoded: Partial<Record<Kind, LoadedSource>> = {};
  let passphraseError: MtlsError | null = passphrase.error;
  let formatError: { error: MtlsError; kind: Kind } | null = null;
  for (const kind of ['cert', 'key', 'ca'] as const) {
    const raw = raws[kind];
    if (!raw) continue;
    const format = kind === 'cert' ? settings.certType : undefined;
    const options = { ...(format ? { format } : {}), ...(passphrase.secret ? { passphrase: passphrase.secret } : {}) };
    try {
      // A CA bundle never needs its keys opened; a certificate file may hold the key.
      decoded[kind] = decodeCredential(raw, { ...options, decrypt: kind === 'ca' ? 'optional' : 'required', role: kind });
    } catch (error) {
      if (!isMtlsError(error)) throw error;
      if (PASSPHRASE_CODES.has(error.code)) {
        passphraseError ??= error;
        decoded[kind] = tryDecodeLocked(raw, format);
      } else formatError ??= { error, kind };
    }
  }
  checks.push(formatCheck(decoded, formatError, files));
  const keySource = settings.key ? decoded.key ?? null : decoded.cert ?? null;
  if (settings.cert || settings.key) checks.push(passphraseCheck(keySource, passphraseError, passphrase, settings.key ? files.key : files.cert, raws.cert !== undefined));
  return { checks, cert: decoded.cert ?? null, key: keySource, ca: decoded.ca ?? null, files };
}

/** Group or world access to a key file lets other local users copy it (ssh refuses such keys for the same reason). */
async function keyPermissions(raw: RawInput, file: string | undefined, from: string): Promise<DoctorCheck> {
  const title = 'Key file permissions';
  if (!raw.path && from.startsWith('--') && raw.origin !== 'standard input' && holdsPrivateKey(raw, from.endsWith('-key'))) {
    // The key itself on the command line: every local user can read it with ps.
    return check('key-permissions', title, 'warn', `The private key itself was given on the command line (${from}), where other users can see it (ps, shell history).`, {
      code: 'MTLS_KEY_ON_COMMAND_LINE',
      fix: `Read it from standard input (\`${from} -\`), a 0600 file, or the MTLS_KEY_PATH variable.`,
    });
  }
  if (!raw.path) return skipped('key-permissions', title, `The key is not read from a file (${raw.origin}).`);
  if (process.platform === 'win32') return skipped('key-permissions', title, 'File modes are not meaningful on Windows.');
  const mode = (await stat(raw.path)).mode & 0o777;
  const octal = mode.toString(8).padStart(4, '0');
  if ((mode & 0o077) === 0) return check('key-permissions', title, 'pass', `${raw.origin} is readable by its owner only (mode ${octal}).`, file ? { file } : {});
  const who = mode & 0o007 ? 'every user on this machine' : 'its group';
  return check('key-permissions', title, 'warn', `${raw.origin} holds a private key and is readable by ${who} (mode ${octal}).`, {
    code: 'MTLS_KEY_FILE_PERMISSIONS',
    fix: `\`chmod 600 ${raw.origin}\``,
    ...(file ? { file } : {}),
  });
}

/** PEM with a private-key block, DER given as the key, or a PKCS#12: a key on the command line. */
function holdsPrivateKey(raw: RawInput, isKeyFlag: boolean): boolean {
  if (/PRIVATE KEY-----/.test(raw.bytes.subarray(0, 1 << 16).toString('latin1'))) return true;
  return raw.bytes[0] === 0x30 && (isKeyFlag || looksLikePkcs12(raw.bytes));
}

interface ResolvedPassphrase {
  secret: Secret | undefined;
  literal: boolean;
  error: MtlsError | null;
}

async function resolvePassphrase(settings: CredentialSettings, context: InputContext): Promise<ResolvedPassphrase> {
  if (!settings.passSpec) return { secret: settings.passphrase, literal: false, error: null };
  try {
    const { literal, ...secret } = await resolveSecret(settings.passSpec.value, context);
    return { secret, literal, error: null };
  } catch (error) {
    if (!isMtlsError(error)) throw error;
    return { secret: undefined, literal: false, error };
  }
}

/** Without the passphrase, a PEM file still shows its certificates (the key stays locked). */
function tryDecodeLocked(raw: RawInput, format: InputFormat | undefined): LoadedSource | undefined {
  try {
    return decodeCredential(raw, { ...(format ? { format } : {}), decrypt: 'optional' });
  } catch {
    return undefined;
  }
}

function formatCheck(decoded: Partial<Record<Kind, LoadedSource>>, failure: { error: MtlsError; kind: Kind } | null, files: LoadedInputs['files']): DoctorCheck {
  const title = 'Formats recognised';
  if (failure) return checkFromError('formats', title, failure.error, files[failure.kind]);
  const sources = Object.entries(decoded) as [Kind, LoadedSource][];
  if (sources.length === 0) return skipped('formats', title, 'No input could be read.');
  const wrong = contentProblem(decoded, files);
  if (wrong) return wrong;
  return check('formats', title, 'pass', sources.map(([, s]) => `${s.origin}: ${describeSource(s)}`).join('; ') + '.');
}

/** Each input holds what its role needs: certificates in --cert and --cacert, a key in --key. */
function contentProblem(decoded: Partial<Record<Kind, LoadedSource>>, files: LoadedInputs['files']): DoctorCheck | null {
  const fail = (kind: Kind, summary: string, fix: string) =>
    check('formats', 'Formats recognised', 'fail', summary, { code: 'MTLS_WRONG_CONTENT', fix, ...(files[kind] ? { file: files[kind] } : {}) });
  if (decoded.cert && decoded.cert.certificates.length === 0) {
    return fail('cert', `${decoded.cert.origin} holds no certificate (${describeSource(decoded.cert)}).`, 'Pass the certificate with --cert and the key with --key; `mtls inspect FILE` shows what a file holds.');
  }
  if (decoded.key && decoded.key !== decoded.cert && decoded.key.keys.length + decoded.key.lockedKeys.length === 0) {
    return fail('key', `${decoded.key.origin} holds no private key (${describeSource(decoded.key)}).`, 'Pass the private key with --key; `mtls inspect FILE` shows what a file holds.');
  }
  if (decoded.ca && decoded.ca.certificates.length === 0) {
    return fail('ca', `${decoded.ca.origin} holds no CA certificate (${describeSource(decoded.ca)}).`, 'Pass the CA certificate with --cacert.');
  }
  return null;
}

function describeSource(source: LoadedSource): string {
  const parts: string[] = [];
  if (source.certificates.length > 0) parts.push(`${source.certificates.length} certificate${source.certificates.length === 1 ? '' : 's'}`);
  for (const key of source.keys) parts.push(`${keyLabel(key.facts)} key (${key.encoding})`);
  for (const key of source.lockedKeys) parts.push(`locked ${key.encoding} key`);
  if (source.csrs.length > 0) parts.push('a CSR');
  return `${source.format}, ${parts.join(', ') || 'nothing usable'}`;
}

function passphraseCheck(keySource: LoadedSource | null, error: MtlsError | null, passphrase: ResolvedPassphrase, file: string | undefined, certRead: boolean): DoctorCheck {
  const title = 'Passphrase';
  if (error) return checkFromError('passphrase', title, error, file);
  const key = keySource?.keys[0];
  if (!key) return skipped('passphrase', title, certRead ? 'No private key was read.' : 'No key to open.');
  if (!key.encryption) {
    return check('passphrase', title, 'pass', passphrase.secret ? `The key is stored unencrypted; the passphrase from ${passphrase.secret.origin} is not needed.` : 'The key is stored unencrypted; no passphrase is needed.');
  }
  if (passphrase.literal) {
    return check('passphrase', title, 'warn', `The passphrase opens the key (${key.encryption}), but it was given literally on the command line, where other users can see it.`, {
      code: 'MTLS_PASSPHRASE_ON_COMMAND_LINE',
      fix: 'Use `--pass env:KEY_PASS` or `--pass file:PATH`.',
    });
  }
  return check('passphrase', title, 'pass', `The passphrase from ${passphrase.secret?.origin ?? 'the environment'} opens the key (${key.encryption}).`);
}
