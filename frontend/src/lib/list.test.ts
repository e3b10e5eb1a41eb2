import { describe, expect, it } from 'vitest';
import { account, group } from '../test/fixtures';
import {
  defaultPrefs,
  indexOfAccount,
  listItems,
  loadPrefs,
  moveFocus,
  prefsKey,
  sortAccounts,
  sortGroups,
  storePrefs,
  type Item,
  type ListPrefs,
} from './list';

const day = (d: number) => `2026-12-${String(d).padStart(2, '0')}T10:00:00Z`;

const groups = () => [
  group('Zephyr', 'cli_z', [
    account({ id: 'z1', label: 'Zeta', status: 'healthy', expires_at: day(20), reconnect_by: day(20) }),
    account({ id: 'z2', label: 'Alpha', status: 'expiring', expires_at: day(5), reconnect_by: day(5) }),
  ]),
  group('acme', 'cli_a', [
    account({ id: 'a1', label: 'Beta', status: 'invalid', expires_at: day(25), reconnect_by: day(25) }),
    account({ id: 'a2', label: 'Gamma', status: 'healthy', expires_at: '', reconnect_by: '' }),
  ]),
  group('Calm', 'cli_c', [
    account({ id: 'c1', label: 'One', status: 'healthy', expires_at: day(28), reconnect_by: day(28) }),
    account({ id: 'c2', label: 'Two', status: 'healthy', expires_at: day(3), reconnect_by: day(3), renews: true }),
  ]),
  group('Empty', 'cli_e', []),
];

const order = (gs: ReturnType<typeof groups>) => gs.map((g) => `${g.name}:${g.accounts.map((a) => a.id).join(',')}`);

describe('sortGroups', () => {
  it.each([
    ['urgency', ['acme:a1,a2', 'Zephyr:z2,z1', 'Calm:c2,c1', 'Empty:']],
    ['name', ['acme:a1,a2', 'Calm:c1,c2', 'Zephyr:z2,z1', 'Empty:']],
    ['deadline', ['Calm:c2,c1', 'Zephyr:z2,z1', 'acme:a1,a2', 'Empty:']],
  ] as const)('by %s: clients by their first account, accounts within; clients without accounts last', (key, want) => {
    const input = groups();
    const before = order(input);
    expect(order(sortGroups(input, key))).toEqual([...want]);
    expect(order(input)).toEqual(before); // the input is left alone
  });

  it('sorts the flat table across clients; by name client first, then label', () => {
    const all = groups().flatMap((g) => g.accounts);
    expect(sortAccounts(all, 'urgency').map((a) => a.id)).toEqual(['a1', 'z2', 'c2', 'z1', 'c1', 'a2']);
    expect(sortAccounts(all, 'deadline').map((a) => a.id)).toEqual(['c2', 'z2', 'z1', 'a1', 'c1', 'a2']);
    expect(sortAccounts(all, 'name').map((a) => a.id)).toEqual(['a1', 'a2', 'c1', 'c2', 'z2', 'z1']);
  });
});

const kinds = (items: Item[]) => items.map((it) => (it.kind === 'row' ? it.account.id : `${it.kind}:${it.group.name}`));

describe('listItems', () => {
  const prefs = (over: Partial<ListPrefs> = {}): ListPrefs => ({ ...defaultPrefs, ...over });

  it('cards: a head per client, then its rows, the empty note, or one folded line for a healthy client', () => {
    expect(kinds(listItems({ groups: groups(), prefs: prefs(), opened: new Set(), filtering: false }))).toEqual([
      'head:acme', 'a1', 'a2', 'head:Zephyr', 'z2', 'z1', 'head:Calm', 'c2', 'c1', 'head:Empty', 'empty:Empty',
    ]);
    const folded = listItems({ groups: groups(), prefs: prefs({ collapseHealthy: true }), opened: new Set(), filtering: false });
    expect(kinds(folded)).toEqual(['head:acme', 'a1', 'a2', 'head:Zephyr', 'z2', 'z1', 'head:Calm', 'folded:Calm', 'head:Empty', 'empty:Empty']);
    expect(folded.find((it) => it.kind === 'head' && it.group.name === 'Calm')).toMatchObject({ folded: true });
  });

  it('does not fold a client the user opened, nor anything while filtering', () => {
    const p = prefs({ collapseHealthy: true });
    expect(kinds(listItems({ groups: groups(), prefs: p, opened: new Set(['cli_c']), filtering: false }))).toContain('c1');
    expect(kinds(listItems({ groups: groups(), prefs: p, opened: new Set(), filtering: true }))).toContain('c1');
  });

  it('table: one row per account across clients, folded clients at the end', () => {
    const items = listItems({ groups: groups(), prefs: prefs({ mode: 'table', collapseHealthy: true }), opened: new Set(), filtering: false });
    expect(kinds(items)).toEqual(['a1', 'z2', 'z1', 'a2', 'folded:Calm']);
    expect(items.filter((it) => it.kind === 'row' && it.last).length).toBe(1);
  });
});

describe('moveFocus', () => {
  const items = listItems({ groups: groups(), prefs: { ...defaultPrefs, collapseHealthy: true }, opened: new Set(), filtering: false });
  // 0 head acme, 1 a1, 2 a2, 3 head Zephyr, 4 z2, 5 z1, 6 head Calm, 7 folded Calm, 8 head Empty, 9 empty
  it.each([
    ['ArrowDown from a row goes to the next row, over a head', 2, 'ArrowDown', 4],
    ['ArrowUp goes back over a head', 4, 'ArrowUp', 2],
    ['a folded client is a stop', 5, 'ArrowDown', 7],
    ['past the last stop nothing moves', 7, 'ArrowDown', null],
    ['before the first nothing moves', 1, 'ArrowUp', null],
    ['from a head down to its first row', 3, 'ArrowDown', 4],
    ['from a head up to the row above', 3, 'ArrowUp', 2],
    ['Home', 5, 'Home', 1],
    ['End', 1, 'End', 7],
    ['PageDown by the page', 1, 'PageDown', 5],
    ['PageDown stops at the last', 4, 'PageDown', 7],
    ['PageUp', 7, 'PageUp', 2],
    ['PageUp stops at the first', 4, 'PageUp', 1],
    ['other keys are not the list’s', 1, 'Enter', null],
  ] as const)('%s', (_name, from, key, want) => {
    expect(moveFocus(items, from, key, 3)).toBe(want);
  });

  it('finds nothing to move to in a list without rows', () => {
    const empty = listItems({ groups: [group('Empty', 'cli_e', [])], prefs: defaultPrefs, opened: new Set(), filtering: false });
    expect(moveFocus(empty, 0, 'ArrowDown')).toBeNull();
  });

  it('finds an account’s line, or -1 when it is folded away', () => {
    expect(indexOfAccount(items, 'z1')).toBe(5);
    expect(indexOfAccount(items, 'c1')).toBe(-1);
  });
});

describe('prefs', () => {
  function memory(init: Record<string, string> = {}) {
    const m = new Map(Object.entries(init));
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
  }

  it('are remembered', () => {
    const s = memory();
    storePrefs({ sort: 'deadline', mode: 'table', collapseHealthy: true }, s);
    expect(loadPrefs(s)).toEqual({ sort: 'deadline', mode: 'table', collapseHealthy: true });
  });

  it.each([
    ['nothing stored', undefined],
    ['not JSON', '{oops'],
    ['wrong values', JSON.stringify({ sort: 'colour', mode: 'grid', collapseHealthy: 'yes' })],
  ])('fall back to the defaults: %s', (_name, raw) => {
    expect(loadPrefs(memory(raw === undefined ? {} : { [prefsKey]: raw }))).toEqual(defaultPrefs);
  });

  it('survive a storage that throws', () => {
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
    expect(loadPrefs(broken)).toEqual(defaultPrefs);
    expect(() => storePrefs(defaultPrefs, broken)).not.toThrow();
  });
});
