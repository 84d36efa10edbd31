// Connection rules the client can check before asking the server (which stays authoritative).
import type { IfacePort } from '../../shared/api';
import { nodePorts, type ModelParts, type Pipeline, type PipelineConnection } from './model';
import { typesCompatible } from './types';

/** Whether an output type may feed an input type, by the server's rules (./types.ts). */
export function portsCompatible(outType: string | null | undefined, inType: string | null | undefined): boolean {
  return typesCompatible(outType, inType);
}

/**
 * The cycle that a new connection `from → to` would close, as node ids starting and ending at `from`
 * (e.g. ['n1', 'n2', 'n3', 'n1']), or null when there is none.
 */
export function findCycle(connections: Record<string, PipelineConnection>, from: string, to: string): string[] | null {
  if (from === to) return [from, from];
  const next = new Map<string, string[]>();
  for (const c of Object.values(connections)) {
    const a = c?.from?.node;
    const b = c?.to?.node;
    if (typeof a !== 'string' || typeof b !== 'string') continue;
    if (!next.has(a)) next.set(a, []);
    next.get(a)!.push(b);
  }
  // breadth-first from `to` looking for `from`; the parents give the shortest cycle
  const parent = new Map<string, string | null>([[to, null]]);
  const queue = [to];
  while (queue.length > 0) {
    const cur = queue.shift()!;
    if (cur === from) {
      const path: string[] = [];
      for (let n: string | null = cur; n !== null; n = parent.get(n) ?? null) path.push(n);
      path.reverse(); // to … from
      return [from, ...path];
    }
    for (const n of (next.get(cur) ?? []).slice().sort()) {
      if (!parent.has(n)) {
        parent.set(n, cur);
        queue.push(n);
      }
    }
  }
  return null;
}

export const formatCycle = (cycle: string[]) => cycle.join(' → ');

const findPort = (ports: IfacePort[], name: string) => ports.find((p) => p.name === name);

/** Why the client refuses a new connection, or null when it looks fine (the server may still refuse). */
export function connectionProblem(pipeline: Pipeline, model: ModelParts, c: PipelineConnection): string | null {
  const src = pipeline.nodes[c.from.node];
  const dst = pipeline.nodes[c.to.node];
  if (!src || !dst) return 'Both ends of a connection must be nodes of this pipeline';
  if (c.from.node === c.to.node) return 'A node cannot be connected to itself';
  const out = findPort(nodePorts(src, model).outputs, c.from.port);
  if (!out) return `${c.from.node} has no output "${c.from.port}"`;
  const inp = findPort(nodePorts(dst, model).inputs, c.to.port);
  if (!inp) return `${c.to.node} has no input "${c.to.port}"`;
  for (const other of Object.values(pipeline.connections)) {
    if (other?.to?.node === c.to.node && other.to.port === c.to.port) {
      return other.from.node === c.from.node && other.from.port === c.from.port
        ? 'These ports are already connected'
        : `Input "${c.to.port}" of ${c.to.node} is already connected (remove that connection first)`;
    }
  }
  if (!portsCompatible(out.type, inp.type))
    return `Types do not match: output "${c.from.port}" is ${out.type}, input "${c.to.port}" takes ${inp.type} (change one of the two types, or annotate the input Any)`;
  const cycle = findCycle(pipeline.connections, c.from.node, c.to.node);
  if (cycle) return `This connection would make a cycle: ${formatCycle(cycle)}`;
  return null;
}
