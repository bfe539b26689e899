import { matchTarget } from '../config/file.js';
import { MtlsError } from '../core/errors.js';
import { watchFileChanges, type FileChangeWatch } from '../core/fs/watch.js';
import { loadTlsMaterial, type TlsMaterial } from './material.js';
import { DEFAULTS, effectiveCredentials, type MtlsAgentOptions, type MtlsCredentials } from './options.js';

/** Cert and key are often replaced one after the other: wait for both before re-reading. */
const SETTLE_MS = 150;

interface Profile {
  /** 'defaults' or the target's key, as events name it. */
  name: string;
  /** How the options name its fields in messages: `targets["api.example"]`, or nothing for the defaults. */
  optionsPath: string | null;
  credentials: MtlsCredentials;
  /** The material in use; a failed first load is not kept, so the next connection tries again. */
  current: Promise<TlsMaterial> | null;
  /** The files being watched (sorted, joined) and their watch: replaced when a reload names other files. */
  watched: { key: string; watch: FileChangeWatch } | null;
}

/**
 * The credentials of every target, read on first use and, with `watch`, re-read when their files
 * change. A change that cannot be used keeps the previous material and is reported.
 */
export class CredentialStore {
  readonly #defaults: MtlsCredentials;
  readonly #targets: Record<string, MtlsCredentials>;
  readonly #unmatchedGetDefaults: boolean;
  readonly #cwd: string;
  readonly #watchIntervalMs: number | null;
  readonly #profiles = new Map<string, Profile>();
  readonly #options: MtlsAgentOptions;
  /** The agent's part of a rotation: new connections must use the new material. */
  readonly #onRotated: () => void;
  #closed = false;

  constructor(options: MtlsAgentOptions, onRotated: () => void) {
    this.#options = options;
    this.#defaults = options;
    this.#targets = options.targets ?? {};
    this.#unmatchedGetDefaults = options.unmatchedOrigins !== 'no-client-certificate';
    this.#cwd = options.cwd ?? process.cwd();
    this.#watchIntervalMs = options.watch ? (typeof options.watch === 'object' ? (options.watch.intervalMs ?? 1000) : 1000) : null;
    this.#onRotated = onRotated;
  }

  /** The material for an origin (https://host:port) and the name of the profile it came from. */
  async materialFor(origin: string): Promise<TlsMaterial> {
    return this.#load(this.#profileFor(origin));
  }

  /** Loads every profile now, so a bad setting fails at start-up rather than on first request. */
  async loadAll(): Promise<{ target: string; optionsPath: string | null; material: TlsMaterial }[]> {
    const profiles = [this.#profileNamed(null), ...Object.keys(this.#targets).map((key) => this.#profileNamed(key))];
    return Promise.all(profiles.map(async (profile) => ({ target: profile.name, optionsPath: profile.optionsPath, material: await this.#load(profile) })));
  }

  /** Re-reads every loaded profile now (what a file change does), keeping the old material on failure. */
  async reloadAll(): Promise<void> {
    await Promise.all([...this.#profiles.values()].filter((p) => p.current).map((p) => this.#reload(p)));
  }

  close(): void {
    this.#closed = true;
    for (const profile of this.#profiles.values()) {
      profile.watched?.watch.close();
      profile.watched = null;
    }
  }

  #profileFor(origin: string): Profile {
    return this.#profileNamed(matchTarget(this.#targets, origin)?.key ?? null);
  }

  /** A target's profile by its key, or the defaults' (null): kept apart, so a host named "defaults" is a target like any other. */
  #profileNamed(targetKey: string | null): Profile {
    const mapKey = targetKey === null ? DEFAULTS : `target ${targetKey}`;
    let profile = this.#profiles.get(mapKey);
    if (!profile) {
      const target = targetKey === null ? null : (this.#targets[targetKey] ?? null);
      const credentials = effectiveCredentials(this.#defaults, target, targetKey !== null || this.#unmatchedGetDefaults);
      profile = { name: targetKey ?? DEFAULTS, optionsPath: targetKey === null ? null : `targets["${targetKey}"]`, credentials, current: null, watched: null };
      this.#profiles.set(mapKey, profile);
    }
    return profile;
  }

  #load(profile: Profile): Promise<TlsMaterial> {
    if (!profile.current) {
      // The credentials count as loaded once the watch knows the files' first state, so a change
      // made right after ready() (or after the first request) is a rotation, never the baseline.
      const loading = loadTlsMaterial(profile.credentials, profile.optionsPath, this.#cwd).then(async (material) => {
        await this.#watch(profile, material.files);
        return material;
      });
      profile.current = loading;
      loading.catch(() => {
        if (profile.current === loading) profile.current = null;
      });
    }
    return profile.current;
  }

  async #reload(profile: Profile): Promise<void> {
    try {
      const material = await loadTlsMaterial(profile.credentials, profile.optionsPath, this.#cwd);
      if (this.#closed) return;
      profile.current = Promise.resolve(material);
      await this.#watch(profile, material.files);
      this.#onRotated();
      this.#options.onReload?.({ target: profile.name, files: material.files });
    } catch (error) {
      const reason = error instanceof MtlsError ? error : new MtlsError('MTLS_FILE_UNREADABLE', `The changed credentials of ${profile.name} cannot be read.`, { cause: error });
      this.#reportRotationFailure(reason, profile.name);
    }
  }

  /** A rotation that could not be used: the app's hook, or a process warning (never the secret). */
  #reportRotationFailure(error: MtlsError, target: string): void {
    if (this.#options.onReloadError) this.#options.onReloadError(error, target);
    // The error's message names the file; a warning goes to logs, so it names only the target and the code.
    else process.emitWarning(`The changed credentials of ${target === DEFAULTS ? 'the defaults' : `target "${target}"`} cannot be used (${error.code}: ${error.title}); the previous credentials stay in use. Pass onReloadError to see the diagnosis.`, { type: 'MtlsWarning', code: error.code });
  }

  #watch(profile: Profile, files: string[]): Promise<void> {
    if (this.#watchIntervalMs === null || this.#closed) return Promise.resolve();
    const key = [...files].sort().join('\n');
    if (profile.watched?.key === key) return Promise.resolve();
    profile.watched?.watch.close();
    // The shared watcher polls every intervalMs and watches the folders on the way to each file, so
    // a file renamed into place and a Kubernetes `..data` symlink swap are both seen; it compares
    // the resolved target and a content hash, so a touch is no rotation and a swap with the same
    // size and mtime is one. The settle time lets a certificate and its key be read together.
    const watch = watchFileChanges(files, () => void this.#reload(profile), { debounceMs: SETTLE_MS, pollMs: this.#watchIntervalMs });
    profile.watched = { key, watch };
    return watch.ready;
  }
}
