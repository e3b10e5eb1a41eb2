import { describe, expect, it } from 'vitest';
import type { FixStep } from './api';
import { attentionCount, fixLabel, progressText, record, startRun, stepTitle, stop, summary } from './repair';
import { account } from '../test/fixtures';

function step(id: string, fixes: string[], over: Partial<FixStep> = {}): FixStep {
  return {
    account_id: id, also: [], label: `L-${id}`, client_name: 'Acme', provider: 'google', provider_name: 'Google', who: '', imported: false,
    fixes: fixes.map((f) => ({ account_id: f, label: `L-${f}`, client_name: 'Acme', status: 'expired' })), blocked: '', ...over,
  };
}

describe('bulk fix words', () => {
  it('names what a login is for', () => {
    expect(stepTitle(step('a', ['a']))).toBe('L-a (Acme)');
    expect(stepTitle(step('a', ['a', 'b', 'c']))).toBe('L-a (Acme) and 2 more accounts');
    expect(stepTitle(step('fb', ['p1']))).toBe('L-fb (Acme), for 1 account it keeps alive');
  });

  it('counts progress and sums up by accounts, not logins', () => {
    let run = startRun({ accounts: 4, steps: [step('a', ['a', 'b']), step('c', ['c']), step('d', ['d'])] });
    expect(progressText(run)).toBe('Login 1 of 3');
    run = record(run, 'fixed', '', 2);
    expect(progressText(run)).toBe('Login 2 of 3');
    run = record(run, 'failed', 'declined');
    expect(summary(stop(run))).toEqual({ headline: '2 of 4 accounts fixed; 1 login failed, 1 login not done (stopped).', tone: 'warn' });
    expect(summary(record(record(startRun({ accounts: 1, steps: [step('a', ['a'])] }), 'fixed', '', 1), 'fixed'))).toEqual({
      headline: 'All 1 account fixed.',
      tone: 'good',
    });
  });

  it('counts the accounts that need the user as the backend flags them', () => {
    const groups = [{ accounts: [account({ status: 'expired' }), account({ status: 'healthy' }), account({ status: 'expiring' })] }];
    expect(attentionCount(groups)).toBe(2);
    expect(fixLabel(2)).toBe('Fix 2 accounts');
    expect(fixLabel(1)).toBe('Fix 1 account');
  });
});
