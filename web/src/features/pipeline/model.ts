// The pipeline JSON of docs/operations.md, read defensively (the model view is plain JSON), and the
// ports each kind of node has.
import type { EntryMap, IfacePort, OperationInterface } from '../../shared/api';
import type { Json } from '../../shared/patch';
import type { Position } from '../../shared/graph/layout';

export type { Position };
export interface Endpoint { node: string; port: string }
export interface PipelineConnection { from: Endpoint; to: Endpoint }

export interface PipelineNode {
  operation?: string;
  attributes?: Record<string, Json>;
  references?: Record<string, Json>;
  position?: Position;
  input?: { artifact?: string; name?: string };
  output?: { saveName?: string };
  pipeline?: string;
  name?: string;
}

export interface Pipeline {
  name?: string;
  nodes: Record<string, PipelineNode>;
  connections: Record<string, PipelineConnection>;
}

export type NodeKind = 'operation' | 'input' | 'output' | 'pipeline';

/** The parts of the model view a pipeline needs to know its ports. */
/** `artifacts` gives Input nodes their artifact's type (optional: without it they are untyped). */
export interface ModelParts { operations: EntryMap; pipelines: EntryMap; artifacts?: EntryMap }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The pipeline at `pipelines.<id>`, with missing maps read as empty. */
export function readPipeline(entry: unknown): Pipeline {
  const e = isObj(entry) ? entry : {};
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    nodes: (isObj(e.nodes) ? e.nodes : {}) as Record<string, PipelineNode>,
    connections: (isObj(e.connections) ? e.connections : {}) as Record<string, PipelineConnection>,
  };
}

export function nodeKind(node: PipelineNode): NodeKind {
  if (isObj(node.input)) return 'input';
  if (isObj(node.output)) return 'output';
  if (typeof node.pipeline === 'string') return 'pipeline';
  return 'operation';
}

export function nodePosition(node: PipelineNode): Position {
  const p = node.position;
  return isObj(p) && typeof p.x === 'number' && typeof p.y === 'number' ? { x: p.x, y: p.y } : { x: 0, y: 0 };
}

const EMPTY_IFACE: OperationInterface = {
  attributes: [],
  references: [],
  inputs: [],
  outputs: [],
  errors: [],
  syntaxError: null,
};

/** The derived interface of an operation, or an empty one when the server has not derived it (yet). */
export function operationInterface(operations: EntryMap, name: string | undefined): OperationInterface {
  const op = name !== undefined ? operations[name] : undefined;
  const iface = op?.interface;
  if (!isObj(iface)) return EMPTY_IFACE;
  const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
  return {
    ...(iface as unknown as OperationInterface),
    attributes: arr(iface.attributes),
    references: arr(iface.references),
    inputs: arr(iface.inputs),
    outputs: arr(iface.outputs),
    errors: arr(iface.errors),
    syntaxError: (iface.syntaxError as OperationInterface['syntaxError']) ?? null,
  };
}

export interface Ports { inputs: IfacePort[]; outputs: IfacePort[] }

/** Input-node port name inside a sub-pipeline: its `name` if set, else its id. */
function inputPortName(id: string, node: PipelineNode): string {
  const named = node.input?.name ?? node.name;
  return typeof named === 'string' && named ? named : id;
}

/** The ports of a node: operation interface, Input/Output's `data`, or a sub-pipeline's Input/Output nodes. */
export function nodePorts(node: PipelineNode, model: ModelParts): Ports {
  switch (nodeKind(node)) {
    case 'input': {
      const artifact = model.artifacts?.[node.input?.artifact as string];
      const type = isObj(artifact) && typeof artifact.type === 'string' && artifact.type !== 'pickle' ? artifact.type : null;
      return { inputs: [], outputs: [{ name: 'data', type }] };
    }
    case 'output':
      return { inputs: [{ name: 'data', type: null }], outputs: [] };
    case 'pipeline': {
      const inner = readPipeline(model.pipelines[node.pipeline as string]);
      const inputs: IfacePort[] = [];
      const outputs: IfacePort[] = [];
      for (const id of Object.keys(inner.nodes).sort()) {
        const n = inner.nodes[id];
        const kind = nodeKind(n);
        if (kind === 'input') inputs.push({ name: inputPortName(id, n), type: null });
        else if (kind === 'output') {
          const save = n.output?.saveName;
          outputs.push({ name: typeof save === 'string' && save ? save : id, type: null });
        }
      }
      return { inputs, outputs };
    }
    default: {
      const iface = operationInterface(model.operations, node.operation);
      return { inputs: iface.inputs, outputs: iface.outputs };
    }
  }
}

/** What a node shows as its title. */
export function nodeTitle(node: PipelineNode, model: ModelParts): string {
  switch (nodeKind(node)) {
    case 'input':
      return 'Input';
    case 'output':
      return 'Output';
    case 'pipeline': {
      const inner = model.pipelines[node.pipeline as string];
      const name = inner?.name;
      return typeof name === 'string' && name ? name : (node.pipeline as string);
    }
    default:
      return node.operation ?? '?';
  }
}
