// vite.config.ts runs the tests in Europe/Berlin (a zone with daylight
// saving time), so these results do not depend on the machine.
import { describe, expect, it } from 'vitest';
import { formatDateTime, localInputToRFC3339, toLocalInput } from './datetime';

describe('localInputToRFC3339', () => {
  it('gives "" for an empty field (expiry unknown)', () => {
    expect(localInputToRFC3339('')).toBe('');
    expect(localInputToRFC3339('   ')).toBe('');
  });

  it('converts local winter time (UTC+1) to UTC', () => {
    expect(localInputToRFC3339('2026-01-15T09:30')).toBe('2026-01-15T08:30:00Z');
  });

  it('converts local summer time (UTC+2) to UTC', () => {
    expect(localInputToRFC3339('2026-07-01T00:15')).toBe('2026-06-30T22:15:00Z');
  });

  it('keeps seconds and drops milliseconds', () => {
    expect(localInputToRFC3339('2026-07-01T12:00:45')).toBe('2026-07-01T10:00:45Z');
    expect(localInputToRFC3339('2026-07-01T12:00:45.678')).toBe('2026-07-01T10:00:45Z');
  });

  it('rejects values that are not a real date and time', () => {
    expect(localInputToRFC3339('2026-02-30T10:00')).toBeNull();
    expect(localInputToRFC3339('2026-13-01T10:00')).toBeNull();
    expect(localInputToRFC3339('tomorrow')).toBeNull();
    expect(localInputToRFC3339('2026-01-15')).toBeNull();
    expect(localInputToRFC3339('2026-01-15T09:30Z')).toBeNull();
  });
});

describe('toLocalInput', () => {
  it('formats a Date for datetime-local in the local zone, and round-trips', () => {
    const d = new Date('2026-07-01T10:05:00Z');
    expect(toLocalInput(d)).toBe('2026-07-01T12:05');
    expect(localInputToRFC3339(toLocalInput(d))).toBe('2026-07-01T10:05:00Z');
  });
});

describe('formatDateTime', () => {
  it('shows a time in the given locale and the local zone', () => {
    expect(formatDateTime('2026-07-01T10:05:00Z', 'en-GB')).toBe('1 Jul 2026, 12:05');
  });
  it('gives "" for empty or broken input', () => {
    expect(formatDateTime('')).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });
});
