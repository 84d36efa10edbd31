import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, errorMessage } from './api';
import { mockFetch } from './testing';

afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('builds URLs with encoded params and omits empty query values', async () => {
    const { calls } = mockFetch(() => ({ body: { commits: [], next: null } }));
    await api.listCommits('my proj', { ref: 'feat/x', limit: 50, after: null });
    expect(calls[0].url).toBe('/api/v1/projects/my%20proj/commits?ref=feat%2Fx&limit=50');
    await api.applyChanges('p', 'feat/x', { base: 'c1', message: 'm', patch: [] });
    expect(calls[1]).toEqual({
      method: 'POST',
      url: '/api/v1/projects/p/branches/feat%2Fx/changes',
      body: { base: 'c1', message: 'm', patch: [] },
    });
  });

  it('throws ApiError with the status and the server message', async () => {
    mockFetch(() => ({ status: 404, body: { error: 'No project named nope', detail: { project: 'nope' } } }));
    const err = await api.getProject('nope').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(404);
    expect(err.message).toBe('No project named nope');
    expect(err.detail).toEqual({ project: 'nope' });
  });

  it('carries path and current for an edit conflict', async () => {
    mockFetch(() => ({ status: 409, body: { error: 'conflict', path: '/pipelines/a/name', current: 'Other' } }));
    const err: ApiError = await api.applyChanges('p', 'main', { base: 'c', message: 'm', patch: [] }).catch((e) => e);
    expect(err.status).toBe(409);
    expect(err.path).toBe('/pipelines/a/name');
    expect(err.current).toBe('Other');
  });

  it('finds path and current inside detail too', async () => {
    mockFetch(() => ({ status: 409, body: { error: 'conflict', detail: { path: '/x', current: null } } }));
    const err: ApiError = await api.applyChanges('p', 'main', { base: 'c', message: 'm', patch: [] }).catch((e) => e);
    expect(err.path).toBe('/x');
    expect(err.current).toBeNull();
  });

  it('carries the conflict list of a failed merge', async () => {
    const conflicts = [{ path: '/pipelines/a/name', base: 'A', ours: 'B', theirs: 'C' }];
    mockFetch(() => ({ status: 409, body: { error: 'merge conflicts', conflicts } }));
    const err: ApiError = await api.merge('p', 'dev', 'main').catch((e) => e);
    expect(err.conflicts).toEqual(conflicts);
  });

  it('copes with non-JSON error bodies, 500 incident ids and unreachable servers', async () => {
    mockFetch(() => ({ status: 502, text: '<html>Bad gateway</html>' }));
    const bad: ApiError = await api.listProjects().catch((e) => e);
    expect(bad.status).toBe(502);
    expect(bad.message).toContain('502');

    mockFetch(() => ({ status: 500, body: { error: 'Internal error', id: 'inc-42' } }));
    const boom = await api.listProjects().catch((e) => e);
    expect(errorMessage(boom)).toBe('Internal error (incident inc-42)');

    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const down: ApiError = await api.listProjects().catch((e) => e);
    expect(down.status).toBe(0);
    expect(down.message).toMatch(/Cannot reach/);
  });

  it('returns undefined for 204 and sends bundle bytes on import', async () => {
    const { calls } = mockFetch((c) => (c.method === 'DELETE' ? { status: 204 } : { status: 201, body: { id: 'x' } }));
    expect(await api.deleteProject('p')).toBeUndefined();
    const bytes = new Uint8Array([1, 2, 3]).buffer;
    await api.importProject('My import', bytes);
    expect(calls[1].url).toBe('/api/v1/projects/import?name=My+import');
    expect(calls[1].body).toBe(bytes);
    const init = (globalThis.fetch as unknown as { mock: { calls: [unknown, RequestInit][] } }).mock.calls[1][1];
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/octet-stream');
  });

  it('links export to the bundle route', () => {
    expect(api.exportUrl('p 1')).toBe('/api/v1/projects/p%201/export');
  });
});
