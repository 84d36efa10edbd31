// Change sets the pipeline editor sends, built from the pipeline it shows.
import { randomId } from '../../shared/format';
import { pointer, type Json, type PatchOp } from '../../shared/patch';
import { readPipeline, type Pipeline, type PipelineNode, type Position } from './model';

/** What the palette adds. */
export type PaletteItem =
  | { kind: 'operation'; name: string }
  | { kind: 'input' }
  | { kind: 'output' }
  | { kind: 'pipeline'; id: string };

export const roundPosition = (p: Position): Position => ({ x: Math.round(p.x), y: Math.round(p.y) });

export function newNode(item: PaletteItem, position: Position): PipelineNode {
  const at = roundPosition(position);
  switch (item.kind) {
    case 'input':
      return { input: {}, position: at };
    case 'output':
      return { output: {}, position: at };
    case 'pipeline':
      return { pipeline: item.id, attributes: {}, position: at };
    default:
      return { operation: item.name, attributes: {}, references: {}, position: at };
  }
}

/** A node id that reads well in messages (n1, n2, …; i1 for inputs, o1 for outputs, s1 for sub-pipelines). */
export function nextNodeId(pipeline: Pipeline, item: PaletteItem): string {
  const prefix = item.kind === 'input' ? 'i' : item.kind === 'output' ? 'o' : item.kind === 'pipeline' ? 's' : 'n';
  for (let i = 1; ; i++) if (!(`${prefix}${i}` in pipeline.nodes)) return `${prefix}${i}`;
}

export function nextConnectionId(pipeline: Pipeline): string {
  for (let i = 1; ; i++) if (!(`c${i}` in pipeline.connections)) return `c${i}`;
}

/** Removes nodes (with every connection touching them) and connections, in one change set. */
export function removalPatch(pid: string, pipeline: Pipeline, nodeIds: readonly string[], connectionIds: readonly string[]): PatchOp[] {
  const nodes = new Set(nodeIds.filter((n) => n in pipeline.nodes));
  const conns = new Set(connectionIds.filter((c) => c in pipeline.connections));
  for (const [cid, c] of Object.entries(pipeline.connections))
    if (nodes.has(c?.from?.node) || nodes.has(c?.to?.node)) conns.add(cid);
  return [
    ...[...conns].sort().map((c): PatchOp => ({ op: 'remove', path: pointer('pipelines', pid, 'connections', c) })),
    ...[...nodes].sort().map((n): PatchOp => ({ op: 'remove', path: pointer('pipelines', pid, 'nodes', n) })),
  ];
}

/** Moves nodes; positions that did not change are left out. */
export function positionsPatch(pid: string, pipeline: Pipeline, positions: Record<string, Position>): PatchOp[] {
  const ops: PatchOp[] = [];
  for (const id of Object.keys(positions).sort()) {
    const node = pipeline.nodes[id];
    if (!node) continue;
    const to = roundPosition(positions[id]);
    const from = node.position;
    if (from && from.x === to.x && from.y === to.y) continue;
    ops.push({ op: 'add', path: pointer('pipelines', pid, 'nodes', id, 'position'), value: to as unknown as Json });
  }
  return ops;
}

/** Sets (value defined) or clears one entry of a node's `attributes`/`references` map. */
export function nodeFieldPatch(pid: string, nodeId: string, node: PipelineNode, map: 'attributes' | 'references', key: string, value: Json | undefined): PatchOp[] {
  const current = node[map];
  if (current === undefined || current === null) {
    return value === undefined ? [] : [{ op: 'add', path: pointer('pipelines', pid, 'nodes', nodeId, map), value: { [key]: value } }];
  }
  if (value === undefined) return key in current ? [{ op: 'remove', path: pointer('pipelines', pid, 'nodes', nodeId, map, key) }] : [];
  return [{ op: 'add', path: pointer('pipelines', pid, 'nodes', nodeId, map, key), value }];
}

/** A copy of a pipeline with fresh node and connection ids (connections follow their nodes). */
export function duplicatePipeline(entry: Record<string, Json>, name: string): Json {
  const pipeline = readPipeline(entry);
  const taken: Record<string, unknown> = {};
  const nodeIds = new Map<string, string>();
  for (const id of Object.keys(pipeline.nodes).sort()) {
    const fresh = randomId(taken);
    taken[fresh] = true;
    nodeIds.set(id, fresh);
  }
  const nodes: Record<string, Json> = {};
  for (const [id, n] of Object.entries(pipeline.nodes)) nodes[nodeIds.get(id)!] = structuredClone(n) as unknown as Json;
  const connections: Record<string, Json> = {};
  for (const c of Object.values(pipeline.connections)) {
    const from = nodeIds.get(c?.from?.node);
    const to = nodeIds.get(c?.to?.node);
    if (!from || !to) continue;
    const id = randomId({ ...taken, ...connections });
    connections[id] = { from: { node: from, port: c.from.port }, to: { node: to, port: c.to.port } };
  }
  return { ...structuredClone(entry), name, nodes, connections };
}
