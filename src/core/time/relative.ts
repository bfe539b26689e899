const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/**
 * A date relative to `now` in plain English: "in 41 days", "3 years ago", "in 5 hours",
 * "just now". Units are the largest that give a whole number of at least 1; days until two
 * years, so that expiry windows ("in 400 days") stay comparable at a glance.
 */
export function relativeTime(date: Date, now: Date = new Date()): string {
  const delta = date.getTime() - now.getTime();
  const span = Math.abs(delta);
  if (span < MINUTE) return 'just now';
  const phrase = describeSpan(span);
  return delta > 0 ? `in ${phrase}` : `${phrase} ago`;
}

/** A span in milliseconds as "41 days", "3 years", "5 hours", "1 minute" (rounded down). */
export function describeSpan(span: number): string {
  if (span >= 2 * YEAR) return plural(Math.floor(span / YEAR), 'year');
  if (span >= DAY) return plural(Math.floor(span / DAY), 'day');
  if (span >= HOUR) return plural(Math.floor(span / HOUR), 'hour');
  return plural(Math.max(1, Math.floor(span / MINUTE)), 'minute');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
