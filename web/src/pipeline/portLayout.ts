// Auto layout for pipelines: ELK's layered algorithm, top to bottom, aware of where each port sits on its node, so
// a node's left output feeds the node on the left and connections cross as little as they can.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { Position } from './model';

export interface PortNode { id: string; width: number; height: number; inputs: string[]; outputs: string[] }
export interface PortEdge { source: string; sourcePort: string; target: string; targetPort: string }

/** Above this many nodes the port-aware layout takes seconds on a small machine; the editors use dagre instead. */
export const PORT_LAYOUT_MAX_NODES = 200;

let elk: InstanceType<typeof ELK> | null = null;

/** Where the node view draws port i of n: spread evenly across the node's width (PipelineNodeView's `spread`). */
const portX = (i: number, n: number, width: number) => ((i + 1) / (n + 1)) * width;

/** Top-left positions (integers) for every node: layers top to bottom, ports where the node draws them. */
export async function portLayout(nodes: PortNode[], edges: PortEdge[]): Promise<Record<string, Position>> {
  elk ??= new ELK();
  const ids = new Map(nodes.map((n) => [n.id, n]));
  const portId = (node: string, side: 'in' | 'out', port: string) => `${node}\u0000${side}\u0000${port}`;
  const graph: ElkNode = {
    id: '\u0000root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.layered.crossingMinimization.semiInteractive': 'false',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'true',
      'elk.spacing.componentComponent': '60',
    },
    children: nodes.map((n) => ({
      id: n.id,
      width: n.width,
      height: n.height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: [
        ...n.inputs.map((p, i) => ({ id: portId(n.id, 'in', p), x: portX(i, n.inputs.length, n.width), y: 0, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'NORTH' } })),
        ...n.outputs.map((p, i) => ({ id: portId(n.id, 'out', p), x: portX(i, n.outputs.length, n.width), y: n.height - 1, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'SOUTH' } })),
      ],
    })),
    edges: edges
      .filter((e) => e.source !== e.target && ids.get(e.source)?.outputs.includes(e.sourcePort) && ids.get(e.target)?.inputs.includes(e.targetPort))
      .map((e, i) => ({ id: `e${i}`, sources: [portId(e.source, 'out', e.sourcePort)], targets: [portId(e.target, 'in', e.targetPort)] })),
  };
  const laid = await elk.layout(graph);
  const out: Record<string, Position> = {};
  for (const c of laid.children ?? []) out[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return out;
}
