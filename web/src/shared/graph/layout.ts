// Auto layout: ELK's layered algorithm, top to bottom, with ports. A node's inputs sit on its top edge and its
// outputs on its bottom edge, left to right in the order the node draws them, so ELK orders the producers of
// a node's inputs as its ports are ordered instead of crossing the edges. Runs in the layout worker (ELK is big).
import ELK, { type ElkExtendedEdge, type ElkNode, type ElkPort } from 'elkjs/lib/elk.bundled.js';

/** A node's top-left corner on the canvas. */
export interface Position { x: number; y: number }
/** A node and, where it has them, its input and output port names, left to right as drawn. */
export interface LayoutNode { id: string; width: number; height: number; inputs?: string[]; outputs?: string[] }
/** A connection; a port the node does not list (or none given) attaches the edge to the node itself. */
export interface LayoutEdge { source: string; target: string; sourcePort?: string; targetPort?: string }
/** Gaps between nodes side by side (`nodesep`) and between ranks (`ranksep`), in pixels. */
export interface LayoutOptions { nodesep?: number; ranksep?: number }

// Made when this module loads, not at the first layout: in a worker, ELK's bundle takes over `onmessage` when
// its engine starts, and the layout worker sets its own handler after its imports have run.
const elk = new ELK();

/** ELK's graph for the nodes and edges; ids are replaced by indices, so any id (and any port name) is safe. */
export function elkGraph(nodes: LayoutNode[], edges: LayoutEdge[], opts: LayoutOptions = {}): ElkNode {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => index.set(n.id, i));
  const portOf = (n: number, side: 'i' | 'o', name: string | undefined) => {
    if (name === undefined) return undefined;
    const k = (side === 'i' ? nodes[n].inputs : nodes[n].outputs)?.indexOf(name) ?? -1;
    return k < 0 ? undefined : `n${n}${side}${k}`;
  };
  const children: ElkNode[] = nodes.map((n, i) => {
    const inputs = n.inputs ?? [];
    const outputs = n.outputs ?? [];
    // ELK numbers ports clockwise from the top left: the top edge left to right, the bottom edge right to left
    const ports: ElkPort[] = [
      ...inputs.map((_, k) => port(`n${i}i${k}`, 'NORTH', k)),
      ...outputs.map((_, k) => port(`n${i}o${k}`, 'SOUTH', inputs.length + outputs.length - 1 - k)),
    ];
    return { id: `n${i}`, width: n.width, height: n.height, ports, layoutOptions: { 'org.eclipse.elk.portConstraints': 'FIXED_ORDER' } };
  });
  const laidEdges: ElkExtendedEdge[] = [];
  edges.forEach((e, i) => {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) return;
    laidEdges.push({ id: `e${i}`, sources: [portOf(s, 'o', e.sourcePort) ?? `n${s}`], targets: [portOf(t, 'i', e.targetPort) ?? `n${t}`] });
  });
  const nodesep = opts.nodesep ?? 40;
  return {
    id: 'root',
    layoutOptions: {
      'org.eclipse.elk.algorithm': 'layered',
      'org.eclipse.elk.direction': 'DOWN',
      'org.eclipse.elk.spacing.nodeNode': String(nodesep),
      'org.eclipse.elk.layered.spacing.nodeNodeBetweenLayers': String(opts.ranksep ?? 60),
      // one graph, not one per connected part: an unconnected node (just added) sits in the top rank, beside the rest
      'org.eclipse.elk.separateConnectedComponents': 'false',
      'org.eclipse.elk.spacing.edgeNode': String(Math.round(nodesep / 2)),
      'org.eclipse.elk.layered.spacing.edgeNodeBetweenLayers': String(Math.round(nodesep / 2)),
      // keep the drawing's order where nothing else decides (and so the same graph always lays out the same)
      'org.eclipse.elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'org.eclipse.elk.randomSeed': '1',
    },
    children,
    edges: laidEdges,
  };
}

function port(id: string, side: 'NORTH' | 'SOUTH', index: number): ElkPort {
  return { id, width: 1, height: 1, layoutOptions: { 'org.eclipse.elk.port.side': side, 'org.eclipse.elk.port.index': String(index) } };
}

/** Top-left positions (integers) for every node, ranks top to bottom; edges to unknown nodes are left out. */
export async function autoLayout(nodes: LayoutNode[], edges: LayoutEdge[], opts: LayoutOptions = {}): Promise<Record<string, Position>> {
  const laid = await elk.layout(elkGraph(nodes, edges, opts));
  const out: Record<string, Position> = {};
  for (const c of laid.children ?? []) out[nodes[Number(c.id.slice(1))].id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return out;
}
