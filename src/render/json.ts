/** Version of every JSON document mtls prints; bumped when a field changes meaning or goes away. */
export const SCHEMA_VERSION = 1;

export function toJsonDocument(kind: string, body: Record<string, unknown>): string {
  return `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind, ...body }, jsonReplacer, 2)}\n`;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}
