import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { RefusalCheck } from './types.js';

/**
 * A writer for a response whose status may be a refusal page the caller wants to judge first
 * (nginx answers a missing client certificate with 400 and an HTML page): it holds the head and
 * up to `maxBytes` of body, asks the check, then either fails with the check's error (nothing
 * reached the client) or writes what it held and streams the rest into `res` with backpressure.
 * Only the few statuses the check names come here; every other response goes to `res` directly.
 * Hand-written because undici's stream factory must hand back its Writable synchronously.
 */
export function heldResponse(res: ServerResponse, status: number, headers: string[], check: RefusalCheck, onRefused: (error: Error) => void): Writable {
  const held: Buffer[] = [];
  let heldBytes = 0;
  let decided = false;
  /** The head went to the client: from here on an error must cut the client's response too. */
  let passed = false;

  const release = async (): Promise<Error | null> => {
    decided = true;
    const error = await check.check(status, Buffer.concat(held)).catch(() => null);
    if (error) {
      onRefused(error);
      return error;
    }
    passed = true;
    res.writeHead(status, headers);
    for (const chunk of held) res.write(chunk);
    held.length = 0;
    return null;
  };

  const writer = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (decided) {
        if (res.write(chunk)) callback();
        else res.once('drain', () => callback());
        return;
      }
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes < check.maxBytes) return callback();
      void release().then((error) => callback(error));
    },
    final(callback) {
      const done = () => res.end(() => callback());
      if (decided) return done();
      void release().then((error) => (error ? callback(error) : done()));
    },
    destroy(error, callback) {
      if (error && passed && !res.writableFinished) res.destroy(error);
      callback(error);
    },
  });
  return writer;
}
