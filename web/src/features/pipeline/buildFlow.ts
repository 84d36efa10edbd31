// Model pipeline → @xyflow/react nodes and edges, keeping what only the canvas knows (selection,
// measured size, a drag in progress).
import type { Edge } from '@xyflow/react';
import type { ModelView, ObservedTypes, Problem } from '../../shared/api';
import { brief } from '../../shared/format';
import { nodeKind, nodePorts, nodePosition, nodeTitle, readPipeline, type ModelParts, type Pipeline, type PipelineNode } from './model';
import { entryLabel } from '../workbench/places';
import type { PipelineFlowNode } from './PipelineNodeView';

function label(map: ModelView['artifacts'] | undefined, id: unknown): string {
  return typeof id === 'string' ? entryLabel(id, map?.[id]) : String(id);
}

/** One line about a node's settings. */
export function summarise(node: PipelineNode, model: ModelView): string {
  switch (nodeKind(node)) {
    case 'input':
      return node.input?.artifact ? `artifact: ${label(model.artifacts, node.input.artifact)}` : 'no artifact chosen';
    case 'output':
      return node.output?.saveName ? `save as ${node.output.saveName}` : 'no save name';
    case 'pipeline':
      return `${Object.keys(readPipeline(model.pipelines?.[node.pipeline as string]).nodes).length} nodes`;
    default: {
      const parts = [
        ...Object.entries(node.attributes ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : brief(v, 16)}`),
        ...Object.entries(node.references ?? {}).map(([k, v]) => `${k}→${label(model.architectures, v)}`),
      ];
      const s = parts.join(', ');
      return s.length > 60 ? s.slice(0, 59) + '…' : s;
    }
  }
}

export function buildNodes(
  prev: readonly PipelineFlowNode[],
  pipeline: Pipeline,
  parts: ModelParts,
  model: ModelView,
  problems: ReadonlyMap<string, Problem[]>,
  select?: string,
  observed: ObservedTypes = {},
  only?: ReadonlySet<string>,
): PipelineFlowNode[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  // `only`: the nodes drawn (a step folded into a collapsed block is not, and costs nothing here)
  return Object.keys(pipeline.nodes)
    .filter((id) => !only || only.has(id))
    .sort()
    .map((id) => {
      const n = pipeline.nodes[id];
      const was = old.get(id);
      const ports = nodePorts(n, parts);
      const node: PipelineFlowNode = {
        ...(was ?? {}),
        id,
        type: 'df',
        position: was?.dragging ? was.position : nodePosition(n),
        selected: select !== undefined ? id === select : (was?.selected ?? false),
        data: {
          title: nodeTitle(n, parts),
          kind: nodeKind(n),
          operation: n.operation,
          inputs: ports.inputs,
          outputs: ports.outputs,
          summary: summarise(n, model),
          problems: problems.get(id) ?? [],
          observed: n.operation ? observed[n.operation] : undefined,
        },
      };
      return node;
    });
}

export function buildEdges(prev: readonly Edge[], pipeline: Pipeline): Edge[] {
  const selected = new Set(prev.filter((e) => e.selected).map((e) => e.id));
  return Object.keys(pipeline.connections)
    .sort()
    .flatMap((cid) => {
      const c = pipeline.connections[cid];
      if (!c?.from?.node || !c?.to?.node) return [];
      const edge: Edge = {
        id: cid,
        source: c.from.node,
        sourceHandle: c.from.port,
        target: c.to.node,
        targetHandle: c.to.port,
        selected: selected.has(cid),
        domAttributes: { 'data-testid': 'edge', 'data-connection-id': cid } as Edge['domAttributes'],
      };
      return [edge];
    });
}
