import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { account, group, overview } from '../test/fixtures';
import { Coalescer, countStatuses, nextStatusChange, patchOverview } from './changes';

const ov = () =>
  overview([
    group('Acme', 'cli_a', [account({ id: 'a1', status: 'expiring' }), account({ id: 'a2', status: 'healthy' })]),
    group('Bolt', 'cli_b', [account({ id: 'b1', status: 'invalid' })]),
  ]);

describe('patchOverview', () => {
  it('replaces the rows asked for and keeps the other clients as they were', () => {
    const before = ov();
    const fresh = { ...before.groups[0].accounts[0], status: 'healthy', label: 'Renewed' };
    const after = patchOverview(before, ['a1'], [fresh])!;
    expect(after.groups[0].accounts.map((a) => `${a.id}:${a.label}:${a.status}`)).toEqual(['a1:Renewed:healthy', 'a2:Acme Page:healthy']);
    expect(after.groups[1]).toBe(before.groups[1]); // untouched: no redraw
    expect(after.counts).toEqual(countStatuses(after.groups));
    expect(after.counts).toMatchObject({ total: 3, healthy: 2, expiring: 0, invalid: 1 });
    expect(before.groups[0].accounts[0].status).toBe('expiring'); // the old overview is left alone
  });

  it('drops asked rows that did not come back (deleted), and adds new ones to their client', () => {
    const before = ov();
    const added = account({ id: 'b2', client_id: 'cli_b', status: 'expired' });
    const after = patchOverview(before, ['a2', 'b2'], [added])!;
    expect(after.groups.map((g) => g.accounts.map((a) => a.id))).toEqual([['a1'], ['b1', 'b2']]);
    expect(after.counts).toMatchObject({ total: 3, expired: 1, healthy: 0 });
  });

  it('moves a row to its new client', () => {
    const before = ov();
    const moved = { ...before.groups[0].accounts[1], client_id: 'cli_b', client_name: 'Bolt' };
    const after = patchOverview(before, ['a2'], [moved])!;
    expect(after.groups.map((g) => g.accounts.map((a) => a.id))).toEqual([['a1'], ['b1', 'a2']]);
  });

  it('asks for a full reload when a row belongs to a client it does not know', () => {
    expect(patchOverview(ov(), ['x1'], [account({ id: 'x1', client_id: 'cli_new' })])).toBeNull();
  });
});

describe('nextStatusChange', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  it('is the soonest moment the backend gave, with every account due then', () => {
    const gs = [
      group('A', 'cli_a', [
        account({ id: 'later', status_changes_at: '2026-11-25T10:00:00Z' }),
        account({ id: 'soon1', status_changes_at: '2026-11-21T10:00:00Z' }),
        account({ id: 'never', status_changes_at: '' }),
      ]),
      group('B', 'cli_b', [account({ id: 'soon2', status_changes_at: '2026-11-21T10:00:00Z' })]),
    ];
    expect(nextStatusChange(gs, now)).toEqual({ at: Date.parse('2026-11-21T10:00:00Z'), ids: ['soon1', 'soon2'] });
  });

  it('treats a moment already past as now, and none as null', () => {
    const gs = [group('A', 'cli_a', [account({ id: 'past', status_changes_at: '2026-11-19T10:00:00Z' })])];
    expect(nextStatusChange(gs, now)).toEqual({ at: now, ids: ['past'] });
    expect(nextStatusChange([group('A', 'cli_a', [account({ status_changes_at: '' })])], now)).toBeNull();
  });
});

describe('Coalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands over a burst once it pauses, each id once', () => {
    const got: (string[] | 'all')[] = [];
    const c = new Coalescer((ids) => got.push(ids), 250, 1500);
    c.add(['a']);
    vi.advanceTimersByTime(100);
    c.add(['b', 'a']);
    vi.advanceTimersByTime(249);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(got).toEqual([['a', 'b']]);
  });

  it('does not wait longer than maxWait during a long burst', () => {
    const got: (string[] | 'all')[] = [];
    const c = new Coalescer((ids) => got.push(ids), 250, 1000);
    for (let t = 0; t < 1200; t += 100) {
      c.add([`id${t}`]);
      vi.advanceTimersByTime(100);
    }
    expect(got.length).toBe(1);
    expect((got[0] as string[]).length).toBe(10);
  });

  it('asks for everything once when all() came in between, and nothing after stop()', () => {
    const got: (string[] | 'all')[] = [];
    const c = new Coalescer((ids) => got.push(ids), 250, 1500);
    c.add(['a']);
    c.all();
    vi.advanceTimersByTime(300);
    expect(got).toEqual(['all']);
    c.add(['b']);
    c.stop();
    vi.advanceTimersByTime(2000);
    expect(got).toEqual(['all']);
  });
});
