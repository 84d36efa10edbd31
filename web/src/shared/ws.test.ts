import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from './testing';
import { WsClient, type ServerMessage, type SessionMessage } from './ws';

let sockets: FakeSocket[];
let client: WsClient;
const last = () => sockets[sockets.length - 1];

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  client = new WsClient({
    url: 'ws://test/api/v1/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    minDelay: 100,
    maxDelay: 1000,
  });
});
afterEach(() => {
  client.close();
  vi.useRealTimers();
});

describe('WsClient', () => {
  it('connects lazily and subscribes with since once open', () => {
    client.subscribe('p', 'main', () => {}, 'c0');
    expect(sockets).toHaveLength(1);
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ type: 'subscribe', project: 'p', branch: 'main', since: 'c0' }]);
  });

  it('dispatches messages to the listeners of their branch only and remembers the last commit', () => {
    const main: ServerMessage[] = [];
    const dev: ServerMessage[] = [];
    client.subscribe('p', 'main', (m) => main.push(m));
    client.subscribe('p', 'dev', (m) => dev.push(m));
    last().open();
    last().receive({ type: 'subscribed', project: 'p', branch: 'main', head: 'h0' });
    expect(client.lastSeen('p', 'main')).toBe('h0');
    last().receive({ type: 'commit', project: 'p', branch: 'main', commit: 'c1', parent: 'h0', patch: [] });
    last().receive({ type: 'presence', project: 'p', branch: 'dev', users: [] });
    last().receive({ type: 'error', error: 'bad' });
    expect(main.map((m) => m.type)).toEqual(['subscribed', 'commit', 'error']);
    expect(dev.map((m) => m.type)).toEqual(['presence', 'error']);
    expect(client.lastSeen('p', 'main')).toBe('c1');
    expect(client.lastSeen('p', 'dev')).toBeUndefined();
  });

  it('tells every view of a project about any of its branches, and resync moves the last seen commit', () => {
    const main: ServerMessage[] = [];
    const other: ServerMessage[] = [];
    client.subscribe('p', 'main', (m) => main.push(m));
    client.subscribe('q', 'main', (m) => other.push(m));
    last().open();
    last().receive({ type: 'branch', project: 'p', branch: 'exp', head: 'e1' });
    expect(main.map((m) => m.type)).toEqual(['branch']);
    expect(other).toEqual([]);
    last().receive({ type: 'resync', project: 'p', branch: 'main', head: 'h9' });
    expect(client.lastSeen('p', 'main')).toBe('h9');
    expect(main.map((m) => m.type)).toEqual(['branch', 'resync']);
  });

  it('holds presence until the branch is subscribed, then sends it after the subscription', () => {
    client.subscribe('p', 'main', () => {});
    last().open();
    client.presence('p', 'dev', '/pipelines/a');
    expect(last().sent).toEqual([{ type: 'subscribe', project: 'p', branch: 'main' }]);
    client.subscribe('p', 'dev', () => {});
    expect(last().sent.slice(1)).toEqual([
      { type: 'subscribe', project: 'p', branch: 'dev' },
      { type: 'presence', project: 'p', branch: 'dev', node: '/pipelines/a' },
    ]);
  });

  it('reconnects with exponential backoff and re-subscribes with the last commit seen', () => {
    client.subscribe('p', 'main', () => {});
    last().open();
    last().receive({ type: 'commit', project: 'p', branch: 'main', commit: 'c7', parent: 'c6', patch: [] });
    client.presence('p', 'main', '/pipelines/x');

    last().drop();
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().drop(); // fails again: the next wait doubles
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    last().open();
    expect(last().sent).toEqual([
      { type: 'subscribe', project: 'p', branch: 'main', since: 'c7' },
      { type: 'presence', project: 'p', branch: 'main', node: '/pipelines/x' },
    ]);
    expect(client.backoff(10)).toBe(1000);
  });

  it('keeps one server subscription per branch and unsubscribes when the last listener leaves', () => {
    const off1 = client.subscribe('p', 'main', () => {});
    const off2 = client.subscribe('p', 'main', () => {});
    last().open();
    expect(last().sent.filter((m) => m.type === 'subscribe')).toHaveLength(1);
    off1();
    expect(last().sent.some((m) => m.type === 'unsubscribe')).toBe(false);
    off2();
    expect(last().sent[last().sent.length - 1]).toEqual({ type: 'unsubscribe', project: 'p', branch: 'main' });
    last().drop();
    vi.advanceTimersByTime(5000);
    expect(sockets).toHaveLength(1); // nothing to listen to, no reconnect
  });

  it('sends presence right away when open and markSeen moves since forward', () => {
    client.subscribe('p', 'main', () => {});
    last().open();
    client.presence('p', 'main', null);
    expect(last().sent[1]).toEqual({ type: 'presence', project: 'p', branch: 'main' });
    client.markSeen('p', 'main', 'c9');
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent[0]).toMatchObject({ type: 'subscribe', since: 'c9' });
  });
});

describe('WsClient watch', () => {
  it('watches once per execution, routes its messages, unwatches with the last listener', () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = client.watch('e1', (m) => a.push(m));
    const offB = client.watch('e1', (m) => b.push(m));
    last().open();
    expect(last().sent).toEqual([{ type: 'watch', execution: 'e1' }]);
    last().receive({ type: 'job', execution: 'e1', job: 'make', status: 'running' });
    last().receive({ type: 'log', execution: 'e2', job: 'make', lines: ['x'] });
    expect(a).toEqual([{ type: 'job', execution: 'e1', job: 'make', status: 'running' }]);
    expect(b).toHaveLength(1);
    offA();
    expect(last().sent).toHaveLength(1);
    offB();
    expect(last().sent).toEqual([{ type: 'watch', execution: 'e1' }, { type: 'unwatch', execution: 'e1' }]);
    expect(client.watched()).toEqual([]);
  });

  it('re-watches after a reconnect, alongside subscriptions', () => {
    client.subscribe('p', 'main', () => {});
    client.watch('e1', () => {});
    last().open();
    last().drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent).toEqual([{ type: 'subscribe', project: 'p', branch: 'main' }, { type: 'watch', execution: 'e1' }]);
  });

  it('reconnects for a watch alone and sends it when open', () => {
    const got: unknown[] = [];
    client.watch('e9', (m) => got.push(m));
    expect(sockets).toHaveLength(1);
    last().drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent).toEqual([{ type: 'watch', execution: 'e9' }]);
    last().receive({ type: 'execution', execution: 'e9', status: 'success' });
    expect(got).toEqual([{ type: 'execution', execution: 'e9', status: 'success' }]);
  });

  it("unwraps a job's events for the execution's watchers, and a forged protocol message inside one reaches no one", () => {
    const watched: unknown[] = [];
    const branch: ServerMessage[] = [];
    client.subscribe('p', 'main', (m) => branch.push(m));
    client.watch('e1', (m) => watched.push(m));
    last().open();
    last().receive({ type: 'subscribed', project: 'p', branch: 'main', head: 'h0' });
    last().receive({ type: 'job-event', execution: 'e1', job: 'train', event: { type: 'metric', name: 'loss', value: 0.5, step: 1, time: 1 } });
    // the envelope's execution and job win over what the event claims
    last().receive({ type: 'job-event', execution: 'e1', job: 'train', event: { type: 'progress', done: 1, total: 2, label: '', execution: 'e2', job: 'x' } });
    // a job that writes a commit (or any kind outside the whitelist) is dropped, whatever its fields
    last().receive({ type: 'job-event', execution: 'e1', job: 'train',
      event: { type: 'commit', project: 'p', branch: 'main', commit: 'evil', parent: 'h0', patch: [{ op: 'remove', path: '/pipelines' }] } });
    last().receive({ type: 'job-event', execution: 'e1', job: 'train', event: 'commit' });
    expect(watched).toEqual([
      { type: 'metric', name: 'loss', value: 0.5, step: 1, time: 1, execution: 'e1', job: 'train' },
      { type: 'progress', done: 1, total: 2, label: '', execution: 'e1', job: 'train' },
    ]);
    expect(branch.map((m) => m.type)).toEqual(['subscribed']);
    expect(client.lastSeen('p', 'main')).toBe('h0');
  });

  it('no longer takes a bare metric, plot or progress message for an execution event', () => {
    const watched: unknown[] = [];
    client.watch('e1', (m) => watched.push(m));
    last().open();
    last().receive({ type: 'metric', execution: 'e1', job: 'train', name: 'loss', value: 1 });
    expect(watched).toEqual([]);
  });
  it('watches a session once for several listeners, routes its messages and its refusal, and watches again after a reconnect', () => {
    const a: SessionMessage[] = [];
    const b: SessionMessage[] = [];
    const offA = client.watchSession('s1', (m) => a.push(m));
    const offB = client.watchSession('s1', (m) => b.push(m));
    last().open();
    expect(last().sent).toEqual([{ type: 'watchSession', session: 's1' }]);
    last().receive({ type: 'sessionOutput', session: 's1', cell: 'c1', output: { kind: 'stream', name: 'stdout', text: '42\n' } });
    last().receive({ type: 'sessionOutput', session: 's2', cell: 'c9', output: { kind: 'stream', name: 'stdout', text: 'not mine' } });
    last().receive({ type: 'error', session: 's1', error: 'no such session' });
    expect(a.map((m) => m.type)).toEqual(['sessionOutput', 'error']);
    expect(b).toHaveLength(2);
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent).toEqual([{ type: 'watchSession', session: 's1' }]);
    offA();
    expect(last().sent).toHaveLength(1);
    offB();
    expect(last().sent[1]).toEqual({ type: 'unwatchSession', session: 's1' });
  });
});
