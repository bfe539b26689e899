/**
 * Distinguished names as Node prints them ("C=US\nO=Example\nCN=Example CA") turned into one
 * line in the same order openssl shows them ("C=US, O=Example, CN=Example CA").
 */
export function oneLineName(nodeName: string | undefined): string {
  // Node leaves subject/issuer undefined for an empty name (legal for a SAN-only certificate).
  return (nodeName ?? '')
    .split('\n')
    .filter((part) => part.length > 0)
    .join(', ');
}

/** The CN of a Node-formatted name, or null; the last CN wins, as in most TLS stacks. */
export function commonName(nodeName: string | undefined): string | null {
  let found: string | null = null;
  for (const part of (nodeName ?? '').split('\n')) {
    if (part.startsWith('CN=')) found = part.slice(3);
  }
  return found;
}

/** A short label for a certificate in messages: its CN, else its whole subject. */
export function shortName(nodeName: string | undefined): string {
  return commonName(nodeName) ?? (oneLineName(nodeName) || '(empty subject)');
}
