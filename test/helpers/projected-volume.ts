import { copyFileSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A folder laid out as Kubernetes mounts a Secret or ConfigMap: the files live in a timestamped
 * folder, `..data` links to it, and each name links through `..data`:
 *   tls.crt -> ..data/tls.crt, ..data -> ..2026_12_01_10_00_00.000000001
 * A rotation writes a new timestamped folder, points a new `..data_tmp` link at it, renames that
 * over `..data` (one atomic step), then removes the old folder: the links named tls.crt never change.
 */
export class ProjectedVolume {
  #generation = 0;

  constructor(readonly dir: string, files: Record<string, string>) {
    mkdirSync(dir, { recursive: true });
    const first = this.#writeGeneration(files);
    symlinkSync(first, join(dir, '..data'));
    for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(dir, name));
  }

  /** The path an application is configured with: DIR/NAME. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** Swaps every file at once, as the kubelet does. */
  swap(files: Record<string, string>): void {
    const previous = readlinkSync(join(this.dir, '..data'));
    const next = this.#writeGeneration(files);
    symlinkSync(next, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    rmSync(join(this.dir, previous), { recursive: true, force: true });
  }

  #writeGeneration(files: Record<string, string>): string {
    const name = `..2026_12_01_10_00_00.${String(++this.#generation).padStart(9, '0')}`;
    mkdirSync(join(this.dir, name));
    for (const [file, source] of Object.entries(files)) copyFileSync(source, join(this.dir, name, file));
    return name;
  }
}
