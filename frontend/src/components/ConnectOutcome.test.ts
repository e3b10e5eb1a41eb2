import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import ConnectOutcome from './ConnectOutcome.svelte';
import { connectResult } from '../test/fixtures';

afterEach(cleanup);

describe('ConnectOutcome', () => {
  it('says which permissions were not granted, as the backend recorded them', () => {
    const r = connectResult();
    r.changes.scopes_not_granted = ['email'];
    render(ConnectOutcome, { props: { result: r } });
    expect(screen.getByTestId('scopes-not-granted').textContent).toContain('did not grant email');
  });
  it('says it after a reconnect too', () => {
    const r = connectResult();
    r.changes.scopes_not_granted = ['offline_access'];
    render(ConnectOutcome, { props: { result: r, reconnected: true } });
    expect(screen.getByTestId('scopes-not-granted').textContent).toContain('offline_access');
  });
  it('says nothing when everything asked for was granted', () => {
    render(ConnectOutcome, { props: { result: connectResult() } });
    expect(screen.queryByTestId('scopes-not-granted')).toBeNull();
  });
});
