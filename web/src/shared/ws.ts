// The one WebSocket to /api/v1/ws. Components subscribe to (project, branch); the client remembers the
// last commit seen on each and, after a reconnect, re-subscribes with `since` so missed commits replay.
import type { Cell, CellOutput, Session, SessionResources } from './api';
import type { PatchOp } from './patch';

export interface PresenceUser { session: string; user: string; name: string; node?: string | null; windows?: number }

export type ServerMessage =
  | { type: 'subscribed'; project: string; branch: string; head: string | null }
  | {
      type: 'commit';
      project: string;
      branch: string;
      commit: string;
      parent: string | null;
      author: string | { name: string; email?: string };
      message: string;
      patch: PatchOp[];
      time: string;
    }
  | { type: 'branch'; project: string; branch: string; head: string | null }
  | { type: 'resync'; project: string; branch: string; head: string }
  | { type: 'presence'; project: string; branch: string; users: PresenceUser[] }
  | { type: 'error'; error: string };

/** What a watched execution sends (docs/api.md, WebSocket `watch`). */
export type ExecutionMessage =
  | { type: 'watching'; execution: string }
  | { type: 'job'; execution: string; job: string; status: string; message?: string | null }
  | { type: 'log'; execution: string; job: string; lines: string[] }
  | { type: 'metric'; execution: string; job: string; name: string; value: number; step: number | null; time: number | string }
  | { type: 'plot'; execution: string; job: string; id: string; title: string; svg: string; final: boolean }
  | { type: 'progress'; execution: string; job: string; done: number; total: number; label: string; time: number | string }
  | { type: 'artifact'; execution: string; job: string; name: string; valueType: string; sha256: string; size: number }
  | { type: 'execution'; execution: string; status: string };

/** What a watched interactive session sends (docs/sessions.md, WebSocket); `error`: the watch was refused. */
export type SessionMessage =
  | { type: 'session'; session: string; status: Session }
  | { type: 'sessionCell'; session: string; cell: Cell }
  | { type: 'sessionOutput'; session: string; cell: string; output: CellOutput }
  | { type: 'sessionResources'; session: string; resources: SessionResources }
  | { type: 'error'; session: string; error?: string };
export type SessionListener = (msg: SessionMessage) => void;
const SESSION_TYPES = new Set(['session', 'sessionCell', 'sessionOutput', 'sessionResources']);

/** A co-editing message about one operation's code (docs/collaboration.md); `type` starts with `doc`. */
export interface DocMessage { type: string; project: string; branch: string; operation: string; [field: string]: unknown }
export type DocListener = (msg: DocMessage) => void;

export type Listener = (msg: ServerMessage) => void;
export type ExecutionListener = (msg: ExecutionMessage) => void;

/** What the server itself says about a watched execution. */
const EXECUTION_TYPES = new Set(['watching', 'job', 'log', 'execution']);
/** What a job may say, only ever inside a `job-event` envelope (docs/api.md). */
const JOB_EVENT_TYPES = new Set(['metric', 'plot', 'progress', 'artifact']);

/**
 * A job's event, unwrapped from its envelope `{"type":"job-event","execution","job","event":{…}}` for the
 * execution's watchers. The envelope's execution and job win over anything the event says, and an event of
 * any other kind is dropped: what a job writes can never become a protocol message (a commit, presence …).
 */
export function unwrapJobEvent(msg: { execution?: unknown; job?: unknown; event?: unknown }): ExecutionMessage | null {
  const event = msg.event as { type?: unknown } | null | undefined;
  if (!event || typeof event !== 'object' || typeof event.type !== 'string' || !JOB_EVENT_TYPES.has(event.type)) return null;
  if (typeof msg.execution !== 'string' || typeof msg.job !== 'string') return null;
  return { ...(event as object), execution: msg.execution, job: msg.job } as ExecutionMessage;
}

/** The part of the browser WebSocket this client uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface WsOptions {
  url?: string;
  createSocket?: (url: string) => SocketLike;
  /** Backoff: first delay and cap in ms. */
  minDelay?: number;
  maxDelay?: number;
}

const OPEN = 1;
/** How often an open socket says it is still there, so the server can expire the presence of silent windows. */
export const HEARTBEAT_MS = 5_000;
const key = (project: string, branch: string) => `${project}\u0000${branch}`;
const docKey = (project: string, branch: string, operation: string) => `${project}\u0000${branch}\u0000${operation}`;

function defaultUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/api/v1/ws`;
}

export class WsClient {
  private socket: SocketLike | null = null;
  private readonly subs = new Map<string, { project: string; branch: string; listeners: Set<Listener> }>();
  private readonly seen = new Map<string, string>();
  private readonly presenceNode = new Map<string, string | null>();
  private readonly globalListeners = new Set<(connected: boolean) => void>();
  private readonly watches = new Map<string, Set<ExecutionListener>>();
  private readonly docs = new Map<string, Set<DocListener>>();
  private readonly sessions = new Map<string, Set<SessionListener>>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly opts: Required<Omit<WsOptions, 'url'>> & { url?: string };

  constructor(opts: WsOptions = {}) {
    this.opts = {
      url: opts.url,
      createSocket: opts.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike),
      minDelay: opts.minDelay ?? 500,
      maxDelay: opts.maxDelay ?? 30_000,
    };
  }

  /**
   * Listens to a branch. `since` (the commit the caller's model is at) replaces the remembered last
   * commit, so commits between the caller's fetch and the subscription are replayed.
   * Returns the function that unsubscribes.
   */
  subscribe(project: string, branch: string, listener: Listener, since?: string): () => void {
    const k = key(project, branch);
    if (since) this.seen.set(k, since);
    let sub = this.subs.get(k);
    if (!sub) {
      sub = { project, branch, listeners: new Set() };
      this.subs.set(k, sub);
      sub.listeners.add(listener);
      if (this.isOpen()) {
        this.sendSubscribe(k);
        if (this.presenceNode.has(k)) this.sendPresence(k);
      } else {
        this.connect();
      }
    } else {
      sub.listeners.add(listener);
    }
    return () => this.unsubscribe(project, branch, listener);
  }

  private unsubscribe(project: string, branch: string, listener: Listener): void {
    const k = key(project, branch);
    const sub = this.subs.get(k);
    if (!sub || !sub.listeners.delete(listener) || sub.listeners.size > 0) return;
    this.subs.delete(k);
    this.presenceNode.delete(k);
    if (this.isOpen()) this.send({ type: 'unsubscribe', project, branch });
  }

  /**
   * Follows an execution: job, log, metric, plot, progress and execution messages go to `listener`.
   * Several listeners share one server-side watch; it is re-sent after a reconnect.
   * Returns the function that stops listening (and unwatches with the last listener).
   */
  watch(execution: string, listener: ExecutionListener): () => void {
    let set = this.watches.get(execution);
    if (!set) {
      set = new Set();
      this.watches.set(execution, set);
      set.add(listener);
      if (this.isOpen()) this.send({ type: 'watch', execution });
      else this.connect();
    } else {
      set.add(listener);
    }
    return () => this.unwatch(execution, listener);
  }

  private unwatch(execution: string, listener: ExecutionListener): void {
    const set = this.watches.get(execution);
    if (!set || !set.delete(listener) || set.size > 0) return;
    this.watches.delete(execution);
    if (this.isOpen()) this.send({ type: 'unwatch', execution });
  }

  /**
   * Follows an interactive session: its status, cells, outputs and resources go to `listener`. Several listeners
   * share one server-side watch, re-sent after a reconnect (the caller reads the cells again then: the socket
   * does not replay what it missed). Returns the function that stops listening.
   */
  watchSession(session: string, listener: SessionListener): () => void {
    let set = this.sessions.get(session);
    if (!set) {
      set = new Set();
      this.sessions.set(session, set);
      set.add(listener);
      if (this.isOpen()) this.send({ type: 'watchSession', session });
      else this.connect();
    } else {
      set.add(listener);
    }
    return () => {
      if (!set.delete(listener) || set.size > 0 || this.sessions.get(session) !== set) return;
      this.sessions.delete(session);
      if (this.isOpen()) this.send({ type: 'unwatchSession', session });
    };
  }

  /**
   * Receives the co-editing messages of one operation's code (docs/collaboration.md). The caller sends
   * `doc-join` itself, also after each reconnect (see onConnectionChange). Returns the function that stops.
   */
  onDoc(project: string, branch: string, operation: string, listener: DocListener): () => void {
    const k = docKey(project, branch, operation);
    let set = this.docs.get(k);
    if (!set) this.docs.set(k, (set = new Set()));
    set.add(listener);
    if (!this.isOpen()) this.connect();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.docs.delete(k);
    };
  }

  /** Sends a co-editing message now; false when the socket is not open (the caller retries after reconnecting). */
  sendDoc(msg: DocMessage): boolean {
    if (!this.isOpen()) return false;
    this.send(msg);
    return true;
  }

  /** The executions watched now. */
  watched(): string[] {
    return [...this.watches.keys()];
  }

  /** Tells others what this user views; re-sent after a reconnect. */
  presence(project: string, branch: string, node: string | null): void {
    const k = key(project, branch);
    this.presenceNode.set(k, node);
    // before subscribing the server would refuse it; subscribe() sends the remembered node
    if (this.isOpen() && this.subs.has(k)) this.sendPresence(k);
  }

  lastSeen(project: string, branch: string): string | undefined {
    return this.seen.get(key(project, branch));
  }

  /** Records that the caller's view is at `commit` (after it refetched the model, say). */
  markSeen(project: string, branch: string, commit: string): void {
    this.seen.set(key(project, branch), commit);
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.globalListeners.add(listener);
    return () => this.globalListeners.delete(listener);
  }

  isOpen(): boolean {
    return this.socket !== null && this.socket.readyState === OPEN;
  }

  /** Closes for good (tests, page unload). */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close();
    this.socket = null;
  }

  /** Delay before reconnect attempt number `attempt` (0-based): doubling, capped. */
  backoff(attempt: number): number {
    return Math.min(this.opts.maxDelay, this.opts.minDelay * 2 ** attempt);
  }

  private connect(): void {
    if (this.closed || this.socket || this.timer) return;
    const socket = this.opts.createSocket(this.opts.url ?? defaultUrl());
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      for (const k of this.subs.keys()) {
        this.sendSubscribe(k);
        if (this.presenceNode.has(k)) this.sendPresence(k);
      }
      for (const execution of this.watches.keys()) this.send({ type: 'watch', execution });
      for (const session of this.sessions.keys()) this.send({ type: 'watchSession', session });
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => {
        if (this.socket === socket && this.isOpen()) this.send({ type: 'ping' });
      }, HEARTBEAT_MS);
      for (const l of this.globalListeners) l(true);
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => {
      // onclose follows and schedules the reconnect
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      for (const l of this.globalListeners) l(false);
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.closed || !this.wanted() || this.timer) return;
    const delay = this.backoff(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.wanted()) this.connect();
    }, delay);
  }

  private wanted(): boolean {
    return this.subs.size > 0 || this.watches.size > 0 || this.docs.size > 0 || this.sessions.size > 0;
  }

  private receive(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    if ((msg as { type: string }).type === 'job-event') {
      const em = unwrapJobEvent(msg as { execution?: unknown; job?: unknown; event?: unknown });
      const set = em ? this.watches.get(em.execution) : undefined;
      if (em && set) for (const l of [...set]) l(em);
      return;
    }
    if (EXECUTION_TYPES.has((msg as { type: string }).type)) {
      const em = msg as unknown as ExecutionMessage;
      const set = this.watches.get(em.execution);
      if (set) for (const l of [...set]) l(em);
      return;
    }
    const type = (msg as { type: string }).type;
    if (typeof type === 'string' && type.startsWith('doc')) {
      const dm = msg as unknown as DocMessage;
      const set = this.docs.get(docKey(dm.project, dm.branch, dm.operation));
      if (set) for (const l of [...set]) l(dm);
      return;
    }
    if (type === 'pong') return;
    const session = (msg as { session?: unknown }).session;
    if ((SESSION_TYPES.has(type) || type === 'error') && typeof session === 'string') {
      const set = this.sessions.get(session);
      if (set) for (const l of [...set]) l(msg as unknown as SessionMessage);
      return;
    }
    if (msg.type === 'error') {
      for (const sub of this.subs.values()) for (const l of [...sub.listeners]) l(msg);
      return;
    }
    const k = key(msg.project, msg.branch);
    if (msg.type === 'branch') {
      // any branch of a project concerns every view of it (branch lists, merge sources)
      if (msg.head) this.seen.set(k, msg.head);
      for (const sub of this.subs.values())
        if (sub.project === msg.project) for (const l of [...sub.listeners]) l(msg);
      return;
    }
    if (msg.type === 'commit') this.seen.set(k, msg.commit);
    else if (msg.type === 'resync') this.seen.set(k, msg.head);
    else if (msg.type === 'subscribed' && msg.head && !this.seen.has(k)) this.seen.set(k, msg.head);
    const sub = this.subs.get(k);
    if (sub) for (const l of [...sub.listeners]) l(msg);
  }

  private sendSubscribe(k: string): void {
    const sub = this.subs.get(k);
    if (!sub) return;
    const since = this.seen.get(k);
    this.send({ type: 'subscribe', project: sub.project, branch: sub.branch, ...(since ? { since } : {}) });
  }

  private sendPresence(k: string): void {
    const sub = this.subs.get(k);
    if (!sub) return;
    const node = this.presenceNode.get(k);
    this.send({ type: 'presence', project: sub.project, branch: sub.branch, ...(node ? { node } : {}) });
  }

  private send(msg: object): void {
    this.socket?.send(JSON.stringify(msg));
  }
}

let shared: WsClient | null = null;

/** The app-wide client. */
export function wsClient(): WsClient {
  if (!shared) shared = new WsClient();
  return shared;
}
