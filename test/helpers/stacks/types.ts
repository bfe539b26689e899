import type { Credential, ScenarioPki } from './pki.js';

/** The server stacks of the matrix. Each is started once per test file with several listeners. */
export type StackKind =
  | 'openssl'
  | 'nginx'
  | 'apache'
  | 'haproxy'
  | 'stunnel'
  | 'python'
  | 'go'
  | 'node'
  | 'jdk'
  | 'lighttpd-openssl'
  | 'lighttpd-gnutls'
  | 'lighttpd-mbedtls'
  | 'lighttpd-wolfssl';

export type TlsVersion = '1.2' | '1.3';

/**
 * 'require': the handshake fails without a verified client certificate.
 * 'optional': the server asks, the handshake passes without one, and the HTTP layer answers 403
 * (nginx `ssl_verify_client optional` + `return 403`, Apache `SSLVerifyClient optional` +
 * `Require expr`…). Only stacks whose `supportsOptional` is true get such listeners.
 */
export type ClientAuthMode = 'require' | 'optional' | 'per-path';
// 'per-path': the handshake asks for nothing; the location asks later (Apache `<Location>
// SSLVerifyClient require`): TLS 1.2 renegotiation, TLS 1.3 post-handshake auth (which Node
// clients cannot do). Only stacks whose `supportsPerPath` is true get such listeners.

/** One listening socket with one server-side configuration, pinned to one TLS version. */
export interface ListenerSpec {
  /** Unique within the stack: the key of `RunningStack.ports`. */
  id: string;
  tls: TlsVersion;
  clientAuth: ClientAuthMode;
  /** What the server presents (cert = leaf + whatever chain it sends). */
  server: Credential;
  /** The CAs the server trusts for (and names to) clients. */
  clientCa: string;
  /** The server's verify depth for client chains (default 4); only where `supportsVerifyDepth`. */
  verifyDepth?: number;
}

export interface StackConfig {
  pki: ScenarioPki;
  listeners: ListenerSpec[];
}

export interface RunningStack {
  kind: StackKind;
  /** 127.0.0.1 port per listener id. */
  ports: Record<string, number>;
  /** https://127.0.0.1:PORT/ per listener id. */
  urls: Record<string, string>;
  /** What the server printed so far (stdout, stderr, error logs). */
  log(): string;
  /** Stops every process of the stack (its whole process group). Idempotent. */
  stop(): Promise<void>;
}

export interface StackLauncher {
  kind: StackKind;
  /** For tables: "nginx 1.22 (OpenSSL)" style, without the version (read at run time if wanted). */
  label: string;
  /** Whether the stack can run 'optional' listeners that answer 403 without a certificate. */
  supportsOptional: boolean;
  /** Per-path client auth ('per-path' listeners): Apache only. */
  supportsPerPath?: boolean;
  /** A listener's verifyDepth is honoured (nginx: ssl_verify_depth, whose default is 1). */
  supportsVerifyDepth?: boolean;
  /** The TLS versions its TLS library can serve (listeners of another version are not started). */
  versions: TlsVersion[];
  /** Why the stack cannot run here (a binary or module is missing), or null when it can. */
  unavailable(): string | null;
  start(config: StackConfig): Promise<RunningStack>;
}
