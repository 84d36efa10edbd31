import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelView, Session } from '../../shared/api';
import { FakeSocket, mockFetch } from '../../shared/testing';
import { WsClient } from '../../shared/ws';
import { WorkspacePlace } from './WorkspacePlace';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const model = { project: { name: 'P', description: '' }, pipelines: {}, operations: {}, architectures: {}, artifacts: {}, utils: {} } as ModelView;
const session: Session = {
  id: 's1', project: 'p', owner: 'local', adapter: 'local', state: 'idle', reason: null, created: '2026-01-01T00:00:00Z', lastActivity: null,
  shared: false, branch: 'main', commit: 'c', idleTimeoutSeconds: 5400, environment: {}, resources: { rssBytes: 2 * 1024 * 1024, cpuSeconds: 1.25, cuda: false },
};
const place = () => render(<WorkspacePlace project="p" branch="main" model={model} head="c" ws={new WsClient({ createSocket: (u) => new FakeSocket(u) })} />);

describe('the workspace place', () => {
  it('lists the live sessions with their state, resources and idle timeout', async () => {
    mockFetch((c) => (c.url.endsWith('/projects/p/sessions') ? { body: { items: [session] } } : c.url.endsWith('/compute/adapters') ? { body: [] } : { body: [] }));
    place();
    const row = await screen.findByTestId('session-row');
    expect(row.getAttribute('data-state')).toBe('idle');
    expect(screen.getByTestId('session-facts').textContent).toBe('local · local · 2.0 MB · CPU 1.3 s · no CUDA · idle timeout 1 h 30 min');
    expect(screen.getByTestId('session-share')).toBeTruthy();
    // the start form waits behind a button while there are sessions
    expect(screen.queryByTestId('session-start')).toBeNull();
    fireEvent.click(screen.getByTestId('session-new'));
    expect(await screen.findByTestId('session-start')).toBeTruthy();
  });

  it('shows why a session cannot start, in place', async () => {
    const { calls } = mockFetch((c) => {
      if (c.method === 'POST') return { status: 429, body: { error: 'you have 2 sessions running, the most one user may have: stop one first' } };
      return c.url.endsWith('/projects/p/sessions') ? { body: { items: [] } } : { body: [] };
    });
    place();
    await screen.findByTestId('sessions-empty');
    fireEvent.click(screen.getByTestId('session-start'));
    await waitFor(() => expect(screen.getByTestId('session-start-error').textContent).toContain('you have 2 sessions running'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ compute: { adapter: 'local', config: {} }, branch: 'main' });
  });
});
