import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientAuthMode, ListenerSpec } from './types.js';

/** The listener list the small servers (Node, Go, Python) read: one JSON file, paths only. */
export interface ListenerJson {
  port: number;
  tls: '1.2' | '1.3';
  clientAuth: ClientAuthMode;
  cert: string;
  key: string;
  clientCa: string;
}

export function writeListenersJson(dir: string, listeners: ListenerSpec[], ports: Record<string, number>): string {
  const list: ListenerJson[] = listeners.map((l) => ({ port: ports[l.id] ?? 0, tls: l.tls, clientAuth: l.clientAuth, cert: l.server.cert, key: l.server.key, clientCa: l.clientCa }));
  const path = join(dir, 'listeners.json');
  writeFileSync(path, JSON.stringify({ listeners: list }));
  return path;
}
