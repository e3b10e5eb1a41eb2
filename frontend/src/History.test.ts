// Component tests of the history views through the whole window: the tabs,
// Activity with its filters, paging and exports, Health and Deadlines.
// Against the fake backend on window.go and the fake Wails runtime.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { account, fakeBackend, fakeRuntime, group, overview } from './test/fixtures';
import type { EventView } from './lib/api';

type Fn = ReturnType<typeof vi.fn>;

const ov = () =>
  overview([
    group('Acme Bakery', 'cli_acme', [
      account({ id: 'acc_ig', label: 'Acme IG', provider: 'instagram', provider_name: 'Instagram', client_id: 'cli_acme', client_name: 'Acme Bakery' }),
    ]),
  ]);

function ev(id: number, over: Partial<EventView> = {}): EventView {
  return {
    id,
    time: new Date(Date.now() - id * 3_600_000).toISOString(),
    time_phrase: `${id} hours ago`,
    client_name: 'Acme Bakery',
    account_id: 'acc_ig',
    account_label: 'Acme IG',
    provider: 'instagram',
    kind: 'account.checked',
    outcome: 'ok',
    reason: '',
    message: `Event ${id}`,
    ...over,
  };
}

const day = 86_400_000;
const health = () => {
  const to = new Date();
  const from = new Date(to.getTime() - 30 * day);
  const brokeAt = new Date(to.getTime() - 10 * day).toISOString();
  const fixedAt = new Date(to.getTime() - 8 * day).toISOString();
  return {
    client_id: 'cli_acme',
    client_name: 'Acme Bakery',
    period: { from: from.toISOString(), to: to.toISOString() },
    generated_at: to.toISOString(),
    accounts: [
      {
        account_id: 'acc_ig', label: 'Acme IG', provider: 'instagram', client_id: 'cli_acme', state: 'healthy', reason: '',
        existed: 30 * day, healthy: 28 * day, broken: 2 * day, uptime_pct: 93.3, uptime_30d_pct: 93.3, uptime_90d_pct: 97.8,
        incidents: [], actions: [], needs_attention: false,
        intervals: [
          { state: 'healthy', start: from.toISOString(), end: brokeAt, ongoing: false, start_event_id: 1, end_event_id: 2 },
          { state: 'broken', start: brokeAt, end: fixedAt, ongoing: false, reason: 'revoked', reasons: ['revoked'], start_event_id: 2, end_event_id: 3 },
          { state: 'healthy', start: fixedAt, end: to.toISOString(), ongoing: true, start_event_id: 3, end_event_id: 0 },
        ],
      },
    ],
    uptime_pct: 93.3, uptime_30d_pct: 93.3, uptime_90d_pct: 97.8, all_working_pct: 93.3,
    incidents: [
      {
        account_id: 'acc_ig', account_label: 'Acme IG', provider: 'instagram', client_id: 'cli_acme', client_name: 'Acme Bakery',
        start: brokeAt, end: fixedAt, ongoing: false, duration: 2 * day, reason: 'revoked', reasons: ['revoked'],
        explanation: 'The access was revoked.', ended_by: 'account.reconnected', start_event_id: 2, end_event_id: 3,
      },
    ],
    mean_time_to_reconnect: 2 * day, resolved_incidents: 1, needs_attention: [], actions: [],
  };
};

let backend: Record<string, Fn>;

beforeEach(() => {
  localStorage.clear();
  fakeRuntime();
  backend = fakeBackend(ov(), {
    History: vi.fn((f: { before_id: number }) =>
      Promise.resolve(
        f.before_id === 0
          ? { events: Array.from({ length: 50 }, (_, i) => ev(i + 1)), next_before_id: 50 }
          : { events: [ev(51, { outcome: 'failed', reason: 'invalid_grant', message: 'Refused' })], next_before_id: 0 },
      ),
    ),
    ClientHealth: vi.fn().mockResolvedValue(health()),
    Deadlines: vi.fn().mockResolvedValue([
      { account_id: 'acc_ig', client_id: 'cli_acme', client_name: 'Acme Bakery', provider: 'instagram', provider_name: 'Instagram', label: 'Acme IG', by: new Date(Date.now() + 5 * day).toISOString() },
    ]),
    Export: vi.fn().mockResolvedValue('/home/me/Downloads/tokenwarden-history.csv'),
  });
});

afterEach(() => cleanup());

async function openTab(name: string) {
  render(App);
  await fireEvent.click(await screen.findByTestId(`tab-${name}`));
}

describe('history views', () => {
  it('shows the accounts overview until another tab is chosen', async () => {
    render(App);
    const tab = await screen.findByTestId('tab-accounts');
    expect(tab.getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByTestId('view-activity')).toBeNull();
  });

  it('lists activity by day and pages to older events with before_id', async () => {
    await openTab('activity');
    await waitFor(() => expect(screen.getAllByTestId('activity-row')).toHaveLength(50));
    expect(backend.History).toHaveBeenCalledWith(expect.objectContaining({ before_id: 0, limit: 50 }));
    await fireEvent.click(screen.getByRole('button', { name: 'Load older' }));
    await waitFor(() => expect(screen.getAllByTestId('activity-row')).toHaveLength(51));
    expect(backend.History).toHaveBeenLastCalledWith(expect.objectContaining({ before_id: 50 }));
    expect(screen.getByTestId('activity-reason').textContent).toContain('invalid grant');
    expect(screen.getByTestId('activity-end')).toBeTruthy();
  });

  it('filters, and exports what the filters match', async () => {
    await openTab('activity');
    await screen.findAllByTestId('activity-row');
    await fireEvent.change(screen.getByTestId('activity-outcome'), { target: { value: 'failed' } });
    await waitFor(() => expect(backend.History).toHaveBeenLastCalledWith(expect.objectContaining({ outcome: 'failed', before_id: 0 })));
    await fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() =>
      expect(backend.Export).toHaveBeenCalledWith(expect.objectContaining({ format: 'csv', filter: expect.objectContaining({ outcome: 'failed' }) })),
    );
    expect(await screen.findByText(/Saved to \/home\/me\/Downloads\/tokenwarden-history.csv/)).toBeTruthy();
  });

  it('says so when nothing matches', async () => {
    backend.History.mockResolvedValue({ events: [], next_before_id: 0 });
    await openTab('activity');
    expect(await screen.findByTestId('activity-empty')).toBeTruthy();
  });

  it('shows a client’s uptime, bands and incidents, and exports the report', async () => {
    await openTab('health');
    expect((await screen.findByTestId('health-uptime')).textContent).toBe('93.3%');
    expect(backend.ClientHealth).toHaveBeenCalledWith('cli_acme', 30);
    expect(screen.getByTestId('health-mttr').textContent).toBe('2 days');
    const segs = screen.getByTestId('status-band').querySelectorAll('rect[data-state]');
    expect([...segs].map((s) => s.getAttribute('data-state'))).toEqual(['healthy', 'broken', 'healthy']);
    expect(screen.getByTestId('incident').textContent).toContain('The access was revoked.');
    await fireEvent.click(screen.getByTestId('health-days-90'));
    await waitFor(() => expect(backend.ClientHealth).toHaveBeenLastCalledWith('cli_acme', 90));
    await fireEvent.click(screen.getByTestId('export-report'));
    await waitFor(() => expect(backend.Export).toHaveBeenCalledWith(expect.objectContaining({ format: 'report', client_id: 'cli_acme', days: 90 })));
  });

  it('lists deadlines with how soon, and exports them to a calendar', async () => {
    await openTab('deadlines');
    expect((await screen.findByTestId('deadline-due')).textContent).toBe('in 5 days');
    await fireEvent.click(screen.getByTestId('export-ics'));
    await waitFor(() => expect(backend.Export).toHaveBeenCalledWith(expect.objectContaining({ format: 'ics', days: 90 })));
  });
});
