// The overview list's own state: how it is sorted, whether healthy clients
// are folded away, cards or a table, and which row the arrow keys go to. It
// orders and groups what the backend computed (status, deadlines); it never
// decides a status.
import type { AccountView, ClientGroup } from './api';

export type SortKey = 'urgency' | 'name' | 'deadline';
export type ListMode = 'cards' | 'table';

export interface ListPrefs {
  sort: SortKey;
  mode: ListMode;
  /** Fold clients whose every account is healthy into one line. */
  collapseHealthy: boolean;
}

export const defaultPrefs: ListPrefs = { sort: 'urgency', mode: 'cards', collapseHealthy: false };

export const sortChoices: readonly { key: SortKey; label: string }[] = [
  { key: 'urgency', label: 'Most urgent' },
  { key: 'deadline', label: 'Reconnect by' },
  { key: 'name', label: 'Name' },
];

/**
 * The preferences live in this window's localStorage, like the theme: they
 * are how this screen looks, no backend rule depends on them, and the
 * command line has nothing to do with them.
 */
export const prefsKey = 'tokenwarden.list';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function safeStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be disabled
  }
}

/** loadPrefs reads the stored preferences; anything missing or malformed is the default. */
export function loadPrefs(storage: StorageLike | null = safeStorage()): ListPrefs {
  let raw: unknown = null;
  try {
    raw = JSON.parse(storage?.getItem(prefsKey) ?? 'null');
  } catch {
    raw = null;
  }
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    sort: sortChoices.some((c) => c.key === o.sort) ? (o.sort as SortKey) : defaultPrefs.sort,
    mode: o.mode === 'table' || o.mode === 'cards' ? o.mode : defaultPrefs.mode,
    collapseHealthy: typeof o.collapseHealthy === 'boolean' ? o.collapseHealthy : defaultPrefs.collapseHealthy,
  };
}

export function storePrefs(prefs: ListPrefs, storage: StorageLike | null = safeStorage()): void {
  try {
    storage?.setItem(prefsKey, JSON.stringify(prefs));
  } catch {
    // a full or disabled storage only loses the preference
  }
}

// ---- sorting ----

/** The backend's urgency order of statuses (accounts.urgency): what needs the user most first. */
const urgency: Record<string, number> = { invalid: 0, expired: 1, expiring: 2, unknown: 3, healthy: 4 };

function rank(a: AccountView): number {
  return urgency[a.status] ?? urgency.unknown;
}

function time(s: string): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? Infinity : t;
}

/** deadline is when the user must act (the backend's reconnect-by date); Infinity when never. */
export function deadline(a: AccountView): number {
  return time(a.reconnect_by);
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function byNumber(x: number, y: number): number {
  return x === y ? 0 : x < y ? -1 : 1;
}

const accountOrder: Record<SortKey, (a: AccountView, b: AccountView) => number> = {
  // As the backend sorts: status, then the soonest expiry, then the label.
  urgency: (a, b) => byNumber(rank(a), rank(b)) || byNumber(time(a.expires_at), time(b.expires_at)) || collator.compare(a.label, b.label),
  name: (a, b) => collator.compare(a.label, b.label) || collator.compare(a.provider_name, b.provider_name),
  deadline: (a, b) => byNumber(deadline(a), deadline(b)) || byNumber(rank(a), rank(b)) || collator.compare(a.label, b.label),
};

/** The key a sorted client's place comes from: its first account after sorting. */
function groupOrder(key: SortKey): (a: ClientGroup, b: ClientGroup) => number {
  const empty = (g: ClientGroup) => (g.accounts.length === 0 ? 1 : 0); // clients without accounts last
  return (a, b) => {
    const e = byNumber(empty(a), empty(b));
    if (e !== 0 || a.accounts.length === 0) return e || collator.compare(a.name, b.name);
    const [fa, fb] = [a.accounts[0], b.accounts[0]];
    switch (key) {
      case 'urgency':
        return byNumber(rank(fa), rank(fb)) || collator.compare(a.name, b.name);
      case 'deadline':
        return byNumber(deadline(fa), deadline(fb)) || collator.compare(a.name, b.name);
      case 'name':
        return collator.compare(a.name, b.name);
    }
  };
}

/** sortGroups orders clients and, within each, their accounts. The input is left as it is. */
export function sortGroups(groups: readonly ClientGroup[], key: SortKey): ClientGroup[] {
  const cmp = accountOrder[key];
  return groups.map((g) => ({ ...g, accounts: [...g.accounts].sort(cmp) })).sort(groupOrder(key));
}

/** sortAccounts orders one flat list of accounts (the table); by name it is client, then label. */
export function sortAccounts(accounts: readonly AccountView[], key: SortKey): AccountView[] {
  const cmp = accountOrder[key];
  if (key === 'name') return [...accounts].sort((a, b) => collator.compare(a.client_name, b.client_name) || cmp(a, b));
  return [...accounts].sort(cmp);
}

// ---- folding and the flat item list ----

/** isHealthyClient: the client has accounts and every one is healthy. */
export function isHealthyClient(g: ClientGroup): boolean {
  return g.accounts.length > 0 && g.accounts.every((a) => a.status === 'healthy');
}

/** One line of the windowed list. */
export type Item =
  | { kind: 'head'; key: string; group: ClientGroup; folded: boolean }
  | { kind: 'row'; key: string; group: ClientGroup; account: AccountView; last: boolean }
  | { kind: 'folded'; key: string; group: ClientGroup }
  | { kind: 'empty'; key: string; group: ClientGroup };

export interface ItemsInput {
  /** Filtered already; sorted here. */
  groups: readonly ClientGroup[];
  prefs: ListPrefs;
  /** Healthy clients the user opened although folding is on. */
  opened: ReadonlySet<string>;
  /** Nothing folds while a filter or search is on: the user is looking for something. */
  filtering: boolean;
}

export function isFolded(g: ClientGroup, input: Pick<ItemsInput, 'prefs' | 'opened' | 'filtering'>): boolean {
  return input.prefs.collapseHealthy && !input.filtering && isHealthyClient(g) && !input.opened.has(g.id);
}

/**
 * listItems flattens the clients into the lines drawn. Cards: a head per
 * client, then its rows (or one folded line, or the empty note). Table: one
 * row per account sorted across clients, folded clients as one line each
 * at the end.
 */
export function listItems(input: ItemsInput): Item[] {
  const { prefs } = input;
  const out: Item[] = [];
  if (prefs.mode === 'table') {
    const rows: AccountView[] = [];
    const folded: ClientGroup[] = [];
    const groupOf = new Map<string, ClientGroup>();
    for (const g of input.groups) {
      if (isFolded(g, input)) folded.push(g);
      else for (const a of g.accounts) (rows.push(a), groupOf.set(a.id, g));
    }
    const sorted = sortAccounts(rows, prefs.sort);
    sorted.forEach((a, i) => out.push({ kind: 'row', key: `r:${a.id}`, group: groupOf.get(a.id)!, account: a, last: i === sorted.length - 1 }));
    for (const g of sortGroups(folded, 'name')) out.push({ kind: 'folded', key: `f:${g.id}`, group: g });
    return out;
  }
  for (const g of sortGroups(input.groups, prefs.sort)) {
    const folded = isFolded(g, input);
    out.push({ kind: 'head', key: `h:${g.id}`, group: g, folded });
    if (folded) out.push({ kind: 'folded', key: `f:${g.id}`, group: g });
    else if (g.accounts.length === 0) out.push({ kind: 'empty', key: `e:${g.id}`, group: g });
    else g.accounts.forEach((a, i) => out.push({ kind: 'row', key: `r:${a.id}`, group: g, account: a, last: i === g.accounts.length - 1 }));
  }
  return out;
}

/** Heights in pixels of each kind of line, per mode; the components draw them at exactly these. */
export const itemHeights: Record<ListMode, Record<Item['kind'], number>> = {
  cards: { head: 56, row: 62, folded: 46, empty: 50 },
  table: { head: 0, row: 44, folded: 44, empty: 0 },
};

// ---- the keyboard ----

/** The lines the arrow keys stop at: accounts, and folded clients (Enter opens them). */
export function focusable(item: Item): boolean {
  return item.kind === 'row' || item.kind === 'folded';
}

/**
 * moveFocus says which line a key moves to from the line at `from` (-1:
 * none yet): ArrowDown/ArrowUp one stop, PageDown/PageUp `page` stops, Home
 * and End the first and last. null: the key is not the list's, or there is
 * nowhere to go.
 */
export function moveFocus(items: readonly Item[], from: number, key: string, page = 10): number | null {
  const stops: number[] = [];
  items.forEach((it, i) => focusable(it) && stops.push(i));
  if (stops.length === 0) return null;
  let at = stops.indexOf(from);
  if (at < 0) {
    // From a head or nowhere: the next stop below counts as "here".
    const below = stops.findIndex((i) => i > from);
    at = below < 0 ? stops.length : below;
    if (key === 'ArrowDown') return stops[Math.min(at, stops.length - 1)];
  }
  let to: number;
  switch (key) {
    case 'ArrowDown':
      to = at + 1;
      break;
    case 'ArrowUp':
      to = at - 1;
      break;
    case 'PageDown':
      to = at + page;
      break;
    case 'PageUp':
      to = at - page;
      break;
    case 'Home':
      to = 0;
      break;
    case 'End':
      to = stops.length - 1;
      break;
    default:
      return null;
  }
  to = Math.max(0, Math.min(stops.length - 1, to));
  return stops[to] === from ? null : stops[to];
}

/** indexOfAccount finds the line of an account, or -1 (filtered out or folded away). */
export function indexOfAccount(items: readonly Item[], id: string): number {
  return items.findIndex((it) => it.kind === 'row' && it.account.id === id);
}
