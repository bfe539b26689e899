import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relativeTime } from '../../src/core/time/relative.js';
import { parseDuration, parseInstant, parseThreshold, thresholdMoment } from '../../src/core/time/duration.js';

const now = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

test('relativeTime says how far a date is, in the largest whole unit', () => {
  for (const [ms, text] of [
    [41 * DAY + 3600_000, 'in 41 days'],
    [-3 * 365 * DAY - DAY, '3 years ago'],
    [5 * 3600_000, 'in 5 hours'],
    [-90_000, '1 minute ago'],
    [10_000, 'just now'],
    [400 * DAY, 'in 400 days'],
  ] as const) assert.equal(relativeTime(new Date(now.getTime() + ms), now), text);
});

test('durations: days, hours, weeks, years, combinations and 0', () => {
  assert.equal(parseDuration('14d', '--warn'), 14 * DAY);
  assert.equal(parseDuration('12h', '--warn'), 12 * 3600_000);
  assert.equal(parseDuration('2w', '--warn'), 14 * DAY);
  assert.equal(parseDuration('1d12h', '--warn'), 1.5 * DAY);
  assert.equal(parseDuration('0', '--fail'), 0);
  assert.throws(() => parseDuration('soon', '--warn'), /--warn 'soon' is not valid/);
});

test('a share of lifetime sets the threshold inside each certificate\'s own validity', () => {
  const threshold = parseThreshold('80%', '--warn');
  assert.equal(threshold.kind, 'lifetime');
  const moment = thresholdMoment(threshold, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-11T00:00:00Z'));
  assert.equal(moment.toISOString(), '2030-01-09T00:00:00.000Z');
  assert.throws(() => parseThreshold('120%', '--warn'), /at most 100%/);
});

test('--at takes ISO dates, now, and offsets', () => {
  assert.equal(parseInstant('2031-02-03', '--at', now).toISOString(), '2031-02-03T00:00:00.000Z');
  assert.equal(parseInstant('now', '--at', now), now);
  assert.equal(parseInstant('+30d', '--at', now).getTime(), now.getTime() + 30 * DAY);
  assert.throws(() => parseInstant('tomorrow', '--at', now), /MTLS|not valid/);
});

test('each usage error suggests an example the flag itself accepts', () => {
  const exampleOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return ((error as { fixes: string[] }).fixes[0] ?? '').replace(/^Example: /, '');
    }
    assert.fail('expected a usage error');
  };
  for (const [flag, bad] of [['--at', '14d'], ['--at', '+soon'], ['--at', 'tomorrow'], ['--warn', 'soon'], ['--fail', '120%']] as const) {
    const example = exampleOf(() => (flag === '--at' ? parseInstant(bad, flag, now) : parseThreshold(bad, flag)));
    assert.ok(example.startsWith(`${flag} `), example);
    const value = example.slice(flag.length + 1);
    assert.doesNotThrow(() => (flag === '--at' ? parseInstant(value, flag, now) : parseThreshold(value, flag)), `${flag} ${value} must be accepted`);
  }
});
