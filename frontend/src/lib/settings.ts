// Helpers for the Settings dialog's form. The backend validates and stores
// the settings; these only turn what the form holds into its values.
import type { NotificationSettings } from './api';

/** The reminders offered as ticks, in days before the reconnect-by date; 0 is "when it has passed". */
export const standardThresholds: readonly number[] = [7, 3, 1, 0];

/** thresholdLabel words a reminder: "7 days before", "1 day before", "When it has passed". */
export function thresholdLabel(days: number): string {
  if (days === 0) return 'When it has passed';
  return `${days} ${days === 1 ? 'day' : 'days'} before`;
}

/** thresholdChoices is every tick to show: the standard ones and the user's own, most distant first. */
export function thresholdChoices(selected: readonly number[]): number[] {
  return sortThresholds([...standardThresholds, ...selected]);
}

/** sortThresholds orders reminders most distant first, without repeats (as the backend stores them). */
export function sortThresholds(list: readonly number[]): number[] {
  return [...new Set(list)].sort((a, b) => b - a);
}

/** toggleThreshold ticks or unticks one reminder. */
export function toggleThreshold(selected: readonly number[], days: number, on: boolean): number[] {
  const rest = selected.filter((d) => d !== days);
  return sortThresholds(on ? [...rest, days] : rest);
}

/**
 * parseDays reads a whole number of days typed by the user, or null when
 * it is not one. Limits (how many days at most) are the backend's to check.
 */
export function parseDays(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,4}$/.test(t)) return null;
  return Number(t);
}

/** copySettings gives the form its own copy, so editing it leaves the loaded settings alone. */
export function copySettings(s: NotificationSettings): NotificationSettings {
  return { ...s, thresholds: [...s.thresholds], quiet_hours: { ...s.quiet_hours } };
}
