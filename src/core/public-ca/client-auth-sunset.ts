/**
 * Public CAs are leaving TLS client authentication: the Chrome Root Program requires TLS server
 * hierarchies dedicated to serverAuth by June 2026, so the CAs below stop issuing certificates
 * with the clientAuth EKU. A client certificate from one of them keeps working until it expires,
 * but it cannot be renewed as it is: mTLS belongs on a private CA (`mtls ca init`). Pure data and
 * one lookup, shared by expiry and the diagnoses (issue 14).
 */
export interface ClientAuthSunset {
  /** The CA as people know it. */
  ca: string;
  /** Organisation (O=) values of its issuing and root CAs, as they appear in issuer names. */
  organizations: readonly string[];
  /** The date from which its certificates no longer carry clientAuth (YYYY-MM-DD, UTC). */
  date: string;
  /** What happens on that date, and what came before it. */
  note: string;
}

export const CLIENT_AUTH_SUNSETS: readonly ClientAuthSunset[] = [
  {
    ca: "Let's Encrypt",
    organizations: ["Let's Encrypt", 'Internet Security Research Group', 'ISRG'],
    date: '2026-05-13',
    note: 'the default "classic" profile dropped clientAuth on 2026-02-11; the opt-in "tlsclient" profile takes no new users from 2026-05-13 and ends on 2026-07-08',
  },
  {
    ca: 'DigiCert',
    organizations: ['DigiCert Inc', 'DigiCert, Inc.'],
    date: '2027-03-01',
    note: 'public TLS certificates with clientAuth are no longer issued from 2027-03-01',
  },
  {
    ca: 'Sectigo',
    organizations: ['Sectigo Limited', 'COMODO CA Limited', 'The USERTRUST Network'],
    date: '2026-06-15',
    note: 'public TLS certificates drop clientAuth ahead of the Chrome Root Program deadline (2026-06-15)',
  },
  {
    ca: 'Google Trust Services',
    organizations: ['Google Trust Services', 'Google Trust Services LLC'],
    date: '2026-06-15',
    note: 'public TLS certificates drop clientAuth ahead of the Chrome Root Program deadline (2026-06-15)',
  },
];

export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

/** The organisations (O=) of a name as Node prints it ("C=US\nO=Let's Encrypt\nCN=R11"). */
function organizationsOf(nodeName: string): string[] {
  return nodeName.split('\n').flatMap((part) => (part.startsWith('O=') ? [part.slice(2)] : []));
}

/**
 * The sunset that applies to a certificate with the clientAuth EKU issued under a public CA, or
 * null. `issuerNames`: the issuer of the certificate, then of each certificate above it that is
 * at hand (Node's name format); any of them naming a listed organisation counts.
 */
export function clientAuthSunsetFor(extendedKeyUsage: readonly string[] | undefined, issuerNames: readonly string[]): ClientAuthSunset | null {
  if (!extendedKeyUsage?.includes(CLIENT_AUTH_OID)) return null;
  const organizations = new Set(issuerNames.flatMap(organizationsOf).map((o) => o.toLowerCase()));
  return CLIENT_AUTH_SUNSETS.find((sunset) => sunset.organizations.some((o) => organizations.has(o.toLowerCase()))) ?? null;
}

/** One sentence for people, the same in text, JSON and metrics' HELP. */
export function clientAuthSunsetWarning(sunset: ClientAuthSunset, now: Date): string {
  const passed = Date.parse(`${sunset.date}T00:00:00Z`) <= now.getTime();
  return `${sunset.ca} ${passed ? 'no longer issues' : `stops issuing`} client-authentication (clientAuth) certificates${passed ? ` since ${sunset.date}` : ` on ${sunset.date}`} (${sunset.note}): this one cannot be renewed as it is; move mTLS to a private CA (\`mtls ca init\`).`;
}

/** Facts print names as "C=US, O=Let's Encrypt, CN=R11"; the lookup reads Node's one-per-line form. */
export function nodeNameFormat(name: string): string {
  return name.split(/, (?=[A-Za-z.0-9]+=)/).join('\n');
}
