import { describe, expect, it } from 'vitest';
import { copySettings, parseDays, sortThresholds, thresholdChoices, thresholdLabel, toggleThreshold } from './settings';
import { notificationSettings } from '../test/fixtures';

describe('thresholdLabel', () => {
  it('words reminders in days before the date', () => {
    expect(thresholdLabel(7)).toBe('7 days before');
    expect(thresholdLabel(1)).toBe('1 day before');
    expect(thresholdLabel(0)).toBe('When it has passed');
  });
});

describe('threshold lists', () => {
  it('offers the standard reminders and the user’s own, most distant first', () => {
    expect(thresholdChoices([])).toEqual([7, 3, 1, 0]);
    expect(thresholdChoices([14, 3])).toEqual([14, 7, 3, 1, 0]);
  });

  it('ticks and unticks in the stored order without repeats', () => {
    expect(toggleThreshold([7, 1], 3, true)).toEqual([7, 3, 1]);
    expect(toggleThreshold([7, 3, 1], 3, true)).toEqual([7, 3, 1]);
    expect(toggleThreshold([7, 3, 1], 7, false)).toEqual([3, 1]);
    expect(toggleThreshold([], 0, true)).toEqual([0]);
    expect(sortThresholds([0, 14, 3, 14])).toEqual([14, 3, 0]);
  });
});

describe('parseDays', () => {
  it('reads whole numbers and leaves limits to the backend', () => {
    expect(parseDays(' 14 ')).toBe(14);
    expect(parseDays('0')).toBe(0);
    expect(parseDays('90')).toBe(90);
    for (const bad of ['', 'two', '1.5', '-3', '3 days', '12345']) expect(parseDays(bad)).toBeNull();
  });
});

describe('copySettings', () => {
  it('copies the lists so editing the form leaves the original alone', () => {
    const s = notificationSettings();
    const c = copySettings(s);
    c.thresholds.push(14);
    c.quiet_hours.start = '23:00';
    expect(s.thresholds).toEqual([7, 3, 1, 0]);
    expect(s.quiet_hours.start).toBe('22:00');
  });
});
