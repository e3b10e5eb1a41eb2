// Component tests of backup and restore: the first-run screen's "Restore
// from a backup", the confirmation a data folder with data needs, the
// backend's refusal shown as it words it, and Settings' backup section.
// Against the fake backend on window.go.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import { account, backupSchedule, fakeBackend, group, overview } from './test/fixtures';
import type { RestoreDone } from './lib/api';

type Fn = ReturnType<typeof vi.fn>;
let backend: Record<string, Fn>;

const restored = (over: Partial<RestoreDone> = {}): RestoreDone => ({
  data_dir: '/home/me/.config/tokenwarden',
  moved_aside: '',
  backup_created_at: '2026-11-30T09:00:00Z',
  app_version: '0.2.0',
  clients: 2,
  accounts: 5,
  secrets: 6,
  checks: { checked: 5, renewed: 1, attention: 1, results: [] },
  check_error: '',
  ...over,
});

/** The text as the window shows it, with runs of white space as one space. */
const shown = (el: HTMLElement) => (el.textContent ?? '').replace(/\s+/g, ' ');

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  delete (window as unknown as { go?: unknown }).go;
});

async function openRestoreFromFirstRun() {
  render(App);
  const empty = await screen.findByTestId('empty-state');
  expect(within(empty).getByTestId('first-run-checklist')).toBeTruthy();
  await fireEvent.click(within(empty).getByTestId('empty-restore'));
  return screen.findByTestId('dialog-restore');
}

describe('Restore from a backup', () => {
  it('shows the backend’s refusal and keeps the dialog, then restores and asks to restart', async () => {
    backend = fakeBackend(overview([]), {
      ChooseBackupFile: vi.fn().mockResolvedValue('/home/me/tokenwarden-2026-11-30.age'),
      Restore: vi
        .fn()
        .mockRejectedValueOnce('The passphrase is wrong, or the file was not made for it. Nothing was changed.')
        .mockResolvedValueOnce(restored()),
    });
    const dialog = await openRestoreFromFirstRun();
    const submit = within(dialog).getByTestId('dialog-submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await fireEvent.click(within(dialog).getByTestId('restore-choose'));
    await waitFor(() => expect(within(dialog).getByTestId('restore-file').textContent).toBe('tokenwarden-2026-11-30.age'));
    await fireEvent.input(within(dialog).getByTestId('restore-passphrase'), { target: { value: 'not it at all' } });
    expect(within(dialog).queryByTestId('restore-confirm')).toBeNull(); // the folder is empty
    await fireEvent.click(submit);
    expect((await within(dialog).findByTestId('dialog-error')).textContent).toContain('The passphrase is wrong');
    expect(backend.Restore).toHaveBeenCalledWith('/home/me/tokenwarden-2026-11-30.age', 'not it at all', false);

    await fireEvent.input(within(dialog).getByTestId('restore-passphrase'), { target: { value: 'correct horse battery' } });
    await fireEvent.click(submit);
    const done = await within(dialog).findByTestId('restore-done');
    expect(shown(done)).toContain('Restored 2 clients, 5 accounts and 6 tokens');
    expect(shown(within(done).getByTestId('restore-checks'))).toContain('Checked 5 accounts on this machine: 1 needs you.');
    expect(done.textContent).not.toContain('correct horse battery');
    await fireEvent.click(within(dialog).getByTestId('restore-quit'));
    await waitFor(() => expect(backend.QuitAfterRestore).toHaveBeenCalledOnce());
  });

  it('asks before replacing a data folder that holds data, and says where the old one went', async () => {
    backend = fakeBackend(overview([group('Acme Bakery', 'cli_acme00000000', [account()])]), {
      DataFolder: vi.fn().mockResolvedValue({ data_dir: '/home/me/.config/tokenwarden', empty: false }),
      ChooseBackupFile: vi.fn().mockResolvedValue('/home/me/b.age'),
      Restore: vi.fn().mockResolvedValue(restored({ moved_aside: '/home/me/.config/tokenwarden.before-restore-20261201T000000Z' })),
    });
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('settings-button'));
    const settings = await screen.findByTestId('dialog-settings');
    await fireEvent.click(await within(settings).findByTestId('backup-restore'));
    const dialog = await screen.findByTestId('dialog-restore');
    await fireEvent.click(within(dialog).getByTestId('restore-choose'));
    await fireEvent.input(within(dialog).getByTestId('restore-passphrase'), { target: { value: 'correct horse battery' } });
    const confirm = await within(dialog).findByTestId('restore-confirm');
    expect(confirm.textContent).toContain('moved aside');
    const submit = within(dialog).getByTestId('dialog-submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await fireEvent.click(within(dialog).getByTestId('restore-replace'));
    expect(submit.disabled).toBe(false);
    await fireEvent.click(submit);
    expect((await within(dialog).findByTestId('restore-moved-aside')).textContent).toContain('before-restore-20261201T000000Z');
    expect(backend.Restore).toHaveBeenCalledWith('/home/me/b.age', 'correct horse battery', true);
    expect(backend.SaveNotificationSettings).not.toHaveBeenCalled();
  });
});

describe('Settings: backup', () => {
  it('backs up to the chosen file and saves the schedule', async () => {
    backend = fakeBackend(overview([]), {
      ChooseBackupDestination: vi.fn().mockResolvedValue('/home/me/tokenwarden-2026-12-01.age'),
      Backup: vi.fn().mockResolvedValue({
        file: '/home/me/tokenwarden-2026-12-01.age',
        created_at: '2026-12-01T00:00:00Z',
        clients: 1,
        accounts: 3,
        secrets: 3,
      }),
      ChooseBackupFolder: vi.fn().mockResolvedValue('/home/me/Backups'),
      SaveSchedule: vi
        .fn()
        .mockRejectedValueOnce('Choose a passphrase for the backups.')
        .mockResolvedValueOnce(backupSchedule({ enabled: true, folder: '/home/me/Backups', keep: 5, next_at: '2026-12-01T00:00:00Z' })),
    });
    render(App);
    await screen.findByTestId('empty-state');
    await fireEvent.click(screen.getByTestId('settings-button'));
    const section = await screen.findByTestId('settings-backup');
    await fireEvent.input(within(section).getByTestId('backup-passphrase'), { target: { value: 'correct horse battery' } });
    await fireEvent.click(within(section).getByTestId('backup-now'));
    expect(shown(await within(section).findByTestId('backup-made'))).toContain('Saved 1 client and 3 accounts');
    expect(backend.Backup).toHaveBeenCalledWith('/home/me/tokenwarden-2026-12-01.age', 'correct horse battery');
    expect((within(section).getByTestId('backup-passphrase') as HTMLInputElement).value).toBe('');

    await fireEvent.click(await within(section).findByTestId('schedule-enabled'));
    await fireEvent.click(within(section).getByTestId('schedule-choose'));
    await waitFor(() => expect(within(section).getByTestId('schedule-folder').textContent).toBe('/home/me/Backups'));
    await fireEvent.input(within(section).getByTestId('schedule-keep'), { target: { value: '5' } });
    await fireEvent.click(within(section).getByTestId('schedule-save'));
    expect((await within(section).findByTestId('schedule-error')).textContent).toBe('Choose a passphrase for the backups.');
    await fireEvent.input(within(section).getByTestId('schedule-passphrase'), { target: { value: 'another long passphrase' } });
    await fireEvent.click(within(section).getByTestId('schedule-save'));
    await within(section).findByTestId('schedule-saved');
    expect(backend.SaveSchedule).toHaveBeenLastCalledWith({
      enabled: true,
      folder: '/home/me/Backups',
      keep: 5,
      every_hours: 24,
      passphrase: 'another long passphrase',
    });
    expect((within(section).getByTestId('schedule-passphrase') as HTMLInputElement).value).toBe('');
    expect(backend.SaveNotificationSettings).not.toHaveBeenCalled();
  });
});
