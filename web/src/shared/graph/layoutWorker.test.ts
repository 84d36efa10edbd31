// @vitest-environment node
import { afterEach, expect, it, vi } from 'vitest';
import type { LayoutReply, LayoutRequest } from './layoutWorker';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

it('answers every request in a worker, though ELK claims the worker\'s onmessage when it starts', async () => {
  // a worker's global scope: no document, `self`, postMessage
  const replies: LayoutReply[] = [];
  vi.stubGlobal('self', globalThis);
  vi.stubGlobal('postMessage', (m: LayoutReply) => replies.push(m));
  vi.stubGlobal('onmessage', null);
  await import('./layoutWorker');
  const scope = globalThis as unknown as { onmessage: (e: { data: LayoutRequest }) => void };
  const request = (id: number): LayoutRequest => ({ id, nodes: [{ id: 'a', width: 10, height: 10, outputs: ['o'] }, { id: 'b', width: 10, height: 10, inputs: ['i'] }], edges: [{ source: 'a', sourcePort: 'o', target: 'b', targetPort: 'i' }], opts: {} });
  for (const id of [1, 2, 3]) {
    scope.onmessage({ data: request(id) });
    await vi.waitFor(() => expect(replies).toHaveLength(id));
  }
  expect(replies.map((r) => r.id)).toEqual([1, 2, 3]);
  for (const r of replies) expect(r.positions?.a.y).toBeLessThan(r.positions!.b.y);
});
