// Helpers for tests: a scripted fetch and a fake WebSocket.
import { vi } from 'vitest';
import type { SocketLike } from './ws';

export interface Call { method: string; url: string; body: unknown }
type Handler = (call: Call) => { status?: number; body?: unknown; text?: string } | undefined;

/** Replaces global fetch; `handler` answers each call; every call is recorded. */
export function mockFetch(handler: Handler) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const raw = init?.body;
    const body = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const call = { method: init?.method ?? 'GET', url: String(input), body };
    calls.push(call);
    const r = handler(call) ?? { status: 404, body: { error: `no route for ${call.method} ${call.url}` } };
    const status = r.status ?? 200;
    const text = r.text ?? (r.body === undefined ? '' : JSON.stringify(r.body));
    return new Response(status === 204 ? null : text, { status, statusText: status >= 400 ? 'Error' : 'OK' });
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}
