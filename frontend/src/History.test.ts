// Component tests of the history views through the whole window: the tabs,
// Activity with its filters, routine toggle, paging and exports, the Health
// overview and one client's health, the report dialog, and Deadlines.
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
        existed: 30 * day, monitored: 30 * day, monitored_since: from.toISOString(), healthy: 28 * day, broken: 2 * day, uptime_pct: 93.3, uptime_30d_pct: 93.3, uptime_90d_pct: 97.8,
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
    Activity: vi.fn((f: { before_id: number }, routine: boolean) =>
      Promise.resolve(
        f.before_id === 0
          ? { days: [{ day: '2026-03-10', events: Array.from({ length: 30 }, (_, i) => ev(i + 1)) }, { day: '2026-03-09', events: Array.from({ length: 20 }, (_, i) => ev(i + 31)) }], next_before_id: 50, routine_hidden: !routine }
          : { days: [{ day: '2026-03-09', events: [ev(50), ev(51, { outcome: 'failed', reason: 'invalid_grant', message: 'Refused' })] }], next_before_id: 0, routine_hidden: !routine },
      ),
    ),
    ClientHealth: vi.fn().mockResolvedValue(health()),
    HealthOverview: vi.fn().mockResolvedValue([
      { client_id: 'cli_acme', client_name: 'Acme Bakery', uptime_pct: 93.3, incidents: 1, ongoing: 0, needs_attention: 1, accounts: 1 },
      { client_id: 'cli_new', client_name: 'New Co', incidents: 0, ongoing: 0, needs_attention: 0, accounts: 2 },
    ]),
    IncidentsPerWeek: vi.fn().mockResolvedValue({
      weeks: ['2026-02-23', '2026-03-02', '2026-03-09'], week_labels: ['23 Feb', '2 Mar', '9 Mar'],
      clients: [{ client_id: 'cli_acme', client_name: 'Acme Bakery', counts: [0, 1, 0], total: 1 }, { client_id: 'cli_new', client_name: 'New Co', counts: [0, 0, 0], total: 0 }],
    }),
    Deadlines: vi.fn().mockResolvedValue([
      { account_id: 'acc_fb', client_id: 'cli_acme', client_name: 'Acme Bakery', provider: 'facebook', provider_name: 'Facebook', label: 'Acme FB', by: new Date().toISOString(), status: 'invalid', broken_now: true, reason: 'revoked', problem: 'The access was revoked.' },
      { account_id: 'acc_ig', client_id: 'cli_acme', client_name: 'Acme Bakery', provider: 'instagram', provider_name: 'Instagram', label: 'Acme IG', by: new Date(Date.now() + 5 * day).toISOString(), status: 'healthy', broken_now: false },
    ]),
    ReportPeriods: vi.fn().mockResolvedValue([{ id: 'last_month', label: 'February 2026' }, { id: 'this_month', label: '1–10 Mar 2026 (so far)' }]),
    ReportSettings: vi.fn().mockResolvedValue({ sender_name: '', accent: '#2f6fde', logo: '', client_view: true, paper: 'a4' }),
    SaveReportSettings: vi.fn((s: object) => Promise.resolve(s)),
    ChooseLogo: vi.fn().mockResolvedValue({ sender_name: '', accent: '#2f6fde', logo: 'logo.svg', client_view: true, paper: 'a4' }),
    RemoveLogo: vi.fn().mockResolvedValue({ sender_name: '', accent: '#2f6fde', logo: '', client_view: true, paper: 'a4' }),
    ExportReport: vi.fn().mockResolvedValue({ folder: '/home/me/Downloads', reports: [{ client_id: 'cli_acme', client_name: 'Acme Bakery', path: '/home/me/Downloads/Acme Bakery - connection report - February 2026.html', format: 'html', accounts: 1, incidents: 1 }] }),
    ExportAllReports: vi.fn().mockResolvedValue({ folder: '', reports: [] }),
    OpenReport: vi.fn().mockResolvedValue(undefined),
    ShowReportInFolder: vi.fn().mockResolvedValue(undefined),
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

  it('lists activity by day without routine checks, and pages to older events with before_id', async () => {
    await openTab('activity');
    await waitFor(() => expect(screen.getAllByTestId('activity-row')).toHaveLength(50));
    expect(backend.Activity).toHaveBeenCalledWith(expect.objectContaining({ before_id: 0, limit: 50 }), false);
    expect(screen.getAllByTestId('activity-day')).toHaveLength(2);
    await fireEvent.click(screen.getByRole('button', { name: 'Load older' }));
    await waitFor(() => expect(screen.getAllByTestId('activity-row')).toHaveLength(51));
    expect(backend.Activity).toHaveBeenLastCalledWith(expect.objectContaining({ before_id: 50 }), false);
    // The day that went on across the pages stays one day.
    expect(screen.getAllByTestId('activity-day')).toHaveLength(2);
    expect(screen.getByTestId('activity-reason').textContent).toContain('invalid grant');
    expect(screen.getByTestId('activity-end')).toBeTruthy();
  });

  it('shows routine checks when asked, from the newest page', async () => {
    await openTab('activity');
    await screen.findAllByTestId('activity-row');
    await fireEvent.click(screen.getByTestId('activity-routine'));
    await waitFor(() => expect(backend.Activity).toHaveBeenLastCalledWith(expect.objectContaining({ before_id: 0 }), true));
  });

  it('filters, and exports what the filters match', async () => {
    await openTab('activity');
    await screen.findAllByTestId('activity-row');
    await fireEvent.change(screen.getByTestId('activity-outcome'), { target: { value: 'failed' } });
    await waitFor(() => expect(backend.Activity).toHaveBeenLastCalledWith(expect.objectContaining({ outcome: 'failed', before_id: 0 }), false));
    await fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() =>
      expect(backend.Export).toHaveBeenCalledWith(expect.objectContaining({ format: 'csv', filter: expect.objectContaining({ outcome: 'failed' }) })),
    );
    expect(await screen.findByText(/Saved to \/home\/me\/Downloads\/tokenwarden-history.csv/)).toBeTruthy();
  });

  it('says so when nothing matches', async () => {
    backend.Activity.mockResolvedValue({ days: [], next_before_id: 0, routine_hidden: true });
    await openTab('activity');
    expect(await screen.findByTestId('activity-empty')).toBeTruthy();
  });

  it('shows every client worst first, then one client’s uptime, bands and incidents', async () => {
    await openTab('health');
    const rows = await screen.findAllByTestId('health-overview-row');
    expect(rows.map((r) => r.getAttribute('data-client-id'))).toEqual(['cli_acme', 'cli_new']);
    expect(rows[0].textContent).toContain('93.3%');
    expect(rows[1].textContent).toContain('not monitored');
    expect(backend.HealthOverview).toHaveBeenCalledWith(30);
    expect(screen.getAllByTestId('incidents-chart-row')).toHaveLength(1);
    await fireEvent.click(screen.getAllByTestId('health-overview-open')[0]);
    expect((await screen.findByTestId('health-uptime')).textContent).toBe('93.3%');
    expect(backend.ClientHealth).toHaveBeenCalledWith('cli_acme', 30);
    expect(screen.getByTestId('health-mttr').textContent).toBe('2 days');
    expect(screen.getByTestId('health-monitored-since').textContent).toMatch(/^monitored since /);
    const segs = screen.getByTestId('status-band').querySelectorAll('rect[data-state]');
    expect([...segs].map((s) => s.getAttribute('data-state'))).toEqual(['healthy', 'broken', 'healthy']);
    expect(screen.getByTestId('incident').textContent).toContain('The access was revoked.');
    await fireEvent.click(screen.getByTestId('health-days-90'));
    await waitFor(() => expect(backend.ClientHealth).toHaveBeenLastCalledWith('cli_acme', 90));
    await fireEvent.click(screen.getByTestId('health-back'));
    await waitFor(() => expect(backend.HealthOverview).toHaveBeenLastCalledWith(90));
  });

  it('exports a client’s report through the dialog, saving changed settings first, then offers Open and Show in folder', async () => {
    await openTab('health');
    await fireEvent.click((await screen.findAllByTestId('health-overview-open'))[0]);
    await fireEvent.click(await screen.findByTestId('export-report'));
    const sender = await screen.findByTestId('report-sender');
    expect((screen.getByTestId('report-client-view') as HTMLInputElement).checked).toBe(true);
    await fireEvent.input(sender, { target: { value: 'Jo Studio' } });
    await fireEvent.click(screen.getByTestId('report-logo-choose'));
    await waitFor(() => expect(screen.getByTestId('report-logo').textContent).toBe('Logo set'));
    await fireEvent.click(screen.getByTestId('report-format-html'));
    await fireEvent.click(screen.getByTestId('dialog-submit'));
    await waitFor(() => expect(backend.ExportReport).toHaveBeenCalledWith(expect.objectContaining({ client_id: 'cli_acme', period: 'last_month', format: 'html' })));
    expect(backend.SaveReportSettings).toHaveBeenCalledWith(expect.objectContaining({ sender_name: 'Jo Studio', client_view: true }));
    expect(backend.SaveReportSettings.mock.invocationCallOrder[0]).toBeLessThan(backend.ExportReport.mock.invocationCallOrder[0]);
    expect((await screen.findByText(/Saved the report of Acme Bakery: Acme Bakery - connection report - February 2026.html/))).toBeTruthy();
    expect(screen.queryByTestId('dialog-report')).toBeNull();
    const [open, reveal] = screen.getAllByTestId('toast-action');
    expect([open.textContent, reveal.textContent]).toEqual(['Open', 'Show in folder']);
    await fireEvent.click(reveal);
    expect(backend.ShowReportInFolder).toHaveBeenCalledWith('/home/me/Downloads/Acme Bakery - connection report - February 2026.html');
  });

  it('exports every client into a folder; a cancelled folder dialog keeps the dialog open and says nothing', async () => {
    await openTab('health');
    await fireEvent.click(await screen.findByTestId('export-all-reports'));
    await screen.findByTestId('report-settings');
    await fireEvent.click(screen.getByTestId('dialog-submit'));
    await waitFor(() => expect(backend.ExportAllReports).toHaveBeenCalledWith(expect.objectContaining({ client_id: '', period: 'last_month', format: 'pdf' })));
    expect(backend.SaveReportSettings).not.toHaveBeenCalled();
    expect(screen.getByTestId('dialog-report')).toBeTruthy();
    expect(screen.queryByTestId('toast-action')).toBeNull();
  });

  it('lists broken accounts as broken now, then deadlines with how soon, and exports them to a calendar', async () => {
    await openTab('deadlines');
    const broken = await screen.findByTestId('deadlines-broken');
    expect(broken.textContent).toContain('Acme FB');
    expect(broken.textContent).toContain('The access was revoked.');
    const dues = screen.getAllByTestId('deadline-due').map((d) => d.textContent);
    expect(dues).toEqual(['broken now', 'in 5 days']);
    await fireEvent.click(screen.getByTestId('export-ics'));
    await waitFor(() => expect(backend.Export).toHaveBeenCalledWith(expect.objectContaining({ format: 'ics', days: 90 })));
  });
});
