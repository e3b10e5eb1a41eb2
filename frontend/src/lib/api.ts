// The one place that talks to the Go backend. Everything else imports these
// functions and types, never wailsjs directly.
//
// The types below are plain data. The generated classes in wailsjs/go/models
// are assigned to them in each function, so if the Go view types change and
// the bindings are regenerated, `npm run check` points here.
import * as App from '../../wailsjs/go/main/App';

export type Status = 'healthy' | 'expiring' | 'expired' | 'invalid' | 'unknown';

export interface AccountView {
  id: string;
  client_id: string;
  client_name: string;
  provider: string;
  provider_name: string;
  label: string;
  /** Computed by the backend; one of Status (unknown strings are shown as unknown). */
  status: string;
  /** RFC 3339, or "" when the expiry is unknown. */
  expires_at: string;
  /** "in 3 days", "2 hours ago", or "" when unknown. */
  expires_phrase: string;
  has_refresh_token: boolean;
  reason: string;
  created_at: string;
}

export interface ClientGroup {
  id: string;
  name: string;
  accounts: AccountView[];
}

export interface ProviderView {
  id: string;
  name: string;
}

export interface StatusCounts {
  total: number;
  healthy: number;
  expiring: number;
  expired: number;
  invalid: number;
  unknown: number;
}

export interface Overview {
  /** Most urgent client first, most urgent account first within a client. */
  groups: ClientGroup[];
  providers: ProviderView[];
  keychain_problem: string;
  data_dir: string;
  counts: StatusCounts;
}

export interface ClientView {
  id: string;
  name: string;
}

export interface EventView {
  id: number;
  time: string;
  time_phrase: string;
  client_name: string;
  account_id: string;
  account_label: string;
  provider: string;
  kind: string;
  outcome: string;
  reason: string;
  message: string;
}

export interface ImportForm {
  client_id: string;
  provider: string;
  label: string;
  access_token: string;
  refresh_token: string;
  /** RFC 3339 in UTC, or "" when unknown. */
  expires_at: string;
}

/**
 * errorText turns a rejected binding call into the sentence to show. The Go
 * side already words its errors for the user; Wails rejects with that string.
 */
export function errorText(err: unknown): string {
  if (typeof err === 'string' && err.trim() !== '') return err;
  if (err instanceof Error && err.message) return err.message;
  if (err && typeof err === 'object' && 'message' in err) {
    const m = (err as { message: unknown }).message;
    if (typeof m === 'string' && m) return m;
  }
  return 'Something went wrong and Tokenwarden could not say what. Please try again.';
}

export async function getOverview(): Promise<Overview> {
  const ov: Overview = await App.Overview();
  return ov;
}

export async function addClient(name: string): Promise<ClientView> {
  const c: ClientView = await App.AddClient(name);
  return c;
}

export async function renameClient(id: string, name: string): Promise<ClientView> {
  const c: ClientView = await App.RenameClient(id, name);
  return c;
}

export async function deleteClient(id: string): Promise<void> {
  await App.DeleteClient(id);
}

export async function importAccount(form: ImportForm): Promise<AccountView> {
  const a: AccountView = await App.ImportAccount(form);
  return a;
}

export async function renameAccount(id: string, label: string): Promise<AccountView> {
  const a: AccountView = await App.RenameAccount(id, label);
  return a;
}

export async function deleteAccount(id: string): Promise<void> {
  await App.DeleteAccount(id);
}

export async function accountHistory(id: string): Promise<EventView[]> {
  const events: EventView[] = await App.AccountHistory(id);
  return events ?? [];
}
