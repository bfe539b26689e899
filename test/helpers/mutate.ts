/**
 * A seeded, deterministic generator of malformed credential inputs for the fuzz suites: the same
 * seed gives the same inputs byte for byte, so a failure reproduces with `FUZZ_SEED=N`.
 */

/** The default seed; set FUZZ_SEED to explore other corners (the suites print the one in use). */
export function fuzzSeed(env: Record<string, string | undefined> = process.env): number {
  const given = env.FUZZ_SEED;
  if (given === undefined || given === '') return 0x6d746c73;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${given}`);
  return seed;
}

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
}

/** mulberry32: small, fast, and good enough to spread mutations over a file. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)] as (typeof items)[number],
    bytes: (n) => {
      const out = Buffer.alloc(n + 3);
      for (let i = 0; i < n; i += 4) out.writeUInt32LE(Math.floor(next() * 4294967296), i);
      return out.subarray(0, n);
    },
  };
}

// ---- byte-level mutations ----

export function flipBit(bytes: Uint8Array, at: number, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ (1 << (bit & 7));
  return copy;
}

export function splice(bytes: Uint8Array, at: number, removeCount: number, insert: Uint8Array = Buffer.alloc(0)): Buffer {
  return Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at + removeCount)]);
}

/** Where a TLV header sits in DER, and how long its length octets are. */
export interface DerHeader {
  offset: number;
  tag: number;
  /** Offset of the first length octet. */
  lengthAt: number;
  lengthOctets: number;
}

/** Every TLV header of well-formed DER, walking into constructed values (depth first). */
export function derHeaders(der: Uint8Array, start = 0, end = der.length, found: DerHeader[] = []): DerHeader[] {
  let at = start;
  while (at + 2 <= end) {
    const tag = der[at] as number;
    const first = der[at + 1] as number;
    const lengthOctets = first < 0x80 ? 1 : 1 + (first & 0x7f);
    let length = first;
    if (first >= 0x80) {
      length = 0;
      for (let i = 1; i < lengthOctets; i++) length = length * 256 + (der[at + 1 + i] as number);
    }
    const contentStart = at + 1 + lengthOctets;
    if (contentStart + length > end) break;
    found.push({ offset: at, tag, lengthAt: at + 1, lengthOctets });
    if (tag & 0x20) derHeaders(der, contentStart, contentStart + length, found);
    at = contentStart + length;
  }
  return found;
}

export function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 0xff);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** Length octets that lie: huge, indefinite, zero, off by one, or longer than needed. */
const LENGTH_LIES = ['huge-4', 'huge-8', 'max-32', 'indefinite', 'zero', 'plus-one', 'minus-one', 'non-minimal'] as const;

function lyingLength(der: Uint8Array, header: DerHeader, lie: (typeof LENGTH_LIES)[number]): Buffer {
  const first = der[header.lengthAt] as number;
  let length = first;
  if (first >= 0x80) {
    length = 0;
    for (let i = 1; i < header.lengthOctets; i++) length = length * 256 + (der[header.lengthAt + i] as number);
  }
  switch (lie) {
    case 'huge-4':
      return Buffer.from([0x84, 0x7f, 0xff, 0xff, 0xff]);
    case 'huge-8':
      return Buffer.from([0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    case 'max-32':
      return Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff]);
    case 'indefinite':
      return Buffer.from([0x80]);
    case 'zero':
      return Buffer.from([0x00]);
    case 'plus-one':
      return derLength(length + 1);
    case 'minus-one':
      return derLength(Math.max(0, length - 1));
    case 'non-minimal':
      return Buffer.from([0x84, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
  }
}

/** SEQUENCE { SEQUENCE { … } } `depth` times, with correct definite lengths. */
export function nestedSequences(depth: number, innermost: Uint8Array = Buffer.alloc(0)): Buffer {
  // Headers from the inside out (each level's length is known only then), written outside in:
  // wrapping level by level would copy the whole value at every level.
  const headers: Buffer[] = [];
  let length = innermost.length;
  for (let i = 0; i < depth; i++) {
    const header = Buffer.concat([Buffer.from([0x30]), derLength(length)]);
    headers.push(header);
    length += header.length;
  }
  return Buffer.concat([...headers.reverse(), innermost]);
}

// ---- PEM-level mutations ----

export function toPem(label: string, der: Uint8Array, eol = '\n'): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----${eol}${lines.join(eol)}${eol}-----END ${label}-----${eol}`;
}

interface PemSpan {
  label: string;
  /** Offsets of the body (between the BEGIN line and the END line). */
  bodyStart: number;
  bodyEnd: number;
}

function pemSpans(text: string): PemSpan[] {
  const spans: PemSpan[] = [];
  for (const match of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    const bodyStart = (match.index ?? 0) + match[0].indexOf('\n') + 1;
    spans.push({ label: match[1] ?? '', bodyStart, bodyEnd: bodyStart + (match[2] ?? '').length });
  }
  return spans;
}

/** The DER inside a block, past any RFC 1421 headers (Proc-Type, DEK-Info). */
function bodyDer(text: string, span: PemSpan): Buffer {
  const lines = text.slice(span.bodyStart, span.bodyEnd).split(/\r?\n/).filter((line) => !line.includes(':'));
  return Buffer.from(lines.join(''), 'base64');
}

/** The base64 on one line; RFC 1421 headers (and the blank line after them) stay as they are. */
function oneLineBody(body: string): string {
  const lines = body.split('\n');
  const headerEnd = lines.some((line) => line.includes(':')) ? lines.findIndex((line) => line.trim() === '') + 1 : 0;
  return [...lines.slice(0, headerEnd), lines.slice(headerEnd).join('')].join('\n') + '\n';
}

const WRONG_LABELS = ['FOO', 'CERTIFICATE', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'CERTIFICATE REQUEST', 'PKCS7', 'X509 CRL', 'PUBLIC KEY', 'OPENSSH PRIVATE KEY', 'TRUSTED CERTIFICATE'];

// ---- the corpus ----

export interface FuzzInput {
  /** Unique, names the source and the mutation (with its position), for replaying one case. */
  name: string;
  data: Buffer;
  /** Which fixture it was made from (null for inputs made from nothing). */
  source: string | null;
  /** The source needs the fixtures' passphrase to open (PKCS#12, encrypted keys). */
  needsPassphrase: boolean;
  /** A deliberately harmless variation (CRLF, spacing): it must still be read, with exit 0. */
  mustParse?: boolean;
}

export interface FuzzSources {
  /** Binary sources: DER certificates, keys, PKCS#12. */
  der: Record<string, { data: Buffer; needsPassphrase?: boolean }>;
  /** PEM sources: certificates, chains, keys, CSRs. */
  pem: Record<string, { data: string; needsPassphrase?: boolean }>;
}

/**
 * Builds the corpus: per binary source, bit flips, truncations, inserted and removed bytes, lying
 * length fields and changed tags; per PEM source, changed characters, truncations, wrong or
 * mismatched labels, broken base64, nested BEGIN lines, huge headers, damaged DER inside a good
 * PEM, plus harmless CRLF/spacing variants; then structural oddities (deep nesting, empty, huge).
 */
export function malformedInputs(seed: number, sources: FuzzSources): FuzzInput[] {
  const random = seededRandom(seed);
  const inputs: FuzzInput[] = [];
  const add = (name: string, data: string | Buffer, source: string | null, needsPassphrase = false, mustParse = false) =>
    inputs.push({ name, data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), source, needsPassphrase, ...(mustParse ? { mustParse } : {}) });

  for (const [name, { data, needsPassphrase = false }] of Object.entries(sources.der)) {
    const put = (what: string, bytes: Buffer) => add(`${name}/${what}`, bytes, name, needsPassphrase);
    for (let i = 0; i < 12; i++) {
      const at = random.int(data.length);
      const bit = random.int(8);
      put(`bit-flip@${at}.${bit}`, flipBit(data, at, bit));
    }
    for (let i = 0; i < 3; i++) {
      const a = random.int(data.length);
      const b = random.int(data.length);
      put(`double-bit-flip@${a},${b}`, flipBit(flipBit(data, a, random.int(8)), b, random.int(8)));
    }
    for (const cut of [1, 2, 3, 0.25, 0.5, 0.75, -1].map((c) => (c < 1 && c > 0 ? Math.floor(data.length * c) : c < 0 ? data.length + c : c))) {
      put(`truncated-to-${cut}`, data.subarray(0, cut));
    }
    for (let i = 0; i < 3; i++) {
      const at = random.int(data.length);
      const count = 1 + random.int(16);
      put(`inserted-${count}@${at}`, splice(data, at, 0, random.bytes(count)));
    }
    for (let i = 0; i < 3; i++) {
      const at = random.int(data.length);
      const count = 1 + random.int(16);
      put(`removed-${count}@${at}`, splice(data, at, count));
    }
    put('trailing-garbage', Buffer.concat([data, random.bytes(37)]));
    const headers = derHeaders(data);
    for (let i = 0; i < 8; i++) {
      const header = random.pick(headers);
      const lie = random.pick(LENGTH_LIES);
      put(`length-${lie}@${header.offset}`, splice(data, header.lengthAt, header.lengthOctets, lyingLength(data, header, lie)));
    }
    for (let i = 0; i < 3; i++) {
      const header = random.pick(headers);
      const tag = random.pick([0x00, 0x02, 0x04, 0x05, 0x06, 0x1f, 0x30, 0x31, 0xa0, 0xff]);
      put(`tag-${tag.toString(16)}@${header.offset}`, splice(data, header.offset, 1, Buffer.from([tag])));
    }
    // The same damage seen through the other encodings: PEM with the right label, and base64 text.
    const flipped = flipBit(data, random.int(data.length), random.int(8));
    put('bit-flip-as-base64-text', Buffer.from(flipped.toString('base64')));
    put('truncated-as-base64-text', Buffer.from(data.subarray(0, Math.floor(data.length * 0.6)).toString('base64')));
  }

  for (const [index, [name, { data, needsPassphrase = false }]] of Object.entries(sources.pem).entries()) {
    const put = (what: string, text: string | Buffer, mustParse = false) => add(`${name}/${what}`, text, name, needsPassphrase, mustParse);
    const spans = pemSpans(data);
    const span = spans[0];
    if (!span) throw new Error(`${name} holds no PEM block`);
    for (let i = 0; i < 5; i++) {
      const target = random.pick(spans);
      const at = target.bodyStart + random.int(target.bodyEnd - target.bodyStart);
      const replacement = random.pick(['A', '/', '+', '=', '!', '-', ' ', '\n', 'é', '\0']);
      put(`char-${JSON.stringify(replacement)}@${at}`, data.slice(0, at) + replacement + data.slice(at + 1));
    }
    for (const fraction of [0.02, 0.3, 0.6, 0.95]) {
      const cut = Math.floor(data.length * fraction);
      put(`truncated-to-${cut}`, data.slice(0, cut));
    }
    put('end-line-missing', data.slice(0, data.lastIndexOf('-----END')));
    put('begin-line-missing', data.slice(data.indexOf('\n') + 1));
    for (let i = 0; i < 2; i++) {
      const label = random.pick(WRONG_LABELS.filter((l) => l !== span.label));
      put(`relabelled-${label}`, data.replaceAll(`-----${'BEGIN'} ${span.label}-----`, `-----BEGIN ${label}-----`).replaceAll(`-----END ${span.label}-----`, `-----END ${label}-----`));
    }
    put('end-label-mismatch', data.replace(`-----END ${span.label}-----`, `-----END ${span.label === 'FOO' ? 'BAR' : 'FOO'}-----`));
    put('label-lowercase', data.replace(/-----(BEGIN|END) ([A-Z0-9 ]+)-----/g, (_, edge: string, label: string) => `-----${edge} ${label.toLowerCase()}-----`));
    put('base64-broken', data.slice(0, span.bodyStart + 10) + '*!' + data.slice(span.bodyStart + 12));
    put('base64-padding-extra', data.slice(0, span.bodyEnd - 1) + '===\n' + data.slice(span.bodyEnd));
    const middle = span.bodyStart + 65 * (1 + random.int(3));
    put('nested-begin', data.slice(0, middle) + `-----BEGIN ${span.label}-----\n` + data.slice(middle));
    put('nested-begin-end-pair', data.slice(0, middle) + `-----BEGIN ${span.label}-----\nAAAA\n-----END ${span.label}-----\n` + data.slice(middle));
    put('begin-twice', `-----BEGIN ${span.label}-----\n` + data);
    if (index % 3 === 0) {
      // Huge variants for a few sources only: they cost time and memory in every suite.
      put('huge-header-1MB', data.slice(0, span.bodyStart) + `Comment: ${'x'.repeat(1 << 20)}\n\n` + data.slice(span.bodyStart));
      put('many-headers', data.slice(0, span.bodyStart) + 'X-Header: y\n'.repeat(20_000) + '\n' + data.slice(span.bodyStart));
      put('huge-body-line-2MB', data.slice(0, span.bodyStart) + 'QUFB'.repeat(1 << 19) + '\n' + data.slice(span.bodyStart));
    }
    // The DER inside is damaged but the PEM wrapping is perfect: the ASN.1 reader must cope.
    const der = bodyDer(data, span);
    for (let i = 0; i < 3; i++) {
      const at = random.int(der.length);
      put(`der-inside-bit-flip@${at}`, data.slice(0, span.bodyStart - (`-----BEGIN ${span.label}-----\n`).length) + toPem(span.label, flipBit(der, at, random.int(8))) + data.slice(span.bodyEnd + `-----END ${span.label}-----\n`.length));
    }
    const header = random.pick(derHeaders(der)) ?? { offset: 0, lengthAt: 1, lengthOctets: 1 };
    put(`der-inside-length-huge@${header.offset}`, toPem(span.label, splice(der, header.lengthAt, header.lengthOctets, Buffer.from([0x84, 0x7f, 0xff, 0xff, 0xff]))));
    put('der-inside-truncated', toPem(span.label, der.subarray(0, Math.floor(der.length / 2))));
    // Harmless variations that every PEM reader accepts.
    put('crlf', data.replace(/\n/g, '\r\n'), true);
    put('one-line-body', data.slice(0, span.bodyStart) + oneLineBody(data.slice(span.bodyStart, span.bodyEnd)) + data.slice(span.bodyEnd), true);
    put('text-around', `subject=whatever\nissuer=someone\n${data}\n# trailing comment\n`, true);
  }

  // A bundle where one member is bad and the others are fine.
  for (const [name, { data, needsPassphrase = false }] of Object.entries(sources.pem)) {
    const spans = pemSpans(data);
    if (spans.length < 2) continue;
    for (const [index, member] of spans.entries()) {
      const der = bodyDer(data, member);
      const beginLength = `-----BEGIN ${member.label}-----\n`.length;
      const endLength = `-----END ${member.label}-----\n`.length;
      const replaceMember = (pem: string) => data.slice(0, member.bodyStart - beginLength) + pem + data.slice(member.bodyEnd + endLength);
      add(`${name}/member-${index + 1}-truncated`, replaceMember(toPem(member.label, der.subarray(0, der.length - 20))), name, needsPassphrase);
      add(`${name}/member-${index + 1}-garbage`, replaceMember(toPem(member.label, random.bytes(200))), name, needsPassphrase);
      add(`${name}/member-${index + 1}-empty`, replaceMember(`-----BEGIN ${member.label}-----\n-----END ${member.label}-----\n`), name, needsPassphrase);
      const at = random.int(der.length);
      add(`${name}/member-${index + 1}-bit-flip@${at}`, replaceMember(toPem(member.label, flipBit(der, at, random.int(8)))), name, needsPassphrase);
    }
  }

  // Structure without content, and content without structure.
  for (const depth of [2, 64, 1000, 10_000, 100_000]) add(`nested-sequences-${depth}`, nestedSequences(depth), null);
  add('nested-sequences-10000-as-certificate-pem', toPem('CERTIFICATE', nestedSequences(10_000)), null);
  add('nested-sequences-10000-as-private-key-pem', toPem('PRIVATE KEY', nestedSequences(10_000)), null);
  add('nested-indefinite-1000', Buffer.concat([Buffer.alloc(2000, 0).fill(Buffer.from([0x30, 0x80])), Buffer.alloc(2000, 0)]), null);
  add('nested-sets-and-contexts', Buffer.from([0x30, 0x0a, 0x31, 0x08, 0xa0, 0x06, 0xa3, 0x04, 0x30, 0x02, 0x05, 0x00]), null);
  add('empty', Buffer.alloc(0), null);
  add('one-zero-byte', Buffer.from([0]), null);
  add('sequence-header-only', Buffer.from([0x30]), null);
  add('empty-sequence', Buffer.from([0x30, 0x00]), null);
  add('whitespace', ' \r\n\t \n', null);
  add('bom-then-pem', '\ufeff' + (Object.values(sources.pem)[0]?.data ?? ''), null);
  add('begin-line-alone', '-----BEGIN CERTIFICATE-----', null);
  add('end-line-alone', '-----END CERTIFICATE-----\n', null);
  add('blocks-10000-tiny', '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n'.repeat(10_000), null);
  add('begin-lines-100000', '-----BEGIN CERTIFICATE-----\n'.repeat(100_000), null);
  for (let i = 0; i < 20; i++) {
    const size = 1 + random.int(4096);
    add(`random-der-like-${size}`, Buffer.concat([Buffer.from([0x30, 0x82, size >> 8, size & 0xff]), random.bytes(size)]), null);
  }
  for (let i = 0; i < 10; i++) add(`random-${i}`, random.bytes(1 + random.int(512)), null);
  // A handful of huge inputs: each must be refused or read within the time bound.
  add('huge-random-3MB', random.bytes(3 << 20), null);
  add('huge-random-der-header-4MB', Buffer.concat([Buffer.from([0x30, 0x84, 0x00, 0x40, 0x00, 0x00]), random.bytes(4 << 20)]), null);
  add('huge-base64-text-3MB', random.bytes(9 << 18).toString('base64'), null);
  add('huge-pem-body-4MB', `-----BEGIN CERTIFICATE-----\n${random.bytes(3 << 20).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`, null);
  return inputs;
}
