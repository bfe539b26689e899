import { MtlsError } from '../errors.js';

export interface PemBlock {
  label: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info) of traditional encrypted keys. */
  headers: Record<string, string>;
  der: Buffer;
  /** The block's text, exactly as found, for Node APIs that want PEM. */
  text: string;
}

const BEGIN = /-----BEGIN ([A-Z0-9 #]+)-----/g;

/** True when the text holds at least one PEM BEGIN line. */
export function containsPem(text: string): boolean {
  return /-----BEGIN [A-Z0-9 #]+-----/.test(text);
}

/**
 * Splits text into PEM blocks. Text between blocks (openssl's "subject=" lines, comments) is
 * ignored, as openssl does. A BEGIN without its END, or a body that is not base64, is an error.
 */
export function parsePem(text: string, origin: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = BEGIN.exec(text)) !== null) {
    const label = match[1] ?? '';
    const endLine = `-----END ${label}-----`;
    const endAt = text.indexOf(endLine, BEGIN.lastIndex);
    const nextBegin = text.indexOf('-----BEGIN ', BEGIN.lastIndex);
    if (endAt < 0 || (nextBegin >= 0 && nextBegin < endAt)) {
      throw new MtlsError('MTLS_PEM_TRUNCATED', `${origin}: the "${label}" block has no "${endLine}" line.`, {
        details: { origin, label },
      });
    }
    const body = text.slice(BEGIN.lastIndex, endAt);
    const { headers, base64 } = splitHeaders(body);
    const compact = base64.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw new MtlsError('MTLS_PEM_CORRUPT', `${origin}: the "${label}" block is not valid base64.`, { details: { origin, label } });
    }
    const der = Buffer.from(compact, 'base64');
    if (der.length === 0) {
      throw new MtlsError('MTLS_PEM_CORRUPT', `${origin}: the "${label}" block is empty.`, { details: { origin, label } });
    }
    blocks.push({ label, headers, der, text: text.slice(match.index, endAt + endLine.length) });
    BEGIN.lastIndex = endAt + endLine.length;
  }
  return blocks;
}

function splitHeaders(body: string): { headers: Record<string, string>; base64: string } {
  const headers: Record<string, string> = {};
  const lines = body.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  while (i < lines.length && /^[A-Za-z-]+:/.test(lines[i] ?? '')) {
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
    i++;
  }
  return { headers, base64: lines.slice(i).join('\n') };
}

export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
