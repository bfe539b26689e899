import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchFileChanges } from '../../src/core/fs/watch.js';
import { ProjectedVolume } from '../helpers/projected-volume.js';
import { tempDir } from '../helpers/tmp.js';

/** The changes a watcher reports, and a way to wait for the next one (a generous deadline, not a sleep). */
function recorder() {
  const reports: string[][] = [];
  let wake: (() => void) | null = null;
  return {
    reports,
    onChange: (changed: string[]) => {
      reports.push(changed);
      wake?.();
    },
    next: (what: string, timeoutMs = 10_000) =>
      new Promise<string[]>((resolve, reject) => {
        const seen = reports.length;
        const timer = setTimeout(() => reject(new Error(`${what}: no change reported within ${timeoutMs} ms`)), timeoutMs);
        wake = () => {
          if (reports.length > seen) {
            clearTimeout(timer);
            resolve(reports[seen] as string[]);
          }
        };
      }),
  };
}

test('a Kubernetes-style `..data` swap is seen from folder events alone (no poll), and names the files whose content changed', async () => {
  const dir = tempDir('mtls-watch-');
  const sources = Object.fromEntries(['a', 'b', 'c'].map((name) => [name, join(dir, `${name}.pem`)]));
  for (const [name, path] of Object.entries(sources)) writeFileSync(path, `content ${name}\n`);
  const volume = new ProjectedVolume(join(dir, 'secret'), { 'tls.crt': sources.a as string, 'ca.crt': sources.c as string });
  const seen = recorder();
  const watching = watchFileChanges([volume.path('tls.crt'), volume.path('ca.crt')], seen.onChange, { debounceMs: 20, pollMs: 3_600_000 });
  try {
    await watching.ready;
    const changed = seen.next('the swap');
    volume.swap({ 'tls.crt': sources.b as string, 'ca.crt': sources.c as string });
    // The CA's real path moved to the new generation too: both are reported, the resolved target changed.
    assert.deepEqual((await changed).sort(), [volume.path('ca.crt'), volume.path('tls.crt')].sort());
    // A second swap: the watch followed the new generation's folder.
    const again = seen.next('the second swap');
    volume.swap({ 'tls.crt': sources.a as string, 'ca.crt': sources.c as string });
    assert.ok((await again).includes(volume.path('tls.crt')));
  } finally {
    watching.close();
  }
});

test('a file rewritten in place or renamed over is reported; an event that changes no byte is not', async () => {
  const dir = tempDir('mtls-watch-');
  const file = join(dir, 'server.crt');
  writeFileSync(file, 'one\n');
  const seen = recorder();
  const watching = watchFileChanges([file], seen.onChange, { debounceMs: 20, pollMs: 3_600_000 });
  try {
    await watching.ready;
    writeFileSync(file, 'one\n'); // same bytes: an event, no change
    utimesSync(file, new Date(), new Date());
    const changed = seen.next('the rewrite');
    await sleep(100);
    writeFileSync(file, 'two\n');
    assert.deepEqual(await changed, [file]);
    assert.equal(seen.reports.length, 1, 'the same bytes written again were not a change');
  } finally {
    watching.close();
  }
});

test('the poll alone catches a change (for file systems without events)', async () => {
  const dir = tempDir('mtls-watch-');
  const volume = new ProjectedVolume(join(dir, 'secret'), { 'tls.key': (writeFileSync(join(dir, 'k1'), 'k1'), join(dir, 'k1')) });
  writeFileSync(join(dir, 'k2'), 'k2');
  const seen = recorder();
  const watching = watchFileChanges([volume.path('tls.key')], seen.onChange, { debounceMs: 20, pollMs: 50, events: false });
  try {
    await watching.ready;
    const changed = seen.next('the poll');
    volume.swap({ 'tls.key': join(dir, 'k2') });
    assert.deepEqual(await changed, [volume.path('tls.key')]);
  } finally {
    watching.close();
  }
});
