import type { ChalkInstance } from 'chalk';
import type { BridgeEvent } from '../bridge/index.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';
import { SCHEMA_VERSION, escapeBeyondJson } from './json.js';

/** Events the command adds to the bridge's own: start-up, rotation, shutdown. */
export type BridgeLogEvent =
  | BridgeEvent
  | { event: 'reloaded'; at: string; target: string; files: string[] }
  | { event: 'reload-refused'; at: string; target: string; code: string; title: string }
  | { event: 'closing'; at: string; signal: string }
  | { event: 'note' | 'warning'; at: string; message: string }
  | { event: 'closed'; at: string };

/** `mtls bridge --json`: one JSON object per line per event on stderr (JSON Lines). */
export function bridgeEventJsonLine(event: BridgeLogEvent | Record<string, unknown>): string {
  return `${escapeBeyondJson(JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'bridge-event', ...event }))}\n`;
}

/** One human log line for stderr. Paths come without query and token (the bridge redacts them). */
export function renderBridgeEvent(given: BridgeLogEvent, style: ChalkInstance): string {
  // Paths and upstream titles come from outside: no raw control characters into a terminal.
  const event = escapeControlsDeep(given);
  const stamp = style.dim(event.at.slice(11, 19));
  switch (event.event) {
    case 'request':
      return `${stamp} ${event.method} ${event.path} → ${statusColor(event.status, style)} ${style.dim(`${event.upstream} ${event.durationMs} ms${event.upgrade ? ' (upgraded, piping)' : ''}`)}\n`;
    case 'client-gone':
      return `${stamp} ${event.method} ${event.path} → ${event.status ?? '-'} ${style.dim(`${event.upstream} ${event.durationMs} ms, the client closed first`)}\n`;
    case 'refused':
      return `${stamp} ${event.method} ${event.path} → ${style.yellow(String(event.status))} ${event.code}: ${event.title}\n`;
    case 'upstream-failed': {
      const head = event.status === null ? style.red('cut off') : style.red('502');
      const fix = event.fix ? `\n         fix: ${event.fix}` : '';
      return `${stamp} ${event.method} ${event.path} → ${head} ${style.bold(event.code)}: ${event.summary}${fix}\n`;
    }
    case 'reloaded':
      return `${stamp} new credentials for ${event.target === 'defaults' ? 'the upstreams' : event.target}: new upstream connections use them, open ones finish on the old\n`;
    case 'reload-refused':
      return `${stamp} ${style.yellow('changed credentials not used')} for ${event.target}: ${event.code}: ${event.title}; the previous ones stay in use\n`;
    case 'closing':
      return `${stamp} ${event.signal}: closing (open streams get a moment to finish)\n`;
    case 'closed':
      return `${stamp} closed\n`;
    case 'note':
      return `${event.message}\n`;
    case 'warning':
      return `${style.yellow('warning:')} ${event.message}\n`;
  }
}

function statusColor(status: number, style: ChalkInstance): string {
  if (status >= 500) return style.red(String(status));
  if (status >= 400) return style.yellow(String(status));
  return style.green(String(status));
}
