import { describe, expect, it } from 'vitest';
import {
  accountWho,
  allScopes,
  changeNotes,
  connectedHeadline,
  deleteMessage,
  listNames,
  pagesLine,
  providerIdFrom,
  reconnectSuggested,
  reconnectable,
  redirectCopy,
  scopeLabel,
  setupBadge,
  setupSteps,
  toggleScope,
  whoText,
} from './connect';
import { account, connectResult, setup } from '../test/fixtures';

const none = {
  scopes_gained: [],
  scopes_lost: [],
  scopes_not_granted: [],
  assets_kept: [],
  assets_gained: [],
  assets_lost: [],
  identity_changed: false,
};

describe('setupSteps', () => {
  it('keeps each line of the guide as a step and drops blank lines', () => {
    expect(setupSteps('Create an app.\n\n  Add the redirect URI.  \r\nCopy the secret.\n')).toEqual([
      'Create an app.',
      'Add the redirect URI.',
      'Copy the secret.',
    ]);
    expect(setupSteps('')).toEqual([]);
  });
});

describe('redirectCopy', () => {
  it('copies a fixed address as it is', () => {
    expect(redirectCopy('http://127.0.0.1:53682/callback')).toEqual({
      text: 'http://127.0.0.1:53682/callback',
      anyPort: false,
    });
  });
  it('leaves the port out when any port is accepted', () => {
    expect(redirectCopy('http://127.0.0.1:<any port>/callback')).toEqual({
      text: 'http://127.0.0.1/callback',
      anyPort: true,
    });
  });
});

describe('setupBadge', () => {
  it('says Ready or what is missing', () => {
    expect(setupBadge({ configured: true, missing_setup: '' })).toEqual({ label: 'Ready', tone: 'good', detail: '' });
    const b = setupBadge({ configured: false, missing_setup: 'client secret' });
    expect(b.label).toBe('Needs setup');
    expect(b.tone).toBe('warn');
    expect(b.detail).toBe('Needs your app’s client secret');
    expect(setupBadge({ configured: false, missing_setup: '' }).detail).toMatch(/details/);
  });
});

describe('scopes', () => {
  const fb = setup();
  it('selects every scope by default, in the provider order', () => {
    expect(allScopes(fb)).toEqual(['public_profile', 'pages_show_list', 'pages_manage_posts']);
  });
  it('toggles one scope and keeps the order', () => {
    const off = toggleScope(fb, allScopes(fb), 'pages_show_list', false);
    expect(off).toEqual(['public_profile', 'pages_manage_posts']);
    expect(toggleScope(fb, off, 'pages_show_list', true)).toEqual(allScopes(fb));
    expect(toggleScope(fb, off, 'unknown', true)).toEqual(off);
  });
  it('shortens URL scopes for display only', () => {
    expect(scopeLabel('https://www.googleapis.com/auth/youtube.readonly')).toBe('youtube.readonly');
    expect(scopeLabel('pages_show_list')).toBe('pages_show_list');
  });
});

describe('who', () => {
  it('names a login by name and email or handle', () => {
    expect(whoText({ name: 'Anna Smith', email: 'anna@example.com' })).toBe('Anna Smith (anna@example.com)');
    expect(whoText({ name: 'Anna', handle: '@anna', email: 'a@x' })).toBe('Anna @anna');
    expect(whoText({ email: 'anna@example.com' })).toBe('anna@example.com');
    expect(whoText({})).toBe('');
    expect(accountWho(account({ identity_handle: 'bakery' }))).toBe('@bakery');
  });
  it('writes the result headline', () => {
    expect(connectedHeadline(connectResult())).toBe('Connected “Anna Smith” as Anna Smith (anna@example.com)');
    const r = connectResult();
    r.account.label = 'Acme login';
    expect(connectedHeadline(r, true)).toBe('Reconnected “Acme login” as Anna Smith (anna@example.com)');
    expect(connectedHeadline({ account: account({ label: 'X' }) })).toBe('Connected “X”');
  });
  it('counts Pages in words', () => {
    expect(pagesLine(7)).toBe('This login keeps these 7 client Pages alive');
    expect(pagesLine(1)).toBe('This login keeps this client Page alive');
  });
});

describe('changeNotes', () => {
  it('says nothing when nothing changed', () => {
    expect(changeNotes(none, 'Facebook')).toEqual({ bad: [], good: [] });
  });
  it('says lost Pages loudly, with what to do', () => {
    const n = changeNotes({ ...none, assets_lost: ['Florist', 'Gym'] }, 'Facebook');
    expect(n.bad).toEqual([
      'Access lost to 2 Pages: Florist, Gym — those clients’ connections are broken. Reconnect and tick them in Facebook’s dialog.',
    ]);
    expect(changeNotes({ ...none, assets_lost: ['Florist'] }, 'Facebook').bad[0]).toBe(
      'Access lost to 1 Page: Florist — that client’s connection is broken. Reconnect and tick it in Facebook’s dialog.',
    );
  });
  it('puts lost permissions after lost Pages, and gains in the good list', () => {
    const n = changeNotes(
      {
        ...none,
        assets_lost: ['Gym'],
        scopes_lost: ['https://www.googleapis.com/auth/adwords'],
        assets_gained: ['Bakery'],
        scopes_gained: ['email', 'pages_manage_posts'],
      },
      'Google',
    );
    expect(n.bad).toHaveLength(2);
    expect(n.bad[1]).toMatch(/^Permission no longer granted: adwords\. Reconnect and allow it in Google’s dialog/);
    expect(n.good).toEqual(['Now also keeps 1 Page alive: Bakery.', 'Newly granted: email, pages_manage_posts.']);
  });
});

describe('deleteMessage', () => {
  it('says the tokens were revoked, or what is left to do', () => {
    expect(deleteMessage('Anna', 'Facebook', { revoked: true, note: '', deleted: 1 })).toBe(
      'Deleted “Anna”. Tokens revoked at Facebook.',
    );
    expect(deleteMessage('Acme', 'LinkedIn', { revoked: false, note: 'Remove the app’s access at https://x.', deleted: 1 })).toBe(
      'Deleted “Acme”. Remove the app’s access at https://x.',
    );
    expect(deleteMessage('Acme', 'X', { revoked: false, note: '', deleted: 1 })).toMatch(/keychain/);
  });
  it('counts the Pages deleted with a login', () => {
    expect(deleteMessage('Anna', 'Facebook', { revoked: true, note: '', deleted: 8 })).toBe(
      'Deleted “Anna”. Tokens revoked at Facebook. Also deleted 7 Pages.',
    );
  });
});

describe('reconnect', () => {
  it('is offered where the backend lists it: connected and imported logins, not Pages', () => {
    expect(reconnectable(account({ connected: true }))).toBe(true);
    expect(reconnectable(account({ connected: false }))).toBe(true); // imported: the login makes it connected
    expect(reconnectable(account({ connected: true, parent_id: 'acc_login' }))).toBe(false);
    expect(reconnectable(account({ fixes: [] }))).toBe(false);
  });
  it('is suggested in the row when the backend says the account needs the user', () => {
    for (const status of ['expiring', 'expired', 'invalid']) {
      expect(reconnectSuggested(account({ connected: true, status }))).toBe(true);
      expect(reconnectSuggested(account({ connected: false, status }))).toBe(true);
    }
    expect(reconnectSuggested(account({ connected: true, status: 'healthy' }))).toBe(false);
    expect(reconnectSuggested(account({ connected: true, status: 'expired', parent_id: 'acc_login' }))).toBe(false);
  });
});

describe('providerIdFrom', () => {
  it('makes a usable id from a name', () => {
    expect(providerIdFrom('Acme SSO')).toBe('acme-sso');
    expect(providerIdFrom('  Zürich Login!! ')).toBe('zurich-login');
    expect(providerIdFrom('')).toBe('');
    expect(providerIdFrom('a'.repeat(50)).length).toBe(40);
  });
});

describe('listNames', () => {
  it('joins names in words and caps long lists', () => {
    expect(listNames([])).toBe('');
    expect(listNames(['Florist'])).toBe('Florist');
    expect(listNames(['Florist', 'Gym'])).toBe('Florist and Gym');
    expect(listNames(['A', 'B', 'C'])).toBe('A, B and C');
    expect(listNames(['A', 'B', 'C', 'D'], 2)).toBe('A, B and 2 more');
  });
});
