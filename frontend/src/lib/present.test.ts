import { describe, expect, it } from 'vitest';
import { bucketOf, eventTitle, eventTone, expiryText, plural, providerLook, statusChip } from './present';

describe('statusChip', () => {
  it.each([
    ['healthy', 'Healthy', 'good'],
    ['expiring', 'Expiring', 'warn'],
    ['expired', 'Expired', 'bad'],
    ['invalid', 'Invalid', 'bad'],
    ['unknown', 'Unknown', 'muted'],
  ])('%s -> %s in %s', (status, label, tone) => {
    const chip = statusChip(status);
    expect(chip.label).toBe(label);
    expect(chip.tone).toBe(tone);
    expect(chip.description.length).toBeGreaterThan(10);
  });

  it('advises a reconnect instead of an import where one is possible', () => {
    expect(statusChip('expired').description).toMatch(/import/);
    expect(statusChip('expired', true).description).toMatch(/reconnect/);
    expect(statusChip('expired', true).label).toBe('Expired');
    expect(statusChip('healthy', true)).toEqual(statusChip('healthy'));
  });

  it('shows statuses it does not know as unknown, in grey', () => {
    expect(statusChip('something-new')).toEqual(statusChip('unknown'));
    expect(statusChip('')).toEqual(statusChip('unknown'));
  });
});

describe('bucketOf', () => {
  it('puts expired and invalid under "needs attention"', () => {
    expect(bucketOf('expired')).toBe('attention');
    expect(bucketOf('invalid')).toBe('attention');
    expect(bucketOf('expiring')).toBe('expiring');
    expect(bucketOf('healthy')).toBe('healthy');
    expect(bucketOf('unknown')).toBe('unknown');
    expect(bucketOf('weird')).toBe('unknown');
  });
});

describe('expiryText', () => {
  it('words future, past and unknown expiries', () => {
    expect(expiryText({ expires_phrase: 'in 3 days', status: 'expiring' })).toBe('Expires in 3 days');
    expect(expiryText({ expires_phrase: '2 hours ago', status: 'expired' })).toBe('Expired 2 hours ago');
    expect(expiryText({ expires_phrase: '', status: 'unknown' })).toBe('Expiry unknown');
  });
  it('uses "Expired" for a past expiry even when the status is invalid', () => {
    expect(expiryText({ expires_phrase: '5 days ago', status: 'invalid' })).toBe('Expired 5 days ago');
  });
  it('handles "just now" by status', () => {
    expect(expiryText({ expires_phrase: 'just now', status: 'expired' })).toBe('Expired just now');
    expect(expiryText({ expires_phrase: 'just now', status: 'expiring' })).toBe('Expires just now');
  });
});

describe('providerLook', () => {
  it('has a tile for every built-in provider', () => {
    for (const id of ['facebook', 'instagram', 'linkedin', 'google', 'x', 'tiktok', 'pinterest', 'microsoft', 'custom']) {
      const look = providerLook(id);
      expect(look.tone).toBe(id);
      expect(look.monogram.length).toBeGreaterThan(0);
    }
  });
  it('gives unknown providers a neutral tile with their initials', () => {
    expect(providerLook('mastodon', 'Mastodon')).toEqual({ monogram: 'Ma', tone: 'other' });
    expect(providerLook('', '')).toEqual({ monogram: '?', tone: 'other' });
  });
});

describe('eventTitle', () => {
  it('names known kinds and makes a title of new ones', () => {
    expect(eventTitle('account.imported')).toBe('Imported');
    expect(eventTitle('account.renamed')).toBe('Renamed');
    expect(eventTitle('account.refresh_failed')).toBe('Refresh failed');
    expect(eventTitle('account.reconnected')).toBe('Reconnected');
    expect(eventTitle('account.connect_failed')).toBe('Login failed');
  });
});

describe('plural', () => {
  it('counts', () => {
    expect(plural(0, 'account')).toBe('0 accounts');
    expect(plural(1, 'account')).toBe('1 account');
    expect(plural(2, 'client')).toBe('2 clients');
  });
});

describe('eventTone', () => {
  it('shows failures in red, but a check that got no answer in grey', () => {
    expect(eventTone('account.checked', 'failed')).toBe('failed');
    expect(eventTone('account.check_failed', 'failed')).toBe('info');
    expect(eventTone('account.finding', 'info')).toBe('info');
    expect(eventTone('account.refreshed', 'ok')).toBe('ok');
    expect(eventTitle('account.refreshed')).toBe('Renewed');
    expect(eventTitle('account.check_failed')).toBe('Could not check');
  });
});
