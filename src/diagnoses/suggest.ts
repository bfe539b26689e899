/**
 * "Did you mean": the codes nearest to what was typed. Levenshtein distance (written here: two
 * rows of integers, not worth a dependency) over the codes without their MTLS_ prefix; a typed
 * part of a code (`unknown_ca`) finds the codes that contain it first.
 */
export function nearestCodes(typed: string, codes: readonly string[], limit = 3): string[] {
  const want = bare(typed);
  if (want === '') return [];
  const containing = codes.filter((code) => bare(code).includes(want));
  const bound = Math.max(2, Math.floor(want.length / 3));
  const near = codes
    .map((code) => ({ code, distance: editDistance(want, bare(code)) }))
    .filter(({ code, distance }) => distance <= bound && !containing.includes(code))
    .sort((a, b) => a.distance - b.distance || a.code.localeCompare(b.code))
    .map(({ code }) => code);
  return [...containing.sort((a, b) => a.length - b.length), ...near].slice(0, limit);
}

/** Upper case, `-` and spaces as `_`, the MTLS_ prefix optional. */
export function normalizeCode(typed: string): string {
  return `MTLS_${bare(typed)}`;
}

function bare(code: string): string {
  return code.trim().toUpperCase().replace(/[-\s]+/g, '_').replace(/^MTLS_/, '');
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
