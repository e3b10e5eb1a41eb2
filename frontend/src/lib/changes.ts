// Keeping the overview current without reloading it: the backend says which
// accounts changed (accounts:changed, account:checked), the window fetches
// just those rows and puts them in place. Statuses stay the backend's; the
// counts are only added up again from them.
import type { AccountView, ClientGroup, Overview, StatusCounts } from './api';

/** countStatuses adds up the accounts by the status the backend gave them. */
export function countStatuses(groups: readonly ClientGroup[]): StatusCounts {
  const c: StatusCounts = { total: 0, healthy: 0, expiring: 0, expired: 0, invalid: 0, unknown: 0 };
  for (const g of groups)
    for (const a of g.accounts) {
      c.total++;
      switch (a.status) {
        case 'healthy':
        case 'expiring':
        case 'expired':
        case 'invalid':
          c[a.status]++;
          break;
        default:
          c.unknown++;
      }
    }
  return c;
}

/**
 * patchOverview puts fetched rows in place: asked ids that came back replace
 * their row (moving it to its client when the client changed, new ones are
 * added), asked ids that did not come back were deleted. Groups that did
 * not change keep their identity, so only their lines redraw. null: a row
 * belongs to a client the overview does not know; reload everything.
 */
export function patchOverview(ov: Overview, asked: readonly string[], rows: readonly AccountView[]): Overview | null {
  const fresh = new Map(rows.map((r) => [r.id, r]));
  const gone = new Set(asked.filter((id) => !fresh.has(id)));
  const clients = new Set(ov.groups.map((g) => g.id));
  if (rows.some((r) => !clients.has(r.client_id))) return null;
  const placed = new Set<string>();
  const groups = ov.groups.map((g) => {
    let touched = false;
    const accounts: AccountView[] = [];
    for (const a of g.accounts) {
      const r = fresh.get(a.id);
      if (gone.has(a.id) || (r && r.client_id !== g.id)) {
        touched = true; // deleted, or moved to another client
      } else if (r) {
        accounts.push(r);
        placed.add(r.id);
        touched = true;
      } else accounts.push(a);
    }
    for (const r of rows)
      if (r.client_id === g.id && !placed.has(r.id)) {
        accounts.push(r); // new here; the list sorts it into place
        placed.add(r.id);
        touched = true;
      }
    return touched ? { ...g, accounts } : g;
  });
  return { ...ov, groups, counts: countStatuses(groups) };
}

/**
 * nextStatusChange is the soonest moment, after now, at which the backend
 * said a status moves on by time alone, and the accounts due then; null
 * when none will. Moments already past count as now: fetch them at once.
 */
export function nextStatusChange(groups: readonly ClientGroup[], now: number): { at: number; ids: string[] } | null {
  let at = Infinity;
  let ids: string[] = [];
  for (const g of groups)
    for (const a of g.accounts) {
      if (!a.status_changes_at) continue;
      const t = Math.max(now, Date.parse(a.status_changes_at));
      if (Number.isNaN(t)) continue;
      if (t < at) (at = t), (ids = [a.id]);
      else if (t === at) ids.push(a.id);
    }
  return at === Infinity ? null : { at, ids };
}

/**
 * Coalescer gathers ids named in quick succession (a check of many
 * accounts reports one at a time) and hands them over once they pause, or
 * at the latest after maxWaitMs; all() asks for everything instead.
 */
export class Coalescer {
  private ids = new Set<string>();
  private everything = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private first = 0;

  constructor(
    private readonly flush: (ids: string[] | 'all') => void,
    private readonly quietMs = 250,
    private readonly maxWaitMs = 1500,
    private readonly clock: () => number = Date.now,
  ) {}

  add(ids: readonly string[]): void {
    for (const id of ids) this.ids.add(id);
    this.arm();
  }

  all(): void {
    this.everything = true;
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ids.clear();
    this.everything = false;
  }

  private arm(): void {
    const now = this.clock();
    if (this.timer === undefined) this.first = now;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.first + this.maxWaitMs - now));
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    const what: string[] | 'all' = this.everything ? 'all' : [...this.ids];
    this.ids.clear();
    this.everything = false;
    if (what === 'all' || what.length > 0) this.flush(what);
  }
}
