import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, FakeSocket, type Call } from '../../shared/testing';
import { parseRoute, type WorkbenchRoute } from '../../shared/router';
import { WsClient } from '../../shared/ws';
import { Toasts } from '../../shared/components/Toasts';
import { Workbench } from './Workbench';

const project = { id: 'demo', name: 'Demo', description: '', defaultBranch: 'main', created: '', role: 'owner' };
const model = (pipelines: Record<string, unknown>) => ({
  project: { name: 'Demo', description: '' },
  pipelines,
  operations: {},
  architectures: {},
  artifacts: {},
  utils: {},
});

let sockets: FakeSocket[];
let ws: WsClient;
let server: { head: string; pipelines: Record<string, unknown>; change?: (c: Call) => { status?: number; body?: unknown } };
let calls: Call[];

beforeEach(() => {
  sockets = [];
  ws = new WsClient({ url: 'ws://x', createSocket: (u) => (sockets.push(new FakeSocket(u)), sockets[sockets.length - 1]) });
  server = { head: 'c1', pipelines: { p1: { name: 'Train' } } };
  calls = mockFetch((c) => {
    const path = c.url.replace(/\?.*$/, '');
    if (path === '/api/v1/projects/demo') return { body: project };
    if (path === '/api/v1/projects/demo/branches') return { body: [{ name: 'main', head: server.head }] };
    if (path === '/api/v1/projects/demo/model') return { body: { ref: 'main', commit: server.head, model: model(server.pipelines) } };
    if (path === '/api/v1/projects/demo/branches/main/changes') return server.change?.(c);
    if (path === '/api/v1/projects/demo/commits')
      return { body: { commits: [{ id: 'c1', parents: [], author: { name: 'Ada' }, time: new Date().toISOString(), message: 'Create project', paths: ['/project'] }], next: null } };
    if (path === '/api/v1/projects/demo/history')
      return {
        body: {
          entries: [
            {
              kind: 'edits', title: 'Train and score ▸ Train ▸ epochs: 10 → 12', changes: ['Train and score ▸ Train ▸ epochs: 10 → 12', 'Edit Train code (+1 −1 lines)'],
              moreChanges: 0, author: { name: 'Ada', email: 'ada@x' }, start: new Date().toISOString(), end: new Date().toISOString(), from: 'c1', to: 'c3',
              commits: [
                { id: 'c3', parents: ['c2'], author: { name: 'Ada', email: 'ada@x' }, time: new Date().toISOString(), message: 'Edit Train code (+1 −1 lines)', paths: [] },
                { id: 'c2', parents: ['c1'], author: { name: 'Ada', email: 'ada@x' }, time: new Date().toISOString(), message: 'Train and score ▸ Train ▸ epochs: 10 → 12', paths: [] },
              ],
            },
            {
              kind: 'created', title: 'Create project Demo', changes: [], moreChanges: 0, author: { name: 'Ada', email: 'ada@x' },
              start: new Date().toISOString(), end: new Date().toISOString(), from: null, to: 'c1',
              commits: [{ id: 'c1', parents: [], author: { name: 'Ada', email: 'ada@x' }, time: new Date().toISOString(), message: 'Create project Demo', paths: [] }],
            },
          ],
          next: null,
        },
      };
    if (path === '/api/v1/projects/demo/branches/main/checkpoint') return { status: 201, body: { commit: 'c4abcdef' } };
  }).calls;
});
afterEach(() => {
  cleanup();
  localStorage.clear();
  ws.close();
  vi.unstubAllGlobals();
});

const show = (url: string) => {
  const [path, search] = url.split('?');
  return render(
    <>
      <Workbench route={parseRoute(path, search ? `?${search}` : '') as WorkbenchRoute} ws={ws} />
      <Toasts />
    </>,
  );
};
const modelFetches = () => calls.filter((c) => c.url.includes('/model')).length;
const rowIds = () => screen.getAllByTestId('entry-row').map((r) => r.getAttribute('data-entry-id'));

describe('Workbench', () => {
  it('loads the model, subscribes since its commit and applies live commits', async () => {
    show('/p/demo/main/pipelines');
    await screen.findByTestId('entry-row');
    expect(screen.getByTestId('project-name').textContent).toBe('Demo');
    await waitFor(() => expect(sockets).toHaveLength(1));
    act(() => sockets[0].open());
    expect(sockets[0].sent[0]).toEqual({ type: 'subscribe', project: 'demo', branch: 'main', since: 'c1' });

    act(() =>
      sockets[0].receive({
        type: 'commit', project: 'demo', branch: 'main', commit: 'c2', parent: 'c1', author: 'Bob', message: 'Add', time: '',
        patch: [{ op: 'add', path: '/pipelines/p2', value: { name: 'Eval' } }],
      }),
    );
    expect(rowIds()).toEqual(['p2', 'p1']);
    expect(modelFetches()).toBe(1);

    // a commit that does not sit on our head: refetch instead
    server.head = 'c9';
    server.pipelines = { p3: { name: 'Other' } };
    act(() => sockets[0].receive({ type: 'commit', project: 'demo', branch: 'main', commit: 'c9', parent: 'c8', patch: [] }));
    await waitFor(() => expect(rowIds()).toEqual(['p3']));

    act(() => sockets[0].receive({ type: 'presence', project: 'demo', branch: 'main', users: [{ session: 's', user: 'bob', name: 'Bob Smith', node: '/pipelines/p3' }] }));
    expect(screen.getByTestId('presence-avatar').textContent).toBe('BS');
    expect(screen.getByTestId('presence-avatar').getAttribute('title')).toContain('/pipelines/p3');
  });

  it('sends edits with the shown commit as base and reports conflicts', async () => {
    server.change = (c) => {
      const body = c.body as { base: string };
      expect(body.base).toBe(server.head);
      return { body: { commit: 'c2', rebased: false } };
    };
    show('/p/demo/main/pipelines');
    await screen.findByTestId('entry-row');
    fireEvent.click(screen.getByTestId('entry-rename'));
    fireEvent.change(screen.getByTestId('rename-input'), { target: { value: 'Train2' } });
    await act(async () => fireEvent.click(screen.getByTestId('rename-save')));
    expect(screen.getByTestId('entry-row').textContent).toContain('Train2');

    // next edit is based on c2 and conflicts
    server.head = 'c3';
    server.pipelines = { p1: { name: 'Theirs' } };
    server.change = () => ({ status: 409, body: { error: 'conflict', path: '/pipelines/p1/name', current: 'Theirs' } });
    fireEvent.click(screen.getByTestId('entry-rename'));
    fireEvent.change(screen.getByTestId('rename-input'), { target: { value: 'Mine' } });
    await act(async () => fireEvent.click(screen.getByTestId('rename-save')));
    expect(modelFetches()).toBe(2); // reloaded after the conflict
    fireEvent.click(screen.getByTestId('rename-cancel'));
    expect(screen.getByTestId('entry-open').textContent).toBe('Theirs');
    // both values are shown, named as the user named things; nothing is lost until the user chooses
    expect(screen.getByTestId('field-conflict-label').textContent).toBe('Train2 ▸ name');
    expect(screen.getByTestId('field-conflict-theirs').textContent).toBe('Theirs');
    expect(screen.getByTestId('field-conflict-yours').textContent).toBe('Mine');
    let resent: { base: string; patch: unknown } | null = null;
    server.change = (c) => {
      resent = c.body as { base: string; patch: unknown };
      server.head = 'c4';
      server.pipelines = { p1: { name: 'Mine' } };
      return { body: { commit: 'c4', rebased: false } };
    };
    await act(async () => fireEvent.click(screen.getByTestId('field-conflict-mine')));
    expect(resent!.base).toBe('c3');
    expect(JSON.stringify(resent!.patch)).toContain('Mine');
    await waitFor(() => expect(screen.getByTestId('entry-open').textContent).toBe('Mine'));
    expect(screen.queryByTestId('field-conflict')).toBeNull();
  });

  it('toasts when the server rebased an edit', async () => {
    server.change = () => {
      server.head = 'c5';
      server.pipelines = { p1: { name: 'Train' }, p9: { name: 'Merged' } };
      return { body: { commit: 'c5', rebased: true } };
    };
    show('/p/demo/main/pipelines');
    await screen.findByTestId('entry-row');
    fireEvent.click(screen.getByTestId('new-entry'));
    fireEvent.change(screen.getByTestId('new-entry-name'), { target: { value: 'X' } });
    await act(async () => fireEvent.click(screen.getByTestId('new-entry-create')));
    await waitFor(() => expect(rowIds()).toContain('p9'));
    expect(screen.getAllByTestId('toast').some((t) => t.textContent === 'Your edit was merged with newer changes by others')).toBe(true);
  });

  it('shows a read-only view at a commit with edits disabled and no subscription', async () => {
    show('/p/demo/@abc1234/pipelines/p1?branch=main');
    await screen.findByTestId('entry-row');
    expect(screen.getByTestId('readonly-banner').textContent).toContain('Read-only at commit c1');
    expect((screen.getByTestId('new-entry') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('entry-rename') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('inspector-json').textContent).toBe(''); // written out only when asked for
    fireEvent.click(screen.getByTestId('inspector-json-toggle'));
    expect(screen.getByTestId('inspector-json').textContent).toContain('"Train"');
    expect(calls.find((c) => c.url.includes('/model'))?.url).toContain('ref=abc1234');
    expect(sockets).toHaveLength(0);
  });

  it('shows the history as notebook entries with what each changed, and writes checkpoints', async () => {
    show('/p/demo/main/history');
    const entries = await screen.findAllByTestId('history-entry');
    expect(entries.map((e) => e.getAttribute('data-kind'))).toEqual(['edits', 'created']);
    expect(entries[0].getAttribute('data-commits')).toBe('2');
    expect(screen.getAllByTestId('history-entry-change').map((c) => c.textContent)).toEqual([
      'Train and score ▸ Train ▸ epochs: 10 → 12',
      'Edit Train code (+1 −1 lines)',
    ]);
    expect(calls.find((c) => c.url.includes('/history'))?.url).toBe('/api/v1/projects/demo/history?ref=c1&limit=30');
    fireEvent.click(screen.getAllByTestId('history-entry-commits')[0]);
    expect(screen.getAllByTestId('commit-row')).toHaveLength(2);

    fireEvent.change(screen.getByTestId('checkpoint-message'), { target: { value: 'Baseline trains' } });
    await act(async () => fireEvent.click(screen.getByTestId('checkpoint-save')));
    const sent = calls.find((c) => c.url.endsWith('/branches/main/checkpoint'));
    expect(sent?.body).toEqual({ message: 'Baseline trains' });
  });

  it('lists history pages of 50', async () => {
    show('/p/demo/main/history');
    fireEvent.click(await screen.findByTestId('history-mode-commits'));
    const row = await screen.findByTestId('commit-row');
    expect(row.getAttribute('data-commit')).toBe('c1');
    expect(row.textContent).toContain('Ada');
    expect(calls.find((c) => c.url.includes('/commits'))?.url).toBe('/api/v1/projects/demo/commits?ref=c1&limit=50');
    expect((screen.getByTestId('commit-diff') as HTMLButtonElement).disabled).toBe(true);
  });
});
