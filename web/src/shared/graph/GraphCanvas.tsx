// The graph editors' canvas, set up once for the pipeline editor and the architecture editor: React Flow with
// its background and controls, the keys (Shift selects, Delete goes through the model, undo/redo, `/` searches
// the palette), drag-to-connect, drops from a palette, zoom to fit at a readable size, and folding chains of
// nodes into blocks. What differs between the editors (node types, what an edit does) comes in as options.
import '@xyflow/react/dist/style.css';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type EdgeChange,
  type EdgeTypes,
  type Node,
  type NodeChange,
  type NodeTypes,
  type OnConnect,
  type OnDelete,
  type OnNodeDrag,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type ReactNode, type RefObject } from 'react';
import { useCanvasKeys } from '../keys';
import { collapse, collapsedAtOpening, type Block } from './blocks';
import { boundsOf, fitViewport } from './fit';
import type { Position } from './layout';

interface Size { width: number; height: number }

/** Nodes whose size React Flow has just measured lose their declared handles, so that the measured ones count. */
function withoutDeclaredHandles<N extends Node>(nodes: N[], changes: NodeChange<N>[]): N[] {
  const measured = new Set(changes.filter((c) => c.type === 'dimensions').map((c) => c.id));
  if (measured.size === 0) return nodes;
  return nodes.map((n) => (n.handles && measured.has(n.id) ? { ...n, handles: undefined } : n));
}

/** A graph editor on a browser that can draw one; `fallback` where it cannot (jsdom, very old browsers). */
export function GraphEditorFrame({ fallback, children }: { fallback: ReactNode; children: ReactNode }) {
  // when an editor first renders (bench/run browser reads it beside the model's arrival and the layout's start)
  useState(() => performance.mark('editor-render'));
  // the canvas measures its nodes with ResizeObserver
  if (typeof ResizeObserver === 'undefined') return <>{fallback}</>;
  return <ReactFlowProvider>{children}</ReactFlowProvider>;
}

export interface GraphCanvasOptions<N extends Node, E extends Edge> {
  readOnly: boolean;
  /** A node's size: for zoom to fit (unless `measured`) and to centre a dropped node on the pointer. */
  nodeSize: Size;
  /** Zoom to fit uses the nodes' measured sizes (nodes that grow with their ports) rather than `nodeSize`. */
  measured?: boolean;
  /** The closest zoom to fit goes to (default that of fitViewport). */
  maxZoom?: number;
  /** Fit the view once, when the first nodes are drawn; false keeps the viewport (an empty graph at opening). */
  fitOnOpen: boolean;
  undo: () => unknown;
  redo: () => unknown;
  /** Deletes the selection through the model; called only when something is selected and the graph is editable. */
  onDeleteSelection: (nodes: N[], edges: E[]) => void;
  onEscape?: () => void;
  /** A palette's drags: what to do with the dragged data dropped at a place (the node's top-left corner). */
  drop?: { type: string; onDrop: (data: string, at: Position) => void };
}

/** What GraphCanvas draws, from useGraphCanvas. */
export interface CanvasBinding<N extends Node, E extends Edge> {
  canvasRef: RefObject<HTMLDivElement | null>;
  readOnly: boolean;
  nodes: N[];
  edges: E[];
  onNodesChange: (changes: NodeChange<N>[]) => void;
  onEdgesChange: (changes: EdgeChange<E>[]) => void;
  onDragOver: (e: DragEvent) => void;
  onDrop: (e: DragEvent) => void;
}

/**
 * The state and actions of a graph editor's canvas: its nodes and edges (React Flow changes apply, except
 * removals, which go through the model and come back with it), zoom to fit, show a node, and the keys.
 */
export function useGraphCanvas<N extends Node, E extends Edge>(options: GraphCanvasOptions<N, E>, initialNodes: () => N[] = () => []) {
  const rf = useReactFlow<N, E>();
  const canvasRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const opts = useRef(options);
  opts.current = options;

  const [nodes, setNodes] = useState<N[]>(initialNodes);
  const [edges, setEdges] = useState<E[]>([]);
  const onNodesChange = useCallback((changes: NodeChange<N>[]) => {
    setNodes((nds) => withoutDeclaredHandles(applyNodeChanges(changes.filter((c) => c.type !== 'remove'), nds), changes));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<E>[]) => {
    setEdges((eds) => applyEdgeChanges(changes.filter((c) => c.type !== 'remove'), eds));
  }, []);

  // ---- zoom to fit: the whole graph when it is readable, else its width from the top (scroll for the rest)
  const zoomToFit = useCallback(
    (duration = 200, minZoom?: number) => {
      const { nodeSize, measured, maxZoom } = opts.current;
      const box = canvasRef.current?.getBoundingClientRect();
      const bounds = boundsOf(rf.getNodes().map((n) => (measured ? { ...n.position, width: n.measured?.width, height: n.measured?.height } : n.position)), nodeSize);
      if (!box || !bounds) return;
      void rf.setViewport(fitViewport(bounds, box.width, box.height, { maxZoom, minZoom }), { duration });
    },
    [rf],
  );
  const fitted = useRef(!options.fitOnOpen);
  useEffect(() => {
    if (fitted.current || nodes.length === 0) return;
    fitted.current = true;
    zoomToFit(0);
  }, [nodes, zoomToFit]);

  // ---- show a node: selected and in view, once it is drawn (a node in a collapsed block is drawn after it opens)
  const [showNext, setShowNext] = useState<string | null>(null);
  useEffect(() => {
    if (!showNext || !nodes.some((n) => n.id === showNext)) return;
    const id = showNext;
    setShowNext(null);
    setNodes((nds) => nds.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
    void rf.fitView({ nodes: [{ id }], maxZoom: 1.2, duration: 200 });
  }, [showNext, nodes, rf]);

  // ---- keys: Delete acts on the canvas selection while the canvas (or nothing in particular) has focus
  const deleteSelection = useCallback(() => {
    const gone = rf.getNodes().filter((n) => n.selected);
    const cut = rf.getEdges().filter((e) => e.selected);
    if (opts.current.readOnly || (gone.length === 0 && cut.length === 0)) return false;
    opts.current.onDeleteSelection(gone, cut);
    return true;
  }, [rf]);
  useCanvasKeys({ undo: options.undo, redo: options.redo, deleteSelection, onEscape: options.onEscape }, canvasRef, searchRef);

  // ---- drops from the palette
  const onDragOver = useCallback((e: DragEvent) => {
    const { readOnly, drop } = opts.current;
    if (readOnly || !drop || !Array.from(e.dataTransfer.types).includes(drop.type)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const { readOnly, drop, nodeSize } = opts.current;
      if (readOnly || !drop) return;
      const data = e.dataTransfer.getData(drop.type);
      if (!data) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      drop.onDrop(data, { x: p.x - nodeSize.width / 2, y: p.y - nodeSize.height / 2 });
    },
    [rf],
  );

  const canvas: CanvasBinding<N, E> = { canvasRef, readOnly: options.readOnly, nodes, edges, onNodesChange, onEdgesChange, onDragOver, onDrop };
  return { rf, canvasRef, searchRef, nodes, setNodes, edges, setEdges, zoomToFit, showNode: setShowNext, canvas };
}

/**
 * Chains of nodes folded into blocks: `blocks` found in the graph of `nodes` and `edges`; a big graph opens
 * with all of them collapsed. `shown` is what the canvas draws.
 */
export function useFolding(nodes: string[], edges: { source: string; target: string }[], blocks: Block[]) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => collapsedAtOpening(nodes, blocks));
  // blocks follow the graph's structure: a new list of blocks is a new structure
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const shown = useMemo(() => collapse(nodes, edges, blocks, collapsed), [blocks, collapsed]);
  const blockById = useMemo(() => new Map(blocks.map((b) => [b.id, b])), [blocks]);
  const blockOf = useMemo(() => {
    const m = new Map<string, Block>();
    for (const b of blocks) for (const member of b.members) m.set(member, b);
    return m;
  }, [blocks]);
  const expand = useCallback((id: string) => setCollapsed((c) => new Set([...c].filter((x) => x !== id))), []);
  const collapseBlock = useCallback((id: string) => setCollapsed((c) => new Set([...c, id])), []);
  const toggleAll = useCallback(() => setCollapsed((c) => (c.size > 0 ? new Set() : new Set(blocks.map((b) => b.id)))), [blocks]);
  return { blocks, collapsed, shown, blockById, blockOf, expand, collapseBlock, toggleAll };
}

export type Folding = ReturnType<typeof useFolding>;

interface GraphCanvasProps<N extends Node, E extends Edge> {
  canvas: CanvasBinding<N, E>;
  testId: string;
  /** Every node is placed (the layout has run): the browser tests wait for it. */
  ready: boolean;
  nodeTypes: NodeTypes;
  edgeTypes?: EdgeTypes;
  onConnect: OnConnect;
  onDelete?: OnDelete<N, E>;
  onNodeDragStop: OnNodeDrag<N>;
  /** The farthest the user can zoom out. */
  minZoom: number;
  /** Shown over the canvas, before the graph (e.g. "Laying out…"). */
  hint?: ReactNode;
  /** Shown over the canvas, after the graph. */
  children?: ReactNode;
}

const MULTI_SELECTION_KEYS = ['Shift', 'Meta', 'Control'];

/** The canvas of a graph editor: drops from the palette, React Flow with background and controls. */
export function GraphCanvas<N extends Node, E extends Edge>({ canvas, testId, ready, nodeTypes, edgeTypes, onConnect, onDelete, onNodeDragStop, minZoom, hint, children }: GraphCanvasProps<N, E>) {
  return (
    <div
      className="canvas"
      data-testid={testId}
      data-graph-ready={ready ? 'true' : 'false'}
      data-shown-nodes={canvas.nodes.length}
      ref={canvas.canvasRef}
      onDragOver={canvas.onDragOver}
      onDrop={canvas.onDrop}
    >
      {hint}
      <ReactFlow<N, E>
        nodes={canvas.nodes}
        edges={canvas.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={canvas.onNodesChange}
        onEdgesChange={canvas.onEdgesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        onNodeDragStop={onNodeDragStop}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECTION_KEYS}
        nodesDraggable={!canvas.readOnly}
        nodesConnectable={!canvas.readOnly}
        edgesReconnectable={false}
        onlyRenderVisibleElements
        panOnScroll
        minZoom={minZoom}
        colorMode="system"
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
      {children}
    </div>
  );
}
