// Words and small pure helpers for connecting accounts through the browser
// and setting up providers. They phrase what the backend returned; they do
// not decide statuses, scopes or who may connect.
import type { AccountView, Changes, ConnectResult, DeleteResult, ProviderSetup } from './api';
import { plural, type Tone } from './present';

/** setupSteps splits a provider's setup guide into its lines (one step each), dropping blank ones. */
export function setupSteps(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

export interface RedirectCopy {
  /** What the Copy button puts on the clipboard. */
  text: string;
  /** The platform must accept any port on 127.0.0.1: register the address without one. */
  anyPort: boolean;
}

/**
 * redirectCopy says what to register. "http://127.0.0.1:<any port>/callback"
 * means Tokenwarden picks a free port each time, and the platform matches
 * loopback addresses without the port (RFC 8252), so the port is left out.
 */
export function redirectCopy(uri: string): RedirectCopy {
  const anyPort = uri.includes('<any port>');
  return { text: anyPort ? uri.replace(/:<any port>/, '') : uri, anyPort };
}

export interface SetupBadge {
  label: string;
  tone: Tone;
  /** What is missing, for a second line or a tooltip; "" when ready. */
  detail: string;
}

/** setupBadge shows whether Tokenwarden can log in with a provider, from the backend's flags. */
export function setupBadge(p: Pick<ProviderSetup, 'configured' | 'missing_setup'>): SetupBadge {
  if (p.configured) return { label: 'Ready', tone: 'good', detail: '' };
  const missing = p.missing_setup.trim();
  return { label: 'Needs setup', tone: 'warn', detail: missing ? `Needs your app’s ${missing}` : 'Needs your app’s details' };
}

/**
 * scopeLabel shortens scopes that are URLs (Google's) to their last part,
 * "https://www.googleapis.com/auth/youtube.readonly" -> "youtube.readonly".
 * The full name stays in tooltips.
 */
export function scopeLabel(name: string): string {
  if (!/^https?:\/\//i.test(name)) return name;
  const last = name.replace(/\/+$/, '').split('/').pop();
  return last || name;
}

/** allScopes is every scope a provider offers, in its order: the default selection. */
export function allScopes(p: Pick<ProviderSetup, 'scopes'>): string[] {
  return p.scopes.map((s) => s.name);
}

/** toggleScope turns one scope on or off and keeps the provider's order. */
export function toggleScope(p: Pick<ProviderSetup, 'scopes'>, selected: readonly string[], name: string, on: boolean): string[] {
  const set = new Set(selected);
  if (on) set.add(name);
  else set.delete(name);
  return allScopes(p).filter((s) => set.has(s));
}

export interface Who {
  name?: string;
  email?: string;
  handle?: string;
}

/** whoText names a login: "Anna Smith (anna@example.com)", "Anna @anna", or "" when unknown. */
export function whoText(id: Who): string {
  const name = id.name?.trim() ?? '';
  const handle = id.handle?.trim().replace(/^@/, '') ?? '';
  const email = id.email?.trim() ?? '';
  const extra = handle ? `@${handle}` : email;
  if (name && extra) return handle ? `${name} ${extra}` : `${name} (${extra})`;
  return name || extra;
}

/** accountWho is whoText for an account's identity fields. */
export function accountWho(a: Pick<AccountView, 'identity_name' | 'identity_email' | 'identity_handle'>): string {
  return whoText({ name: a.identity_name, email: a.identity_email, handle: a.identity_handle });
}

/** connectedHeadline is the result's title: "Connected “Acme Page” as Anna Smith (anna@…)". */
export function connectedHeadline(r: Pick<ConnectResult, 'account'>, reconnected = false): string {
  const verb = reconnected ? 'Reconnected' : 'Connected';
  const who = accountWho(r.account);
  if (!who || who === r.account.label) return `${verb} “${r.account.label}”`;
  return `${verb} “${r.account.label}” as ${who}`;
}

/** pagesLine introduces the Pages a login keeps alive: "This login keeps these 7 client Pages alive". */
export function pagesLine(n: number): string {
  if (n === 1) return 'This login keeps this client Page alive';
  return `This login keeps these ${n} client Pages alive`;
}

export interface ChangeNotes {
  /** Things that broke: shown loudly, in red. */
  bad: string[];
  /** Things gained: shown in green. */
  good: string[];
}

function list(names: readonly string[]): string {
  return names.map(scopeLabel).join(', ');
}

/** changeNotes words what a reconnect gained and lost, worst first. */
export function changeNotes(c: Changes, providerName: string): ChangeNotes {
  const bad: string[] = [];
  const good: string[] = [];
  const lostPages = c.assets_lost.length;
  if (lostPages > 0) {
    const theirs = lostPages === 1 ? 'that client’s connection is' : 'those clients’ connections are';
    bad.push(
      `Access lost to ${plural(lostPages, 'Page')}: ${c.assets_lost.join(', ')} — ${theirs} broken. ` +
        `Reconnect and tick ${lostPages === 1 ? 'it' : 'them'} in ${providerName}’s dialog.`,
    );
  }
  const lostScopes = c.scopes_lost.length;
  if (lostScopes > 0) {
    bad.push(
      `${lostScopes === 1 ? 'Permission' : 'Permissions'} no longer granted: ${list(c.scopes_lost)}. ` +
        `Reconnect and allow ${lostScopes === 1 ? 'it' : 'them'} in ${providerName}’s dialog if the account still needs ${lostScopes === 1 ? 'it' : 'them'}.`,
    );
  }
  if (c.assets_gained.length > 0) {
    good.push(`Now also keeps ${plural(c.assets_gained.length, 'Page')} alive: ${c.assets_gained.join(', ')}.`);
  }
  if (c.scopes_gained.length > 0) {
    good.push(`Newly granted: ${list(c.scopes_gained)}.`);
  }
  return { bad, good };
}

/** listNames writes "A, B and C", or "A, B, C and 4 more" past max names. */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length === 0) return '';
  if (names.length === 1) return names[0];
  if (names.length > max) return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** deleteMessage is the toast after deleting an account. */
export function deleteMessage(label: string, providerName: string, r: DeleteResult): string {
  let msg = `Deleted “${label}”.`;
  if (r.revoked) msg += ` Tokens revoked at ${providerName}.`;
  else if (r.note) msg += ` ${r.note}`;
  else msg += ' Its tokens were removed from your keychain.';
  if (r.deleted > 1) msg += ` Also deleted ${plural(r.deleted - 1, 'Page')}.`;
  return msg;
}

/**
 * reconnectable: the backend offers a login as the fix: for connected
 * accounts and for imported ones (the login makes them connected). Pages
 * follow their login instead.
 */
export function reconnectable(a: Pick<AccountView, 'fixes'>): boolean {
  return a.fixes.includes('reconnect');
}

/** reconnectSuggested: a reconnectable account whose status (the backend's) asks for action. */
export function reconnectSuggested(a: Pick<AccountView, 'fixes' | 'needs_attention'>): boolean {
  return reconnectable(a) && a.needs_attention;
}

/** providerIdFrom suggests a custom provider id from its name: "Acme SSO" -> "acme-sso". */
export function providerIdFrom(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
