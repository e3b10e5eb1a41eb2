// Client-side filtering of what the overview shows. It only hides rows; the
// order the backend gave is kept.
import type { AccountView, ClientGroup } from './api';
import { bucketOf, type Bucket } from './present';

/** fold lowercases and strips accents so "cafe" finds "Café". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** terms splits a search query into folded words. */
export function terms(query: string): string[] {
  return fold(query).split(/\s+/).filter(Boolean);
}

function matchesAll(haystack: string, words: string[]): boolean {
  const h = fold(haystack);
  return words.every((w) => h.includes(w));
}

function accountHaystack(group: ClientGroup, a: AccountView): string {
  return [group.name, a.label, a.provider_name, a.provider].join(' ');
}

export interface Filter {
  query: string;
  bucket: Bucket | null;
}

/**
 * filterGroups keeps the clients and accounts that match the search words
 * (client name, account label, provider name) and, if set, the status bucket.
 * A client whose name matches keeps all its accounts (subject to the bucket).
 * Clients without accounts are shown only when no bucket is set.
 */
export function filterGroups(groups: readonly ClientGroup[], filter: Filter): ClientGroup[] {
  const words = terms(filter.query);
  const inBucket = (a: AccountView) => filter.bucket === null || bucketOf(a.status) === filter.bucket;
  const out: ClientGroup[] = [];
  for (const g of groups) {
    const nameHit = words.length === 0 || matchesAll(g.name, words);
    const accounts = g.accounts.filter((a) => inBucket(a) && (nameHit || matchesAll(accountHaystack(g, a), words)));
    const showEmptyClient = g.accounts.length === 0 && filter.bucket === null && nameHit;
    if (accounts.length > 0 || showEmptyClient) {
      out.push(accounts.length === g.accounts.length ? g : { ...g, accounts });
    }
  }
  return out;
}

/** isFiltering says whether anything is being hidden on purpose. */
export function isFiltering(filter: Filter): boolean {
  return terms(filter.query).length > 0 || filter.bucket !== null;
}
