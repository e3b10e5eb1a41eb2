// Presentation helpers: how backend values look on screen. They map words
// and colours; they never decide a status or compute a deadline.
import type { AccountView } from './api';

export type Tone = 'good' | 'warn' | 'bad' | 'muted';

export interface Chip {
  /** The word on the chip. */
  label: string;
  tone: Tone;
  /** A sentence for tooltips and screen readers. */
  description: string;
}

const chips: Record<string, Chip> = {
  healthy: { label: 'Healthy', tone: 'good', description: 'Connected; nothing to do for now.' },
  expiring: { label: 'Expiring', tone: 'warn', description: 'Expires soon; import a fresh token before it does.' },
  expired: { label: 'Expired', tone: 'bad', description: 'The token has expired; import a fresh one.' },
  invalid: { label: 'Invalid', tone: 'bad', description: 'The platform rejected this token; import a fresh one.' },
  unknown: { label: 'Unknown', tone: 'muted', description: 'Tokenwarden does not know when this token expires.' },
};

/** What to do instead of importing, for accounts connected through the browser. */
const reconnectWords: Record<string, string> = {
  expiring: 'Expires soon; reconnect before it does.',
  expired: 'The token has expired; reconnect to renew it.',
  invalid: 'The platform rejected this token; reconnect to renew it.',
};

/**
 * statusChip says how a backend status is shown. Unknown values show as
 * "Unknown". For an account that can be reconnected the advice says so.
 */
export function statusChip(status: string, reconnectable = false): Chip {
  const chip = chips[status] ?? chips.unknown;
  const words = reconnectable ? reconnectWords[status] : undefined;
  return words ? { ...chip, description: words } : chip;
}

/** The summary strip's buckets, in the order they are shown. */
export type Bucket = 'attention' | 'expiring' | 'healthy' | 'unknown';

export const buckets: readonly Bucket[] = ['attention', 'expiring', 'healthy', 'unknown'];

/** bucketOf puts a status into one of the summary strip's buckets. */
export function bucketOf(status: string): Bucket {
  switch (status) {
    case 'expired':
    case 'invalid':
      return 'attention';
    case 'expiring':
    case 'healthy':
      return status;
    default:
      return 'unknown';
  }
}

/**
 * expiryText words the backend's relative phrase as a sentence fragment:
 * "Expires in 3 days", "Expired 2 hours ago", "Expiry unknown".
 */
export function expiryText(account: Pick<AccountView, 'expires_phrase' | 'status'>): string {
  const phrase = account.expires_phrase.trim();
  if (phrase === '') return 'Expiry unknown';
  if (account.status === 'expired' || phrase.endsWith(' ago')) return `Expired ${phrase}`;
  return `Expires ${phrase}`;
}

export interface ProviderLook {
  /** Short text shown in the coloured tile, instead of a logo. */
  monogram: string;
  /** CSS class suffix that picks the tile colour. */
  tone: string;
}

const providerLooks: Record<string, ProviderLook> = {
  facebook: { monogram: 'f', tone: 'facebook' },
  instagram: { monogram: 'Ig', tone: 'instagram' },
  linkedin: { monogram: 'in', tone: 'linkedin' },
  google: { monogram: 'G', tone: 'google' },
  x: { monogram: 'X', tone: 'x' },
  tiktok: { monogram: 'Tt', tone: 'tiktok' },
  pinterest: { monogram: 'P', tone: 'pinterest' },
  microsoft: { monogram: 'Ms', tone: 'microsoft' },
  custom: { monogram: 'OA', tone: 'custom' },
};

/** providerLook picks the tile for a provider id; unknown ids get a neutral tile with their initials. */
export function providerLook(id: string, name = ''): ProviderLook {
  const known = providerLooks[id.toLowerCase()];
  if (known) return known;
  const letters = (name || id).replace(/[^\p{L}\p{N}]/gu, '').slice(0, 2);
  return { monogram: letters ? letters[0].toUpperCase() + letters.slice(1).toLowerCase() : '?', tone: 'other' };
}

const kindWords: Record<string, string> = {
  'account.imported': 'Imported',
  'account.connected': 'Connected',
  'account.reconnected': 'Reconnected',
  'account.connect_failed': 'Login failed',
  'account.revoked': 'Revoked',
  'provider.credentials_set': 'App details saved',
  'account.renamed': 'Renamed',
  'account.deleted': 'Deleted',
  'client.created': 'Client added',
  'client.renamed': 'Client renamed',
  'client.deleted': 'Client deleted',
  'account.checked': 'Checked',
  'account.refreshed': 'Renewed',
  'account.check_failed': 'Could not check',
  'account.finding': 'Noticed',
  'account.snoozed': 'Notifications snoozed',
  'notification.sent': 'Notified',
  'notification.acted': 'Notification answered',
};

/**
 * eventTone picks a history entry's dot: red for failures, grey for
 * information and for checks that got no answer (offline, platform down),
 * which say nothing against the token.
 */
export function eventTone(kind: string, outcome: string): 'ok' | 'failed' | 'info' {
  if (kind === 'account.check_failed') return 'info';
  if (outcome === 'failed') return 'failed';
  if (outcome === 'info') return 'info';
  return 'ok';
}

/** eventTitle gives a history entry's short title from its kind. */
export function eventTitle(kind: string): string {
  const known = kindWords[kind];
  if (known) return known;
  const last = kind.split('.').pop() ?? kind;
  const words = last.replace(/[_-]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : 'Event';
}

/** plural writes "1 account" / "3 accounts". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
