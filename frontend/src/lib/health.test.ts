import { describe, expect, it } from 'vitest';
import {
  accountCheckText,
  checkLine,
  progressText,
  resultNotes,
  rowHealth,
  shortProblem,
  shortWhen,
  snoozeText,
  summaryText,
  upcoming,
  usageFigures,
} from './health';
import { account, checkResult, checkSummary } from '../test/fixtures';

describe('rowHealth', () => {
  it('says a healthy token that renews itself does so, in green', () => {
    const h = rowHealth(account({ renews: true, reconnect_by: '', reconnect_phrase: '' }));
    expect(h).toEqual({ text: 'Renews itself', tone: 'good', title: 'Renews without you.' });
    expect(rowHealth(account({ renews: true, reconnect_phrase: 'in 5 months' })).title).toBe(
      'Renews without you; log in again in 5 months.',
    );
  });

  it('counts down to the reconnect-by date of a connected account, amber when it is near', () => {
    expect(rowHealth(account({ connected: true, status: 'expiring', reconnect_phrase: 'in 3 days' }))).toMatchObject({
      text: 'Reconnect in 3 days',
      tone: 'warn',
    });
    expect(rowHealth(account({ connected: true, status: 'healthy', reconnect_phrase: 'in 45 days' }))).toMatchObject({
      text: 'Reconnect in 45 days',
      tone: 'plain',
    });
  });

  it('says a passed reconnect date is overdue', () => {
    const h = rowHealth(
      account({ connected: true, status: 'expired', reconnect_phrase: '2 days ago', problem: 'The token has expired.', action: 'Reconnect the account to log in again.' }),
    );
    expect(h).toEqual({
      text: 'Reconnect overdue',
      tone: 'bad',
      title: 'The token has expired. Reconnect the account to log in again.',
    });
  });

  it('speaks of expiry for imported tokens, whose fix is a fresh token', () => {
    expect(rowHealth(account({ status: 'expiring', expires_phrase: 'in 2 days', reconnect_phrase: 'in 2 days' })).text).toBe(
      'Expires in 2 days',
    );
    expect(rowHealth(account({ status: 'expired', expires_phrase: '2 days ago', reconnect_phrase: '2 days ago' })).text).toBe(
      'Expired 2 days ago',
    );
    expect(rowHealth(account({ status: 'healthy', expires_phrase: 'in 45 days', reconnect_phrase: 'in 45 days' }))).toMatchObject({
      text: 'Expires in 45 days',
      tone: 'plain',
    });
  });

  it('shows the problem sentence short for a rejected token, the whole advice in the tooltip', () => {
    const h = rowHealth(
      account({
        status: 'invalid',
        problem: 'Access was removed: the app was deauthorized or the login was revoked.',
        action: 'Reconnect the account and allow access again.',
      }),
    );
    expect(h.text).toBe('Access was removed');
    expect(h.tone).toBe('bad');
    expect(h.title).toBe(
      'Access was removed: the app was deauthorized or the login was revoked. Reconnect the account and allow access again.',
    );
    expect(rowHealth(account({ status: 'invalid', problem: '' })).text).toBe('Rejected by the platform');
  });

  it('says the expiry is unknown for unknown statuses, whatever the word', () => {
    expect(rowHealth(account({ status: 'unknown', expires_phrase: '', reconnect_phrase: '' }))).toMatchObject({
      text: 'Expiry unknown',
      tone: 'muted',
    });
    expect(rowHealth(account({ status: 'something-new' })).text).toBe('Expiry unknown');
  });
});

describe('shortProblem', () => {
  it('keeps the first clause of the sentence', () => {
    expect(shortProblem('The token has expired.')).toBe('The token has expired');
    expect(shortProblem("The account's password was changed, which ended the session.")).toBe("The account's password was changed");
    expect(shortProblem('The login lost access to this account (an admin role or Page access was removed).')).toBe(
      'The login lost access to this account',
    );
  });
});

describe('checkLine', () => {
  const now = new Date(2026, 10, 20, 16, 0); // Friday 20 Nov 2026, 16:00 local

  it('says when the platform last answered', () => {
    expect(checkLine(account({ last_checked_at: '2026-11-20T13:00:00Z', last_checked_phrase: '2 hours ago' }), now)).toEqual({
      text: 'Checked 2 hours ago',
      tone: 'plain',
      title: '',
    });
    expect(checkLine(account(), now)).toEqual({ text: 'Not checked yet', tone: 'muted', title: '' });
  });

  it('says "not verified" in grey when the last check got no answer, with the reason in the tooltip', () => {
    const offline = 'The platform could not be reached (offline, DNS, TLS or timeout).';
    const since = new Date(2026, 10, 20, 14, 5).toISOString();
    expect(
      checkLine(
        account({ last_error: offline, check_problem: 'network', unverified_since: since, last_checked_at: since, last_checked_phrase: '1 hour ago' }),
        now,
        'en-GB',
      ),
    ).toEqual({
      text: 'Not verified since 14:05',
      tone: 'muted',
      title: offline,
    });
    expect(checkLine(account({ last_error: offline, check_problem: 'network', unverified_since: '2026-11-20T09:00:00Z' }), now).text).toBe('Not verified yet');
    // Only the backend's unverified_since makes it unverified, not words alone.
    expect(checkLine(account({ last_error: 'The keychain is locked.', last_checked_phrase: '2 hours ago' }), now).text).toBe('Checked 2 hours ago');
  });
});

describe('shortWhen', () => {
  const now = new Date(2026, 10, 20, 16, 0); // a Friday
  it('is a time today, the weekday this week, a date before', () => {
    expect(shortWhen(new Date(2026, 10, 20, 9, 30).toISOString(), now, 'en-GB')).toBe('9:30');
    expect(shortWhen(new Date(2026, 10, 17, 9, 30).toISOString(), now, 'en-GB')).toBe('Tuesday');
    // Some ICU versions put a narrow no-break space before AM.
    expect(shortWhen(new Date(2026, 10, 20, 9, 5).toISOString(), now, 'en-US').replace(/\s/gu, ' ')).toBe('9:05 AM');
    expect(shortWhen(new Date(2026, 9, 3, 9, 30).toISOString(), now, 'en-GB')).toBe('3 Oct');
    expect(shortWhen(new Date(2025, 9, 3, 9, 30).toISOString(), now, 'en-GB')).toBe('3 Oct 2025');
    expect(shortWhen('', now)).toBe('');
    expect(shortWhen('garbage', now)).toBe('');
  });
});

describe('progressText', () => {
  it('counts the check under way', () => {
    expect(progressText(null)).toBe('Checking…');
    expect(progressText({ done: 0, total: 0 })).toBe('Checking…');
    expect(progressText({ done: 0, total: 12 })).toBe('Checking 1 of 12…');
    expect(progressText({ done: 2, total: 12 })).toBe('Checking 3 of 12…');
    expect(progressText({ done: 12, total: 12 })).toBe('Checking 12 of 12…');
  });
});

describe('summaryText', () => {
  it('says what a run did, leaving out what did not happen', () => {
    const results = [
      ...Array.from({ length: 9 }, () => checkResult()),
      checkResult({ refreshed: true }),
      checkResult({ refreshed: true }),
      checkResult({ verdict: 'invalid', after: 'invalid', reason: 'revoked' }),
    ];
    expect(summaryText(checkSummary(results))).toBe('12 checked · 2 renewed · 1 needs you');
    expect(summaryText(checkSummary([checkResult(), checkResult()]))).toBe('2 checked · all fine');
    expect(summaryText(checkSummary([]))).toBe('Nothing to check.');
    const two = [checkResult({ after: 'expiring' }), checkResult({ after: 'expired' })];
    expect(summaryText(checkSummary(two))).toBe('2 checked · 2 need you');
  });

  it('counts accounts the platform could not be asked about, but not skipped ones', () => {
    const results = [
      checkResult({ verdict: 'none', reason: 'network' }),
      checkResult({ verdict: 'none', reason: 'network' }),
      checkResult({ verdict: 'none', skipped: true, reason: 'rate_limited' }),
      checkResult({ verdict: 'none', error: 'The keychain is locked.' }),
    ];
    expect(summaryText(checkSummary(results))).toBe('4 checked · 3 not verified');
  });
});

describe('resultNotes', () => {
  it('lists rejected tokens and local failures first, then findings, then names what could not be checked', () => {
    const notes = resultNotes([
      checkResult({ label: 'Offline', verdict: 'none', reason: 'network', message: 'Could not check "Offline".' }),
      checkResult({ label: 'Fine' }),
      checkResult({ label: 'Lost page', findings: ['Page "Gym" lost.'] }),
      checkResult({ label: 'Rejected', verdict: 'invalid', message: 'Facebook refused the token.', findings: ['Page "Florist" lost.'] }),
      checkResult({ label: 'Local', verdict: 'none', error: 'The keychain is locked.', message: 'Not checked: The keychain is locked.' }),
      checkResult({ label: 'Down', verdict: 'none', reason: 'provider_down' }),
      checkResult({ label: 'Paused', verdict: 'none', reason: 'rate_limited', skipped: true }),
    ]);
    expect(notes).toEqual([
      { who: 'Rejected · Acme Bakery', text: 'Facebook refused the token. Page "Florist" lost.', tone: 'bad' },
      { who: 'Local · Acme Bakery', text: 'Not checked: The keychain is locked.', tone: 'bad' },
      { who: 'Lost page · Acme Bakery', text: 'Page "Gym" lost.', tone: 'warn' },
      {
        who: 'Not verified (2)',
        text: 'Offline and Down: no answer from the platform this time. Tokenwarden tries again on its own.',
        tone: 'muted',
      },
    ]);
    expect(resultNotes([checkResult()])).toEqual([]);
  });
});

describe('accountCheckText', () => {
  it('is the backend sentence of the one result', () => {
    expect(accountCheckText(checkSummary([checkResult()]))).toBe('Facebook accepts the token of "Acme Page".');
    expect(accountCheckText(checkSummary([]))).toBe('Nothing was checked.');
  });
  it('does not repeat why an account is not verified: the panel says it already', () => {
    expect(accountCheckText(checkSummary([checkResult({ verdict: 'none', reason: 'network', message: 'Could not check…' })]))).toBe(
      'Tried again just now: still no answer from the platform.',
    );
    const skipped = checkResult({ verdict: 'none', skipped: true, message: 'Tokenwarden cannot check TikTok accounts; only their dates are watched.' });
    expect(accountCheckText(checkSummary([skipped]))).toBe(skipped.message);
  });
});

describe('upcoming', () => {
  const now = new Date(2026, 10, 20, 16, 0);
  it('says today, tomorrow, or the date', () => {
    expect(upcoming(new Date(2026, 10, 20, 18, 5).toISOString(), now, 'en-GB')).toBe('today at 18:05');
    expect(upcoming(new Date(2026, 10, 21, 9, 0).toISOString(), now, 'en-GB')).toBe('tomorrow at 9:00');
    expect(upcoming(new Date(2026, 10, 26, 16, 56).toISOString(), now, 'en-GB')).toBe('on 26 Nov at 16:56');
    expect(upcoming(new Date(2027, 0, 2, 8, 0).toISOString(), now, 'en-GB')).toBe('on 2 Jan 2027 at 8:00');
    expect(upcoming('', now)).toBe('');
  });
});

describe('snoozeText', () => {
  it('says until when, or that notifications are on again', () => {
    expect(snoozeText('2026-11-27T15:00:00Z', 'en-GB')).toBe('Notifications snoozed until Fri 27 Nov, 16:00.');
    expect(snoozeText('')).toBe('Notifications are on again for this account.');
  });
});

describe('usageFigures', () => {
  it('words the names, sorts them and reads percentages for a bar', () => {
    expect(usageFigures({ 'app call_count': '12%', 'app total_time': '85 %', calls: '1200/day' })).toEqual([
      { name: 'App call count', value: '12%', percent: 12 },
      { name: 'App total time', value: '85 %', percent: 85 },
      { name: 'Calls', value: '1200/day', percent: null },
    ]);
    expect(usageFigures(null)).toEqual([]);
  });
});
