import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, setCsrfToken, setSignedOutHandler } from './api';
import { mockFetch } from './testing';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setSignedOutHandler(null);
});

function header(fn: ReturnType<typeof mockFetch>['fn'], call: number, name: string): string | undefined {
  const init = fn.mock.calls[call][1] as RequestInit | undefined;
  return (init?.headers as Record<string, string> | undefined)?.[name];
}

describe('accounts in the api client', () => {
  it('sends the CSRF token on state-changing requests only', async () => {
    const { fn } = mockFetch(() => ({ body: [] }));
    setCsrfToken('tok');
    await api.listProjects();
    await api.createProject('x');
    await api.deleteProject('x');
    expect(header(fn, 0, 'X-CSRF-Token')).toBeUndefined();
    expect(header(fn, 1, 'X-CSRF-Token')).toBe('tok');
    expect(header(fn, 2, 'X-CSRF-Token')).toBe('tok');
  });

  it('sends no CSRF header in local mode', async () => {
    const { fn } = mockFetch(() => ({ body: {} }));
    await api.createProject('x');
    expect(header(fn, 0, 'X-CSRF-Token')).toBeUndefined();
  });

  it('reports a lost session (401) so the app can show the sign-in page, but not a failed sign-in', async () => {
    const signedOut = vi.fn();
    setSignedOutHandler(signedOut);
    mockFetch(() => ({ status: 401, body: { error: 'sign in first' } }));
    await expect(api.listProjects()).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toHaveBeenCalledTimes(1);
    await expect(api.login('a', 'b')).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toHaveBeenCalledTimes(1);
  });

  it('creates a token and lists tokens without secrets', async () => {
    const { calls } = mockFetch((c) =>
      c.method === 'POST'
        ? { status: 201, body: { id: 't1', name: 'ci', scope: 'read', token: 'dft_x' } }
        : { body: [{ id: 't1', name: 'ci', scope: 'read' }] },
    );
    const made = await api.createToken('ci', 'read', 30);
    expect(made.token).toBe('dft_x');
    expect(calls[0].body).toEqual({ name: 'ci', scope: 'read', expiresInDays: 30 });
    const listed = await api.listTokens();
    expect(listed[0].token).toBeUndefined();
  });
});
