import type { AccountView, ClientGroup, Overview } from '../lib/api';

export function account(over: Partial<AccountView> = {}): AccountView {
  return {
    id: 'acc_aaaaaaaaaaaa',
    client_id: 'cli_aaaaaaaaaaaa',
    client_name: 'Acme Bakery',
    provider: 'facebook',
    provider_name: 'Facebook',
    label: 'Acme Page',
    status: 'healthy',
    expires_at: '2026-12-01T10:00:00Z',
    expires_phrase: 'in 30 days',
    has_refresh_token: false,
    reason: '',
    created_at: '2026-11-01T10:00:00Z',
    ...over,
  };
}

export function group(name: string, id: string, accounts: AccountView[]): ClientGroup {
  return { id, name, accounts: accounts.map((a) => ({ ...a, client_id: id, client_name: name })) };
}

export function overview(groups: ClientGroup[], over: Partial<Overview> = {}): Overview {
  const counts = { total: 0, healthy: 0, expiring: 0, expired: 0, invalid: 0, unknown: 0 };
  for (const g of groups)
    for (const a of g.accounts) {
      counts.total++;
      const k = a.status as keyof typeof counts;
      if (k in counts && k !== 'total') counts[k]++;
      else counts.unknown++;
    }
  return {
    groups,
    providers: [
      { id: 'facebook', name: 'Facebook' },
      { id: 'instagram', name: 'Instagram' },
    ],
    keychain_problem: '',
    data_dir: '/tmp/tw',
    counts,
    ...over,
  };
}
