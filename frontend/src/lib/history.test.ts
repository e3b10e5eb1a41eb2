import { describe, expect, it } from 'vitest';
import type { Deadline, EventView, IncidentChart, StatusInterval } from './api';
import {
  appendDays,
  barHeights,
  chartMax,
  axisTicks,
  bandSegments,
  bandX,
  dayKey,
  dayLabel,
  dueTone,
  dueWords,
  durationWords,
  groupByWeek,
  pctText,
  pctTone,
  reasonWords,
  splitDeadlines,
} from './history';

const local = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).toISOString();

function ev(id: number, time: string): EventView {
  return { id, time, time_phrase: '', client_name: 'Acme', account_id: 'a', account_label: 'IG', provider: 'instagram', kind: 'account.checked', outcome: 'ok', reason: '', message: '' };
}

function iv(state: string, start: string, end: string, extra: Partial<StatusInterval> = {}): StatusInterval {
  return { state, start, end, ongoing: false, reason: '', reasons: [], end_kind: '', ...extra };
}

describe('day grouping', () => {
  it('keys a time by its local day', () => {
    expect(dayKey(local(2026, 3, 9, 23, 59))).toBe('2026-03-09');
    expect(dayKey('not a time')).toBe('');
  });

  it('names today and yesterday, other days by date', () => {
    const now = new Date(2026, 2, 10, 9);
    expect(dayLabel('2026-03-10', now)).toBe('Today');
    expect(dayLabel('2026-03-09', now)).toBe('Yesterday');
    expect(dayLabel('2026-03-01', now, 'en-GB')).toMatch(/1 Mar/);
    expect(dayLabel('2025-12-24', now, 'en-GB')).toMatch(/2025/);
  });

  it('appends an older page of days, joining a day split across pages and skipping repeats', () => {
    const shown = [{ day: '2026-01-02', events: [ev(9, local(2026, 1, 2)), ev(8, local(2026, 1, 2))] }];
    const page = [
      { day: '2026-01-02', events: [ev(8, local(2026, 1, 2)), ev(6, local(2026, 1, 2, 8))] },
      { day: '2026-01-01', events: [ev(5, local(2026, 1, 1))] },
      { day: '2025-12-31', events: [ev(9, local(2026, 1, 2))] },
    ];
    const got = appendDays(shown, page);
    expect(got.map((d) => [d.day, d.events.map((e) => e.id)])).toEqual([
      ['2026-01-02', [9, 8, 6]],
      ['2026-01-01', [5]],
    ]);
    expect(shown[0].events.map((e) => e.id)).toEqual([9, 8]);
    expect(appendDays([], [])).toEqual([]);
  });
});

describe('deadlines', () => {
  const d = (id: string, broken: boolean): Deadline => ({
    account_id: id, client_id: 'c', client_name: 'Acme', provider: 'x', provider_name: 'X', label: id,
    by: '2026-03-01T00:00:00Z', status: broken ? 'invalid' : 'expiring', broken_now: broken, reason: '', problem: '',
  });
  it('puts the accounts broken now apart, keeping the order', () => {
    const got = splitDeadlines([d('a', true), d('b', false), d('c', true), d('d', false)]);
    expect(got.broken.map((x) => x.account_id)).toEqual(['a', 'c']);
    expect(got.upcoming.map((x) => x.account_id)).toEqual(['b', 'd']);
  });
});

describe('incidents chart', () => {
  it('scales every row against the largest weekly count', () => {
    const chart: IncidentChart = {
      weeks: ['2026-11-02', '2026-11-09', '2026-11-16'], week_labels: ['2 Nov', '9 Nov', '16 Nov'],
      clients: [
        { client_id: 'a', client_name: 'A', counts: [0, 8, 2], total: 10 },
        { client_id: 'b', client_name: 'B', counts: [1, 0, 4], total: 5 },
      ],
    };
    const max = chartMax(chart);
    expect(max).toBe(8);
    expect(barHeights(chart.clients[0].counts, max, 40)).toEqual([0, 40, 10]);
    expect(barHeights([1, 0], 100, 40)).toEqual([2, 0]);
    expect(barHeights([0, 0], 0, 40)).toEqual([0, 0]);
    expect(chartMax({ weeks: [], week_labels: [], clients: [] })).toBe(0);
  });
});

describe('status band geometry', () => {
  const from = '2026-01-01T00:00:00Z';
  const to = '2026-01-11T00:00:00Z'; // 10 days over 1000 units: 100 a day

  it('places intervals by time and clips them to the period', () => {
    const s = bandSegments(
      [
        iv('healthy', '2025-12-20T00:00:00Z', '2026-01-03T00:00:00Z'),
        iv('broken', '2026-01-03T00:00:00Z', '2026-01-04T12:00:00Z', { reasons: ['revoked'] }),
        iv('expiring', '2026-01-04T12:00:00Z', '2026-01-20T00:00:00Z', { ongoing: true }),
      ],
      from,
      to,
      1000,
    );
    expect(s.map((x) => [x.state, x.x, x.width])).toEqual([
      ['healthy', 0, 200],
      ['broken', 200, 150],
      ['expiring', 350, 650],
    ]);
    expect(s[1].reasons).toEqual(['revoked']);
    expect(s[2].ongoing).toBe(true);
  });

  it('leaves out intervals outside the period and keeps short ones visible', () => {
    const s = bandSegments(
      [iv('broken', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'), iv('broken', '2026-01-05T00:00:00Z', '2026-01-05T00:01:00Z', { reason: 'network' })],
      from,
      to,
      1000,
      3,
    );
    expect(s).toHaveLength(1);
    expect(s[0].x).toBe(400);
    expect(s[0].width).toBe(3);
    expect(s[0].reasons).toEqual(['network']);
  });

  it('gives nothing for an empty period', () => {
    expect(bandSegments([iv('healthy', from, to)], to, from, 1000)).toEqual([]);
  });

  it('places moments and axis dates', () => {
    expect(bandX('2026-01-06T00:00:00Z', from, to, 1000)).toBe(500);
    expect(bandX('2025-06-01T00:00:00Z', from, to, 1000)).toBeNull();
    const t = axisTicks(from, to, 100, 3, 'en-GB');
    expect(t.map((x) => x.x)).toEqual([0, 50, 100]);
    expect(t).toHaveLength(3);
  });
});

describe('durations and figures', () => {
  it('says durations in the two largest units', () => {
    expect(durationWords(30_000)).toBe('under a minute');
    expect(durationWords(60_000)).toBe('1 minute');
    expect(durationWords(45 * 60_000)).toBe('45 minutes');
    expect(durationWords(3 * 3_600_000 + 20 * 60_000)).toBe('3 hours 20 minutes');
    expect(durationWords(3_600_000)).toBe('1 hour');
    expect(durationWords(2 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000)).toBe('2 days 4 hours');
    expect(durationWords(86_400_000)).toBe('1 day');
    expect(durationWords(null)).toBe('—');
    expect(durationWords(-5)).toBe('—');
  });

  it('never rounds a short outage up to 100%', () => {
    expect(pctText(100)).toBe('100%');
    expect(pctText(99.99)).toBe('99.9%');
    expect(pctText(96.54)).toBe('96.5%');
    expect(pctText(null)).toBe('—');
    expect([pctTone(99.5), pctTone(96), pctTone(80), pctTone(null)]).toEqual(['good', 'warn', 'bad', 'muted']);
  });

  it('words reason codes', () => {
    expect(reasonWords('invalid_grant')).toBe('invalid grant');
    expect(reasonWords('provider_down')).toBe('provider down');
  });
});

describe('deadlines', () => {
  const now = new Date(2026, 2, 11, 10); // Wednesday 11 March 2026
  const dl = (id: string, by: Date): Deadline => ({ account_id: id, client_id: 'c', client_name: 'Acme', provider: 'instagram', provider_name: 'Instagram', label: id, by: by.toISOString(), status: 'healthy', broken_now: false, reason: '', problem: '' });

  it('says when a deadline is due', () => {
    expect(dueWords(new Date(2026, 2, 11, 9).toISOString(), now)).toBe('overdue');
    expect(dueWords(new Date(2026, 2, 11, 18).toISOString(), now)).toBe('today');
    expect(dueWords(new Date(2026, 2, 12, 1).toISOString(), now)).toBe('tomorrow');
    expect(dueWords(new Date(2026, 2, 20, 1).toISOString(), now)).toBe('in 9 days');
    expect(dueTone('invalid')).toBe('bad');
    expect(dueTone('expired')).toBe('bad');
    expect(dueTone('expiring')).toBe('warn');
    expect(dueTone('healthy')).toBe('muted');
    expect(dueTone('unknown')).toBe('muted');
  });

  it('groups deadlines by week from Monday', () => {
    const g = groupByWeek(
      [dl('a', new Date(2026, 2, 15, 20)), dl('b', new Date(2026, 2, 16, 8)), dl('c', new Date(2026, 2, 22)), dl('d', new Date(2026, 3, 1))],
      now,
      'en-GB',
    );
    expect(g.map((w) => [w.label, w.items.map((d) => d.account_id)])).toEqual([
      ['This week', ['a']],
      ['Next week', ['b', 'c']],
      ['Week of 30 Mar', ['d']],
    ]);
    expect(groupByWeek([dl('x', new Date(2026, 2, 1))], now)[0].label).toBe('Overdue');
  });
});
