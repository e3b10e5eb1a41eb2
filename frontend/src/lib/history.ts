// Pure helpers for the history views (Activity, Health, Deadlines): grouping
// by day and week, the status band's geometry, and durations in words. The
// backend computes every figure; these only lay it out.
import type { ActivityDay, Deadline, IncidentChart, StatusInterval } from './api';

/** The event kinds the activity filter offers, with the words it shows. */
export const kindOptions: { value: string; label: string }[] = [
  { value: 'account.imported', label: 'Imported' },
  { value: 'account.connected', label: 'Connected' },
  { value: 'account.reconnected', label: 'Reconnected' },
  { value: 'account.checked', label: 'Checked' },
  { value: 'account.refreshed', label: 'Renewed' },
  { value: 'account.check_failed', label: 'Check failed' },
  { value: 'account.connect_failed', label: 'Login failed' },
  { value: 'notification.sent', label: 'Notification sent' },
  { value: 'notification.acted', label: 'Notification acted on' },
  { value: 'account.renamed', label: 'Renamed' },
  { value: 'account.deleted', label: 'Deleted' },
];

export const outcomeOptions: { value: string; label: string }[] = [
  { value: 'ok', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'info', label: 'Information' },
];

const pad = (n: number) => String(n).padStart(2, '0');

/** dayKey is a time's local calendar day, "YYYY-MM-DD"; "" when not a time. */
export function dayKey(time: string | Date): string {
  const d = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** Whole local calendar days from a to b (b later: positive). */
export function daysBetween(a: Date, b: Date): number {
  return Math.round((startOfDay(b).getTime() - startOfDay(a).getTime()) / 86_400_000);
}

/** dayLabel: "Today", "Yesterday", else "Mon, 12 May 2026" in the user's locale. */
export function dayLabel(key: string, now: Date, locale?: string): string {
  const [y, m, d] = key.split('-').map(Number);
  const day = new Date(y, m - 1, d);
  const ago = daysBetween(day, now);
  if (ago === 0) return 'Today';
  if (ago === 1) return 'Yesterday';
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: day.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  }).format(day);
}

export interface DayGroup<T> {
  key: string;
  items: T[];
}

/** timeOfDay: "14:05" style, in the user's locale. */
export function timeOfDay(time: string, locale?: string): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
}

/**
 * appendDays adds an older page of days: a day that went on across the page
 * boundary becomes one, and events already shown (a boundary seen twice) are
 * skipped.
 */
export function appendDays(shown: ActivityDay[], page: ActivityDay[]): ActivityDay[] {
  const seen = new Set(shown.flatMap((d) => d.events.map((e) => e.id)));
  const out = shown.map((d) => ({ day: d.day, events: [...d.events] }));
  for (const d of page) {
    const events = d.events.filter((e) => !seen.has(e.id));
    if (events.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.day === d.day) last.events.push(...events);
    else out.push({ day: d.day, events });
  }
  return out;
}

// ---- durations and figures --------------------------------------------------

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function unit(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/**
 * durationWords: "under a minute", "45 minutes", "3 hours 20 minutes",
 * "2 days 4 hours" — the two largest units, rounded down.
 */
export function durationWords(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < MIN) return 'under a minute';
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const mins = Math.floor((ms % HOUR) / MIN);
  if (days > 0) return hours > 0 ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day');
  if (hours > 0) return mins > 0 ? `${unit(hours, 'hour')} ${unit(mins, 'minute')}` : unit(hours, 'hour');
  return unit(mins, 'minute');
}

/** pctText: "99.2%", "100%", or "—" when there is nothing to measure. */
export function pctText(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p >= 100) return '100%';
  // Never round a short outage up to a perfect 100%.
  const v = Math.floor(p * 10) / 10;
  return `${v.toFixed(1)}%`;
}

/** pctTone: green at 99% and above, amber from 95%, red below. */
export function pctTone(p: number | null | undefined): 'good' | 'warn' | 'bad' | 'muted' {
  if (p === null || p === undefined || !Number.isFinite(p)) return 'muted';
  if (p >= 99) return 'good';
  if (p >= 95) return 'warn';
  return 'bad';
}

/** reasonWords turns a reason code ("invalid_grant") into words for a chip. */
export function reasonWords(code: string): string {
  return code.replace(/[_.-]+/g, ' ').trim();
}

// ---- the status band ------------------------------------------------------

export interface BandSegment {
  x: number;
  width: number;
  state: string;
  start: string;
  end: string;
  ongoing: boolean;
  reasons: string[];
}

/**
 * bandSegments lays intervals out on a band `width` wide covering [from, to):
 * clipped to the period, in time order, each at least minWidth so a short
 * outage stays visible.
 */
export function bandSegments(intervals: StatusInterval[], from: string, to: string, width: number, minWidth = 2): BandSegment[] {
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  if (!(t1 > t0) || width <= 0) return [];
  const scale = width / (t1 - t0);
  const out: BandSegment[] = [];
  for (const iv of intervals) {
    const s = Math.max(Date.parse(iv.start), t0);
    const e = Math.min(Date.parse(iv.end), t1);
    if (!(e > s)) continue;
    const x = (s - t0) * scale;
    let w = (e - s) * scale;
    if (w < minWidth) w = Math.min(minWidth, width - x);
    out.push({
      x: round2(x),
      width: round2(w),
      state: iv.state,
      start: iv.start,
      end: iv.end,
      ongoing: iv.ongoing,
      reasons: iv.reasons.length > 0 ? iv.reasons : iv.reason ? [iv.reason] : [],
    });
  }
  return out.sort((a, b) => a.x - b.x);
}

/** bandX places one moment on the band, or null when it is outside the period. */
export function bandX(time: string, from: string, to: string, width: number): number | null {
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  const t = Date.parse(time);
  if (!(t1 > t0) || !(t >= t0 && t <= t1)) return null;
  return round2(((t - t0) / (t1 - t0)) * width);
}

export interface AxisTick {
  x: number;
  label: string;
}

/** axisTicks: count evenly spaced dates under the band, first at its start and last at its end. */
export function axisTicks(from: string, to: string, width: number, count: number, locale?: string): AxisTick[] {
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  if (!(t1 > t0) || count < 2) return [];
  const fmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' });
  return Array.from({ length: count }, (_, i) => ({
    x: round2((i / (count - 1)) * width),
    label: fmt.format(new Date(t0 + ((t1 - t0) * i) / (count - 1))),
  }));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

// ---- deadlines --------------------------------------------------------------

/** dueWords: "overdue", "today", "tomorrow", "in 5 days". */
export function dueWords(by: string, now: Date): string {
  const d = new Date(by);
  if (Number.isNaN(d.getTime())) return '';
  if (d.getTime() < now.getTime()) return 'overdue';
  const n = daysBetween(now, d);
  if (n <= 0) return 'today';
  if (n === 1) return 'tomorrow';
  return `in ${n} days`;
}

/**
 * dueTone colours a deadline by the account's status, which the backend
 * computes with the user's warning window: red when the account is broken,
 * amber when it is expiring, else neutral.
 */
export function dueTone(status: string): 'bad' | 'warn' | 'muted' {
  if (status === 'invalid' || status === 'expired') return 'bad';
  if (status === 'expiring') return 'warn';
  return 'muted';
}

/** Monday of the week a date falls in, as a local date. */
function weekStart(d: Date): Date {
  const s = startOfDay(d);
  s.setDate(s.getDate() - ((s.getDay() + 6) % 7));
  return s;
}

export interface WeekGroup {
  key: string;
  label: string;
  items: Deadline[];
}

/** splitDeadlines puts the accounts broken now (the backend's broken_now) apart from the dates to come, keeping the order. */
export function splitDeadlines(items: Deadline[]): { broken: Deadline[]; upcoming: Deadline[] } {
  return { broken: items.filter((d) => d.broken_now), upcoming: items.filter((d) => !d.broken_now) };
}

/** groupByWeek: "This week", "Next week", then "Week of 12 May"; keeps the order (soonest first). */
export function groupByWeek(items: Deadline[], now: Date, locale?: string): WeekGroup[] {
  const thisWeek = weekStart(now);
  const fmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' });
  const out: WeekGroup[] = [];
  for (const it of items) {
    const ws = weekStart(new Date(it.by));
    const key = dayKey(ws);
    const last = out[out.length - 1];
    if (last && last.key === key) {
      last.items.push(it);
      continue;
    }
    const weeks = Math.round(daysBetween(thisWeek, ws) / 7);
    const label = weeks < 0 ? 'Overdue' : weeks === 0 ? 'This week' : weeks === 1 ? 'Next week' : `Week of ${fmt.format(ws)}`;
    out.push({ key, label, items: [it] });
  }
  return out;
}

// ---- incidents chart --------------------------------------------------------

/** barHeights scales counts to bars of at most height pixels against the largest count shown; a count above 0 gets at least 2 pixels. */
export function barHeights(counts: number[], max: number, height: number): number[] {
  if (max <= 0) return counts.map(() => 0);
  return counts.map((n) => (n <= 0 ? 0 : Math.max(2, Math.round((n / max) * height))));
}

/** chartMax is the largest weekly count of any client: every row shares one scale. */
export function chartMax(chart: IncidentChart): number {
  return Math.max(0, ...chart.clients.flatMap((c) => c.counts));
}
