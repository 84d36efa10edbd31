import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRoute, type WorkbenchRoute } from '../../shared/router';
import { mockFetch, FakeSocket, type Call } from '../../shared/testing';
import { WsClient } from '../../shared/ws';
import { ConfirmDialog } from '../../shared/components/ConfirmDialog';
import { Toasts } from '../../shared/components/Toasts';
import { Workbench } from '../workbench/Workbench';

const project = { id: 'demo', name: 'Demo', description: '', defaultBranch: 'main', created: '', role: 'owner' };
let operations: Record<string, unknown>;
let calls: Call[];
let ws: WsClient;

beforeEach(() => {
  operations = { Train: { code: 'class Train:\n    pass\n', requirements: [] } };
  ws = new WsClient({ url: 'ws://x', createSocket: (u) => new FakeSocket(u) });
  calls = mockFetch((c) => {
    const path = c.url.replace(/\?.*$/, '');
    if (path === '/api/v1/projects/demo') return { body: project };
    if (path === '/api/v1/projects/demo/branches') return { body: [{ name: 'main', head: 'c1' }] };
    if (path === '/api/v1/projects/demo/model')
      return { body: { ref: 'main', commit: 'c1', model: { project: { name: 'Demo', description: '' }, pipelines: {}, operations, architectures: {}, artifacts: {}, utils: {} } } };
    if (path === '/api/v1/projects/demo/branches/main/operations' && c.method === 'POST') {
      const { name } = c.body as { name: string };
      operations = { ...operations, [name]: { code: `class ${name}:\n    pass\n`, requirements: [] } };
      return { status: 201, body: { commit: 'c2', name } };
    }
    if (path === '/api/v1/projects/demo/branches/main/operations/Train' && c.method === 'DELETE')
      return { status: 409, body: { error: 'Train is used by pipelines: Fit (p1)', detail: { pipelines: ['p1'] } } };
  }).calls;
});
afterEach(() => {
  cleanup();
  ws.close();
  vi.unstubAllGlobals();
});

const show = (url: string) =>
  render(
    <>
      <Workbench route={parseRoute(url) as WorkbenchRoute} ws={ws} />
      <Toasts />
      <ConfirmDialog />
    </>,
  );

describe('Operations place', () => {
  it('creates operations through the server route and opens them', async () => {
    show('/p/demo/main/operations');
    await screen.findByTestId('entry-row');
    fireEvent.click(screen.getByTestId('new-entry'));
    fireEvent.change(screen.getByTestId('new-entry-name'), { target: { value: 'Scale' } });
    await act(async () => fireEvent.click(screen.getByTestId('new-entry-create')));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe('/api/v1/projects/demo/branches/main/operations');
    expect(post?.body).toEqual({ name: 'Scale' });
    await waitFor(() => expect(window.location.pathname).toBe('/p/demo/main/operations/Scale'));
    await waitFor(() => expect(screen.getAllByTestId('entry-row').map((r) => r.getAttribute('data-entry-id'))).toEqual(['Scale', 'Train']));
  });

  it('shows why the server refuses a delete', async () => {
    show('/p/demo/main/operations');
    await screen.findByTestId('entry-row');
    fireEvent.click(screen.getByTestId('entry-delete'));
    await act(async () => fireEvent.click(screen.getByTestId('confirm-ok')));
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('Train is used by pipelines: Fit (p1)'));
  });
});
