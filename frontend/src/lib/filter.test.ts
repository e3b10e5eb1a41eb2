import { describe, expect, it } from 'vitest';
import { filterGroups, fold, isFiltering, terms } from './filter';
import { account, group } from '../test/fixtures';

const groups = [
  group('Acme Bakery', 'c1', [
    account({ id: 'a1', label: 'Acme Page', provider: 'facebook', provider_name: 'Facebook', status: 'expired' }),
    account({ id: 'a2', label: 'Acme Insta', provider: 'instagram', provider_name: 'Instagram', status: 'expiring' }),
  ]),
  group('Northwind Café', 'c2', [
    account({ id: 'a3', label: 'Company Page', provider: 'linkedin', provider_name: 'LinkedIn', status: 'healthy' }),
    account({ id: 'a4', label: 'Channel', provider: 'google', provider_name: 'Google / YouTube', status: 'invalid' }),
  ]),
  group('Zed Studio', 'c3', []),
];

const ids = (gs: ReturnType<typeof filterGroups>) => gs.map((g) => [g.id, g.accounts.map((a) => a.id)]);

describe('fold and terms', () => {
  it('lowercases and strips accents', () => {
    expect(fold('Café ÉCLAIR')).toBe('cafe eclair');
  });
  it('splits on any whitespace and drops empties', () => {
    expect(terms('  Acme\tPAGE  ')).toEqual(['acme', 'page']);
    expect(terms('   ')).toEqual([]);
  });
});

describe('filterGroups', () => {
  it('shows everything, in the backend order, when nothing is filtered', () => {
    const out = filterGroups(groups, { query: '', bucket: null });
    expect(out).toEqual(groups);
    expect(out[0]).toBe(groups[0]); // untouched groups are not copied
  });

  it('keeps all accounts of a client whose name matches', () => {
    expect(ids(filterGroups(groups, { query: 'bakery', bucket: null }))).toEqual([['c1', ['a1', 'a2']]]);
  });

  it('matches account labels', () => {
    expect(ids(filterGroups(groups, { query: 'page', bucket: null }))).toEqual([
      ['c1', ['a1']],
      ['c2', ['a3']],
    ]);
  });

  it('matches provider names and ids', () => {
    expect(ids(filterGroups(groups, { query: 'youtube', bucket: null }))).toEqual([['c2', ['a4']]]);
    expect(ids(filterGroups(groups, { query: 'linkedin', bucket: null }))).toEqual([['c2', ['a3']]]);
  });

  it('needs every word, across client, label and provider', () => {
    expect(ids(filterGroups(groups, { query: 'acme facebook', bucket: null }))).toEqual([['c1', ['a1']]]);
    expect(ids(filterGroups(groups, { query: 'acme linkedin', bucket: null }))).toEqual([]);
  });

  it('ignores case and accents', () => {
    expect(ids(filterGroups(groups, { query: 'CAFE', bucket: null }))).toEqual([['c2', ['a3', 'a4']]]);
  });

  it('shows a client without accounts when its name matches', () => {
    expect(ids(filterGroups(groups, { query: 'zed', bucket: null }))).toEqual([['c3', []]]);
  });

  it('filters by status bucket, with "attention" meaning expired or invalid', () => {
    expect(ids(filterGroups(groups, { query: '', bucket: 'attention' }))).toEqual([
      ['c1', ['a1']],
      ['c2', ['a4']],
    ]);
    expect(ids(filterGroups(groups, { query: '', bucket: 'healthy' }))).toEqual([['c2', ['a3']]]);
    expect(ids(filterGroups(groups, { query: '', bucket: 'unknown' }))).toEqual([]);
  });

  it('combines words and bucket', () => {
    expect(ids(filterGroups(groups, { query: 'acme', bucket: 'expiring' }))).toEqual([['c1', ['a2']]]);
  });

  it('does not change its input', () => {
    const before = JSON.stringify(groups);
    filterGroups(groups, { query: 'page', bucket: 'attention' });
    expect(JSON.stringify(groups)).toBe(before);
  });
});

describe('isFiltering', () => {
  it('is false for blank queries without a bucket', () => {
    expect(isFiltering({ query: '  ', bucket: null })).toBe(false);
    expect(isFiltering({ query: 'x', bucket: null })).toBe(true);
    expect(isFiltering({ query: '', bucket: 'healthy' })).toBe(true);
  });
});
