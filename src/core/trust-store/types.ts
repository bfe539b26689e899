/** What `mtls ca install` / `uninstall` did (or, with --dry-run, would do) in each trust store. Plain values. */
export type StoreId = 'system' | 'nss' | 'java' | 'node';
export type TrustMode = 'install' | 'uninstall';

export type StepStatus =
  | 'installed'
  | 'removed'
  | 'already-installed'
  | 'not-installed'
  | 'would-install'
  | 'would-remove'
  | 'skipped'
  | 'failed'
  | 'advice';

export interface TrustStoreStep {
  store: StoreId;
  /** Which store exactly: "Debian/Ubuntu system store", "NSS sql:/home/a/.pki/nssdb", a truststore path. */
  location: string;
  status: StepStatus;
  /** Why it was skipped, what failed (the tool's own message), or the advice. */
  detail: string;
  /** Commands run (or, with --dry-run, that would run) that change the store, as argv. */
  commands: string[][];
  /** Files written or removed (or that would be). */
  files: string[];
}

/** The CA being installed, and the one name it gets in every store, so uninstall removes exactly it. */
export interface CaToTrust {
  path: string;
  pem: string;
  subject: string;
  /** mtls-<cn>-<first 8 hex of the SHA-256 fingerprint>: file name, NSS nickname, Java alias. */
  name: string;
  sha1: string;
  serialNumber: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (no shell); injected so tests and --dry-run control what runs. */
export type Exec = (argv: string[], options?: { input?: string }) => Promise<ExecResult>;

export interface StoreContext {
  ca: CaToTrust;
  mode: TrustMode;
  dryRun: boolean;
  /** --root / MTLS_TRUST_ROOT: every system path is taken under it (a sandbox); null for the real system. */
  root: string | null;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  exec: Exec;
  /** The absolute path of a program, or null when it is not installed. */
  which: (name: string) => string | null;
  /** --java-truststore: this keystore, created when missing. */
  javaTruststore?: string;
}
