// Component tests of the account list through the whole window: sort,
// fold, table, the keyboard, and updates that fetch only the changed rows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import App from './App.svelte';
import { account, fakeBackend, fakeRuntime, group, overview } from './test/fixtures';
import { prefsKey } from './lib/list';

let rt: ReturnType<typeof fakeRuntime>;

const data = () =>
  overview([
    group('Acme', 'cli_a', [
      account({ id: 'a1', label: 'Acme Page', status: 'expired', expires_at: '2026-11-01T10:00:00Z', reconnect_by: '2026-11-01T10:00:00Z' }),
      account({ id: 'a2', label: 'Acme Ads', status: 'healthy', expires_at: '2027-01-20T10:00:00Z', reconnect_by: '2027-01-20T10:00:00Z' }),
    ]),
    group('Bolt', 'cli_b', [
      account({ id: 'b1', label: 'Bolt Shop', status: 'healthy', expires_at: '2026-12-24T10:00:00Z', reconnect_by: '2026-12-24T10:00:00Z' }),
    ]),
  ]);

const rowIds = () => screen.getAllByTestId('account-row').map((r) => r.dataset.accountId);

beforeEach(() => {
  localStorage.clear();
  rt = fakeRuntime();
});

afterEach(() => {
  cleanup();
  delete (window as unknown as { go?: unknown }).go;
});

describe('the account list', () => {
  it('sorts, folds healthy clients and shows a table, and remembers the choice', async () => {
    fakeBackend(data());
    render(App);
    await screen.findAllByTestId('account-row');
    expect(rowIds()).toEqual(['a1', 'a2', 'b1']);

    await fireEvent.change(screen.getByTestId('list-sort'), { target: { value: 'name' } });
    expect(rowIds()).toEqual(['a2', 'a1', 'b1']);

    await fireEvent.click(screen.getByTestId('list-fold-healthy'));
    expect(rowIds()).toEqual(['a2', 'a1']);
    const bolt = screen.getAllByTestId('client-card').find((c) => c.dataset.clientName === 'Bolt')!;
    expect(bolt.dataset.folded).toBe('true');
    expect(within(bolt).getByTestId('client-folded').textContent).toMatch(/1 healthy account/);

    await fireEvent.click(screen.getByTestId('list-mode-table'));
    expect(screen.getByTestId('account-table')).toBeTruthy();
    expect(screen.getAllByTestId('client-folded')).toHaveLength(1);
    expect(JSON.parse(localStorage.getItem(prefsKey)!)).toEqual({ sort: 'name', mode: 'table', collapseHealthy: true });

    cleanup();
    fakeBackend(data());
    render(App);
    await screen.findAllByTestId('account-row');
    expect(screen.getByTestId('account-table')).toBeTruthy();
    expect((screen.getByTestId('list-sort') as HTMLSelectElement).value).toBe('name');
  });

  it('moves with the arrow keys, opens with Enter and gives the focus back on Escape', async () => {
    fakeBackend(data());
    render(App);
    const rows = await screen.findAllByTestId('account-row');
    rows[0].focus();
    await fireEvent.keyDown(rows[0], { key: 'ArrowDown' });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.accountId).toBe('a2'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.accountId).toBe('b1'));
    await fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.accountId).toBe('a1'));
    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.accountId).toBe('b1'));

    await fireEvent.click(document.activeElement!); // what Enter does on a button
    await screen.findByTestId('account-panel');
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('account-panel')).toBeNull());
    await tick();
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.accountId).toBe('b1'));
  });

  it('reloads everything when the backend says more than rows changed', async () => {
    const backend = fakeBackend(data());
    render(App);
    await screen.findAllByTestId('account-row');
    const before = backend.Overview.mock.calls.length;
    rt.emit('accounts:changed', { ids: [], all: true });
    await waitFor(() => expect(backend.Overview.mock.calls.length).toBe(before + 1));
    rt.emit('accounts:changed', { ids: ['b1'], all: false });
    await waitFor(() => expect(backend.Entries).toHaveBeenCalledWith(['b1']));
    expect(backend.Overview.mock.calls.length).toBe(before + 1);
  });
});
