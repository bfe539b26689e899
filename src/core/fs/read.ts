import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { MtlsError } from '../errors.js';

/**
 * Every file mtls reads goes through here: the file type and size are checked on the open file
 * (no race between a check and the read) before a byte is read, and no more than `limit` bytes
 * are ever read, so a FIFO, a device (/dev/zero), a growing log or a 200 MB image costs neither
 * a hang nor memory.
 */
/** Far above any real certificate bundle or PKCS#12 (a full public trust store is ~250 KB). */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/**
 * A file met in a folder scan larger than this is listed as skipped and never read: 30 times the
 * whole public trust store, and a scan reads many files, so its memory is bounded by this.
 */
export const MAX_SCANNED_FILE_BYTES = 8 * 1024 * 1024;

/** A request body from `-d @FILE` is read whole before sending, as curl does: this bounds its memory. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024;

export interface BoundedReadOptions {
  /** Most bytes accepted; a larger file is refused without being read. */
  limit: number;
  /** The path as the user gave it, for messages (defaults to the path). */
  label?: string;
  /**
   * Read a pipe too (capped like a file), for secrets: `--pass file:<(vault read …)` hands over a
   * pipe. Opening a named pipe waits for its writer, as `cat` does.
   */
  allowPipe?: boolean;
}

/**
 * O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting forever (it
 * changes nothing for regular files). O_NOCTTY: opening a terminal never makes it ours.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** What a non-regular file is, in words. */
export function fileTypeName(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** Refuses anything but a regular file of at most `limit` bytes, from its (f)stat. */
export function assertReadableFile(info: Stats, path: string, options: BoundedReadOptions): void {
  const label = options.label ?? path;
  if (info.isDirectory()) {
    throw new MtlsError('MTLS_INPUT_IS_DIRECTORY', `${label} is a folder, not a file.`, { details: { path: label } });
  }
  if (!info.isFile()) {
    const type = fileTypeName(info);
    // A pipe's writer can feed standard input instead; a device holds no credential.
    const piped = info.isFIFO() || info.isSocket();
    throw new MtlsError('MTLS_FILE_UNREADABLE', `${label} is ${type}, not a file; it was not read.`, {
      details: { path: label, type },
      causes: [{ cause: 'The path is a socket, FIFO or device', likelihood: 'high', evidence: `it is ${type}` }],
      fixes: [piped ? `Pass what it carries on standard input as \`-\` (up to ${megabytes(options.limit)}), e.g. \`cat ${label} | mtls inspect -\`.` : 'Give the path of the certificate, key or bundle file itself.'],
    });
  }
  if (info.size > options.limit) throw tooLarge(label, info.size, options.limit);
}

export function tooLarge(label: string, size: number | null, limit: number): MtlsError {
  const what = size === null ? `more than ${megabytes(limit)}` : `${megabytes(size)}`;
  return new MtlsError('MTLS_INPUT_TOO_LARGE', `${label} is ${what}, over the ${megabytes(limit)} limit; it was not read.`, {
    details: { path: label, limit, ...(size === null ? {} : { bytes: size }) },
  });
}

export function megabytes(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1).replace(/\.0$/, '')} MiB` : `${bytes} bytes`;
}

function unreadable(label: string, error: unknown): MtlsError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ENOENT') return new MtlsError('MTLS_FILE_NOT_FOUND', `${label}: no such file.`, { details: { path: label } });
  if (code === 'EISDIR') return new MtlsError('MTLS_INPUT_IS_DIRECTORY', `${label} is a folder, not a file.`, { details: { path: label } });
  return new MtlsError('MTLS_FILE_UNREADABLE', `${label}: cannot be read (${code}).`, { cause: error, details: { path: label, reason: code } });
}

/** Reads a regular file of at most `limit` bytes; anything else is an MtlsError (exit 2). */
export async function readFileBounded(path: string, options: BoundedReadOptions): Promise<Buffer> {
  const label = options.label ?? path;
  const pipe = options.allowPipe === true && (await stat(path).then((info) => info.isFIFO(), () => false));
  let handle;
  try {
    handle = await open(path, pipe ? constants.O_RDONLY : OPEN_FLAGS);
  } catch (error) {
    throw unreadable(label, error);
  }
  try {
    let info: Stats;
    try {
      info = await handle.stat();
    } catch (error) {
      throw unreadable(label, error);
    }
    if (!(pipe && info.isFIFO())) assertReadableFile(info, path, options);
    // The size may be stale (a growing file) or 0 (/proc): read to the end, never past the limit.
    let buffer: Buffer = Buffer.allocUnsafe(Math.min(options.limit + 1, Math.max(info.size + 1, 4096)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) buffer = grow(buffer, options.limit + 1);
      let count: number;
      try {
        ({ bytesRead: count } = await handle.read(buffer, length, buffer.length - length, null));
      } catch (error) {
        throw unreadable(label, error);
      }
      if (count === 0) return buffer.subarray(0, length);
      length += count;
      if (length > options.limit) throw tooLarge(label, null, options.limit);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function grow(buffer: Buffer, most: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.min(most, buffer.length * 2));
  buffer.copy(bigger);
  return bigger;
}

/**
 * The synchronous reader of a bulk scan (expiry), with one buffer reused from file to file: a
 * scan of many small files makes no garbage per read, and a trip through the thread pool per
 * file costs more than the read itself.
 */
export class BoundedFileReader {
  private buffer: Buffer = Buffer.allocUnsafe(64 * 1024);

  /** The file's bytes, valid until the next read; an MtlsError for anything that is not a small regular file. */
  read(path: string, options: BoundedReadOptions): Buffer {
    const label = options.label ?? path;
    let fd: number;
    try {
      fd = openSync(path, OPEN_FLAGS);
    } catch (error) {
      throw unreadable(label, error);
    }
    try {
      let info: Stats;
      try {
        info = fstatSync(fd);
      } catch (error) {
        throw unreadable(label, error);
      }
      assertReadableFile(info, path, options);
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) this.buffer = grow(this.buffer, options.limit + 1);
        let count: number;
        try {
          count = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        } catch (error) {
          throw unreadable(label, error);
        }
        if (count === 0) return this.buffer.subarray(0, length);
        length += count;
        if (length > options.limit) throw tooLarge(label, null, options.limit);
      }
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Reads a stream (standard input) up to `limit` bytes. Past the limit it stops reading at once
 * and destroys the stream: `mtls inspect - < /dev/zero` ends with MTLS_INPUT_TOO_LARGE instead of
 * buffering forever.
 */
export async function readStreamBounded(stream: NodeJS.ReadableStream, limit: number, label = 'standard input'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += bytes.length;
    if (length > limit) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new MtlsError('MTLS_INPUT_TOO_LARGE', `${label} gave more than ${megabytes(limit)}, more than any credential; reading stopped there.`, {
        details: { path: label, limit },
      });
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
