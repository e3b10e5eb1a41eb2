// Words for monitoring: what an account row and the Health section say, the
// progress and outcome of "Check now", snoozes and API usage. They phrase
// what the backend computed (status, reconnect-by phrase, problem and action
// sentences, last error); they never decide a status or a deadline.
import type { AccountView, CheckProgress, CheckResult, CheckSummary } from './api';
import { listNames } from './connect';
import type { Tone } from './present';

export interface Line {
  text: string;
  /** "plain" is ordinary text; the others are the status colours. */
  tone: Tone | 'plain';
  /** Longer words for a tooltip; "" when the text says it all. */
  title: string;
}

type Deadline = Pick<AccountView, 'status' | 'connected' | 'reconnect_phrase' | 'expires_phrase'>;

/**
 * shortProblem cuts the backend's problem sentence to its first clause for
 * a row: "Access was removed: the app was deauthorized…" -> "Access was removed".
 */
export function shortProblem(sentence: string): string {
  const s = sentence.trim().replace(/\.$/, '');
  const cut = s.search(/:|;| \(|, /);
  return cut > 0 ? s.slice(0, cut) : s;
}

/** The date the user works towards: the reconnect-by phrase, else the token's own expiry. */
function deadline(a: Deadline): string {
  return (a.reconnect_phrase || a.expires_phrase).trim();
}

function past(phrase: string): boolean {
  return phrase.endsWith(' ago');
}

/**
 * rowHealth is the main words of an account row, by the backend's status:
 * the problem when the platform rejected the token, "Reconnect overdue" or
 * "Reconnect in 3 days" for accounts connected through the browser (imported
 * ones say "Expired"/"Expires": the fix is a fresh token), "Renews itself"
 * for healthy tokens that renew without the user.
 */
export function rowHealth(
  a: Deadline & Pick<AccountView, 'renews' | 'problem' | 'action' | 'reconnect_by'>,
): Line {
  const when = deadline(a);
  const advice = [a.problem, a.action].filter(Boolean).join(' ');
  switch (a.status) {
    case 'invalid':
      return { text: shortProblem(a.problem) || 'Rejected by the platform', tone: 'bad', title: advice };
    case 'expired':
      if (a.connected) return { text: 'Reconnect overdue', tone: 'bad', title: advice || (when ? `The date passed ${when}.` : '') };
      return { text: past(when) ? `Expired ${when}` : 'Expired', tone: 'bad', title: advice };
    case 'expiring':
      if (a.connected) return { text: when ? `Reconnect ${when}` : 'Reconnect soon', tone: 'warn', title: advice };
      return { text: when ? `Expires ${when}` : 'Expires soon', tone: 'warn', title: advice };
    case 'healthy':
      if (a.renews) {
        const title = a.reconnect_phrase ? `Renews without you; log in again ${a.reconnect_phrase}.` : 'Renews without you.';
        return { text: 'Renews itself', tone: 'good', title };
      }
      if (!when) return { text: 'Expiry unknown', tone: 'muted', title: '' };
      return { text: a.connected ? `Reconnect ${when}` : `Expires ${when}`, tone: 'plain', title: '' };
    default:
      return { text: 'Expiry unknown', tone: 'muted', title: '' };
  }
}

/**
 * shortWhen shows a past time compactly for a row: "14:05" today, the
 * weekday within the week ("Tuesday"), "3 Nov" this year, "3 Nov 2025" before.
 * The panel has the exact time.
 */
export function shortWhen(rfc3339: string, now: Date = new Date(), locale?: string): string {
  const d = new Date(rfc3339);
  if (!rfc3339 || Number.isNaN(d.getTime())) return '';
  if (d.toDateString() === now.toDateString()) {
    return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(d);
  }
  const days = (now.getTime() - d.getTime()) / 86_400_000;
  if (days > 0 && days < 6) return new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(d);
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return new Intl.DateTimeFormat(locale, opts).format(d);
}

/**
 * checkLine says how fresh the account's verdict is: "Checked 2 hours ago",
 * or, when the last check got no answer (offline, platform down), "Not
 * verified since 14:05" in grey: that says nothing against the token.
 */
export function checkLine(
  a: Pick<AccountView, 'last_checked_at' | 'last_checked_phrase' | 'last_error' | 'unverified_since'>,
  now: Date = new Date(),
  locale?: string,
): Line {
  if (a.unverified_since) {
    // The backend says since when (status --json's unverified_since): the
    // platform's last answer, or when the account was added if none came.
    const since = a.last_checked_at ? shortWhen(a.unverified_since, now, locale) : '';
    return { text: since ? `Not verified since ${since}` : 'Not verified yet', tone: 'muted', title: a.last_error };
  }
  if (a.last_checked_phrase) return { text: `Checked ${a.last_checked_phrase}`, tone: 'plain', title: '' };
  return { text: 'Not checked yet', tone: 'muted', title: '' };
}

/** progressText is the header's words while "Check now" runs: "Checking 3 of 12…". */
export function progressText(p: CheckProgress | null): string {
  if (!p || p.total <= 0) return 'Checking…';
  const n = Math.min(p.done + 1, p.total);
  return `Checking ${n} of ${p.total}…`;
}

/** notVerified: the platform gave no answer about the token (and the check was not merely skipped). */
function notVerified(r: CheckResult): boolean {
  return r.verdict === 'none' && !r.skipped && (r.error !== '' || r.reason !== '');
}

/** summaryText words a "Check now" run: "12 checked · 2 renewed · 1 needs you". */
export function summaryText(s: Pick<CheckSummary, 'checked' | 'renewed' | 'attention' | 'results'>): string {
  if (s.checked === 0) return 'Nothing to check.';
  const parts = [`${s.checked} checked`];
  if (s.renewed > 0) parts.push(`${s.renewed} renewed`);
  if (s.attention > 0) parts.push(`${s.attention} ${s.attention === 1 ? 'needs' : 'need'} you`);
  const unverified = s.results.filter(notVerified).length;
  if (unverified > 0) parts.push(`${unverified} not verified`);
  if (parts.length === 1) parts.push('all fine');
  return parts.join(' · ');
}

export interface Note {
  /** "Acme Page · Acme Bakery" */
  who: string;
  text: string;
  tone: Tone;
}

/**
 * resultNotes lists what a run found worth reading, worst first: rejected
 * tokens and local failures (red), findings such as a lost Page (amber),
 * then one line naming the accounts the platform gave no answer about
 * (grey): the rows and panels say why for each.
 */
export function resultNotes(results: readonly CheckResult[]): Note[] {
  const bad: Note[] = [];
  const warn: Note[] = [];
  const unverified: string[] = [];
  for (const r of results) {
    const who = r.client_name ? `${r.label} · ${r.client_name}` : r.label;
    const findings = r.findings.join(' ');
    if (r.error) bad.push({ who, text: r.message || r.error, tone: 'bad' });
    else if (r.verdict === 'invalid') bad.push({ who, text: [r.message, findings].filter(Boolean).join(' '), tone: 'bad' });
    else if (findings) warn.push({ who, text: findings, tone: 'warn' });
    else if (notVerified(r)) unverified.push(r.label);
  }
  const notes = [...bad, ...warn];
  if (unverified.length > 0) {
    notes.push({
      who: `Not verified (${unverified.length})`,
      text: `${listNames(unverified)}: no answer from the platform this time. Tokenwarden tries again on its own.`,
      tone: 'muted',
    });
  }
  return notes;
}

/** accountCheckText is what checking one account from its panel did, in a sentence. */
export function accountCheckText(s: CheckSummary): string {
  const r = s.results[0];
  if (!r) return 'Nothing was checked.';
  // The panel already says why the account is not verified; no need to repeat it.
  if (notVerified(r) && !r.error) return 'Tried again just now: still no answer from the platform.';
  return r.message || summaryText(s);
}

/**
 * upcoming shows a time to come: "today at 15:00", "tomorrow at 09:00",
 * "on 26 Nov at 16:56", with the year when it is not this one.
 */
export function upcoming(rfc3339: string, now: Date = new Date(), locale?: string): string {
  const d = new Date(rfc3339);
  if (!rfc3339 || Number.isNaN(d.getTime())) return '';
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(d);
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  if (d.toDateString() === now.toDateString()) return `today at ${time}`;
  if (d.toDateString() === tomorrow.toDateString()) return `tomorrow at ${time}`;
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return `on ${new Intl.DateTimeFormat(locale, opts).format(d)} at ${time}`;
}

/** snoozeText says what a snooze did: "Notifications snoozed until Fri 14:05", or that they are back on. */
export function snoozeText(until: string, locale?: string): string {
  if (!until) return 'Notifications are on again for this account.';
  const d = new Date(until);
  if (Number.isNaN(d.getTime())) return 'Notifications snoozed.';
  const when = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(d);
  return `Notifications snoozed until ${when}.`;
}

export interface UsageFigure {
  name: string;
  value: string;
  /** The share as a number 0–100 when the value is a percentage, for a bar; null otherwise. */
  percent: number | null;
}

/** usageFigures lists API usage in a stable order: {"app call_count": "12%"} -> "App call count: 12%". */
export function usageFigures(usage: Readonly<Record<string, string>> | null | undefined): UsageFigure[] {
  return Object.entries(usage ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => {
      const words = name.replace(/[_-]+/g, ' ').trim();
      const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
      return {
        name: words ? words[0].toUpperCase() + words.slice(1) : name,
        value,
        percent: m ? Math.min(100, Number(m[1])) : null,
      };
    });
}

