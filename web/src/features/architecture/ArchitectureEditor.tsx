import { useCanvasKeys } from '../../shared/keys';
import '@xyflow/react/dist/style.css';
import { useUndoableEdits } from '../../shared/useUndoableEdits';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection as FlowConnection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { api, errorMessage, type ModelView } from '../../shared/api';
import { ARCH_LAYOUT_OPTIONS, LAYER_SIZE } from './layout';
import { BIG_GRAPH, collapse, mergeBlocks, type Block } from '../../shared/graph/blocks';
import { boundsOf, fitViewport, MIN_READABLE_ZOOM, OVERVIEW_ZOOM } from '../../shared/graph/fit';
import { layoutInWorker } from '../../shared/graph/layoutClient';
import { BlockNodeView, sharedName, summariseKinds, type BlockFlowNode } from '../../shared/graph/BlockNodeView';
import {
  addLayerPatch,
  argumentPatch,
  connectPatch,
  formatShape,
  inputCount,
  insertOnConnectionPatch,
  nextFreeInput,
  nextLayerId,
  outputCount,
  readArchitecture,
  removalPatch,
  specIndex,
  structureKey,
  swapInputsPatch,
  withArgument,
  wouldCycle,
  type Analysis,
  type Architecture,
  type Catalog,
  type LayerSpec,
} from './model';
import { toast } from '../../shared/notify';
import { pointer, type Json, type PatchOp } from '../../shared/patch';
import type { Position } from '../pipeline/model';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { Inspector } from '../workbench/Inspector';
import { ArchEdgeView, type ArchFlowEdge } from './ArchEdgeView';
import { CodePanel } from './CodePanel';
import { LayerInspector } from './LayerInspector';
import { LayerNodeView, type LayerFlowNode, type LayerNodeData } from './LayerNodeView';
import { LAYER_DRAG_TYPE, LayerPalette } from './LayerPalette';
import { ParameterTotal } from './ParameterTotal';

interface Props {
  project: string;
  branch?: string;
  archId: string;
  model: ModelView;
  head: string;
  wb: WorkbenchModel;
}

const NODE_TYPES = { layer: LayerNodeView, block: BlockNodeView };
type ArchNode = LayerFlowNode | BlockFlowNode;
const EDGE_TYPES = { arch: ArchEdgeView };
const MERGES = new Set(['Concatenate', 'Add', 'Multiply', 'Mean']);

let catalogPromise: Promise<Catalog> | null = null;
/** The catalog is the same for every architecture: fetched once per page. */
function loadCatalog(): Promise<Catalog> {
  catalogPromise ??= api.layerCatalog().catch((e) => {
    catalogPromise = null;
    throw e;
  });
  return catalogPromise;
}

/** The architecture editor: layer palette, canvas with shapes, problems, inspector, generated code. */
export default function ArchitectureEditor(props: Props) {
  if (typeof ResizeObserver === 'undefined') {
    return <p className="muted loading editor-loading">The architecture canvas needs a browser with ResizeObserver.</p>;
  }
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

interface Draft { layer: string; arg: string; value: Json | undefined }

function nodeKind(type: string): LayerNodeData['kind'] {
  return type === 'Input' ? 'input' : type === 'Output' ? 'output' : MERGES.has(type) ? 'merge' : 'layer';
}

function sameData(a: LayerNodeData, b: LayerNodeData): boolean {
  return (
    a.type === b.type &&
    a.name === b.name &&
    a.shape === b.shape &&
    a.parameters === b.parameters &&
    a.error === b.error &&
    a.inputs === b.inputs &&
    a.outputs === b.outputs &&
    a.kind === b.kind &&
    a.inputNames.join() === b.inputNames.join()
  );
}

function Editor({ project, archId, model, head, wb }: Props) {
  const entry = model.architectures?.[archId];
  const arch = useMemo(() => readArchitecture(entry), [entry]);
  const readOnly = wb.readOnly;
  const { applyChange } = wb;
  const rf = useReactFlow<ArchNode, ArchFlowEdge>();
  const canvasRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const archRef = useRef(arch);
  archRef.current = arch;
  const entryRef = useRef(entry);
  entryRef.current = entry;

  // ---- the catalog
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  useEffect(() => {
    let stale = false;
    loadCatalog().then(
      (c) => !stale && setCatalog(c),
      (e) => toast(`Could not load the layer catalog: ${errorMessage(e)}`, 'error'),
    );
    return () => {
      stale = true;
    };
  }, []);
  const specs = useMemo(() => specIndex(catalog), [catalog]);

  // ---- the analysis: the saved state at opening, then the local architecture (with what is being typed)
  const [draft, setDraft] = useState<Draft | null>(null);
  const analysed = useMemo(() => (draft ? withArgument(arch, draft.layer, draft.arg, draft.value) : arch), [arch, draft]);
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [analysisError, setAnalysisError] = useState<string | null>(null);
  const seq = useRef(0);
  const first = useRef(true);
  useEffect(() => {
    const n = ++seq.current;
    const saved = first.current && !draft;
    first.current = false;
    const t = setTimeout(
      () => {
        const req = saved ? api.architectureAnalysis(project, archId, head) : api.analyzeArchitecture(project, { ...(entryRef.current ?? {}), ...analysed });
        req.then(
          (r) => {
            if (n !== seq.current) return;
            setAnalysis({
              shapes: r?.shapes ?? {},
              layers: r?.layers ?? {},
              parameters: typeof r?.parameters === 'number' ? r.parameters : null,
              ...(typeof r?.partialParameters === 'number' ? { partialParameters: r.partialParameters } : {}),
              errors: Array.isArray(r?.errors) ? r.errors : [],
            });
            setAnalysisError(null);
          },
          (e) => n === seq.current && setAnalysisError(errorMessage(e)),
        );
      },
      saved ? 0 : 150,
    );
    return () => clearTimeout(t);
    // head is left out on purpose: a commit elsewhere in the model does not change this architecture
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [analysed, project, archId]);

  const errorsByLayer = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const e of analysis?.errors ?? []) if (e.layer) m.set(e.layer, [...(m.get(e.layer) ?? []), e.message]);
    return m;
  }, [analysis]);

  // ---- blocks (residual blocks, inception modules): a big architecture opens with them collapsed
  const skey = useMemo(() => structureKey(arch), [arch]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const structure = useMemo(() => {
    const a = archRef.current;
    return { nodes: Object.keys(a.layers), edges: Object.values(a.connections).map((c) => ({ source: c.from.layer, target: c.to.layer })) };
  }, [skey]);
  const blocks = useMemo(() => mergeBlocks(structure.nodes, structure.edges), [structure]);
  const blockById = useMemo(() => new Map(blocks.map((b) => [b.id, b])), [blocks]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set(structure.nodes.length > BIG_GRAPH ? blocks.map((b) => b.id) : []));
  const shown = useMemo(() => collapse(structure.nodes, structure.edges, blocks, collapsed), [structure, blocks, collapsed]);
  const blockOf = useMemo(() => {
    const m = new Map<string, Block>();
    for (const b of blocks) for (const l of b.members) m.set(l, b);
    return m;
  }, [blocks]);
  const expand = useCallback((id: string) => setCollapsed((c) => new Set([...c].filter((x) => x !== id))), []);

  // ---- layout: in the layout worker, once per structure or folding change (or when asked), never per render
  const [layoutRun, setLayoutRun] = useState(0);
  const [layout, setLayout] = useState<Record<string, Position> | null>(null);
  const [laying, setLaying] = useState(false);
  useEffect(() => {
    let stale = false;
    setLaying(true);
    layoutInWorker(shown.nodes.map((id) => ({ id, ...LAYER_SIZE })), shown.edges, ARCH_LAYOUT_OPTIONS).then(
      (p) => {
        if (stale) return;
        setLayout(p);
        setLaying(false);
      },
      (e) => !stale && toast(`Could not lay the architecture out: ${errorMessage(e)}`, 'error'),
    );
    return () => {
      stale = true;
    };
  }, [shown, layoutRun]);
  /** Where the user dragged (or dropped) layers; kept until the next auto layout. */
  const moved = useRef<Record<string, Position>>({});

  // ---- canvas state follows the model
  const selectNext = useRef<string | undefined>(undefined);
  const build = useCallback(
    (prev: ArchNode[]): ArchNode[] => {
      if (!layout) return [];
      const before = new Map(prev.map((n) => [n.id, n]));
      // a new layer is selected once it is drawn (after the layout has placed it)
      const select = selectNext.current && selectNext.current in arch.layers && (moved.current[selectNext.current] ?? layout[selectNext.current]) ? selectNext.current : undefined;
      if (select) selectNext.current = undefined;
      const out: ArchNode[] = [];
      for (const id of shown.nodes) {
        // a layer the layout has not placed yet (just added) waits for it rather than flashing at 0, 0
        const position = moved.current[id] ?? layout[id];
        if (!position) continue;
        const old = before.get(id);
        const block = blockById.get(id);
        if (block) {
          const data = blockData(block, arch, errorsByLayer, expand);
          if (old && old.type === 'block' && old.position.x === position.x && old.position.y === position.y && old.data.summary === data.summary && old.data.error === data.error)
            out.push(old);
          else out.push({ ...(old ?? {}), id, type: 'block', position, data, selected: old?.selected ?? false, width: LAYER_SIZE.width, height: LAYER_SIZE.height } as BlockFlowNode);
          continue;
        }
        const l = arch.layers[id];
        if (!l) continue;
        const spec: LayerSpec | undefined = specs.get(l.type);
        const la = analysis?.layers?.[id];
        const data: LayerNodeData = {
          type: l.type,
          name: l.name ?? '',
          shape: la ? formatShape(la.output ?? la.outputs?.[0]) : '',
          parameters: typeof la?.parameters === 'number' ? la.parameters : null,
          error: (errorsByLayer.get(id) ?? []).join('\n'),
          inputs: inputCount(spec, arch, id),
          outputs: outputCount(spec, arch, id, la),
          inputNames: spec?.inputNames ?? [],
          kind: nodeKind(l.type),
        };
        const selected = select ? id === select : (old?.selected ?? false);
        if (old && old.type === 'layer' && sameData(old.data, data) && old.position.x === position.x && old.position.y === position.y && old.selected === selected) out.push(old);
        else out.push({ ...(old ?? {}), id, type: 'layer', position, data, selected, width: LAYER_SIZE.width, height: LAYER_SIZE.height } as LayerFlowNode);
      }
      return out;
    },
    [arch, specs, analysis, errorsByLayer, layout, shown, blockById, expand],
  );
  const [nodes, setNodes] = useState<ArchNode[]>(() => build([]));
  useEffect(() => setNodes(build), [build]);

  const [edges, setEdges] = useState<ArchFlowEdge[]>([]);
  useEffect(() => {
    setEdges((prev) => {
      const before = new Map(prev.map((e) => [e.id, e]));
      const out: ArchFlowEdge[] = [];
      const folded = new Set<string>();
      for (const [cid, c] of Object.entries(arch.connections)) {
        const source = shown.shownAs(c.from.layer);
        const target = shown.shownAs(c.to.layer);
        if (source === target) continue; // inside a collapsed block
        const intoBlock = target !== c.to.layer;
        const outOfBlock = source !== c.from.layer;
        // a connection to or from a collapsed block is drawn once per pair of nodes
        const id = intoBlock || outOfBlock ? `${source}->${target}` : cid;
        if (folded.has(id)) continue;
        if (id !== cid) folded.add(id);
        const shape = analysis && cid in (analysis.shapes ?? {}) ? formatShape(analysis.shapes[cid]) : '';
        const sourceHandle = outOfBlock ? 'out' : `out-${c.from.output ?? 0}`;
        const targetHandle = intoBlock ? 'in' : `in-${c.to.input ?? 0}`;
        const old = before.get(id);
        if (old && old.source === source && old.target === target && old.sourceHandle === sourceHandle && old.targetHandle === targetHandle && old.data?.shape === shape) out.push(old);
        else out.push({ ...(old ?? {}), id, type: 'arch', source, target, sourceHandle, targetHandle, data: { shape } });
      }
      return out;
    });
  }, [arch, analysis, shown]);

  // ---- zoom to fit: the whole graph when it is readable, else its width from the top (scroll for the rest)
  const zoomToFit = useCallback(
    (duration = 200, minZoom = MIN_READABLE_ZOOM) => {
      const box = canvasRef.current?.getBoundingClientRect();
      const bounds = boundsOf(rf.getNodes().map((n) => n.position), LAYER_SIZE);
      if (!box || !bounds) return;
      void rf.setViewport(fitViewport(bounds, box.width, box.height, { minZoom }), { duration });
    },
    [rf],
  );
  // fit once, when the first layout is drawn
  const fitted = useRef(false);
  useEffect(() => {
    if (fitted.current || nodes.length === 0) return;
    fitted.current = true;
    zoomToFit(0);
  }, [nodes, zoomToFit]);

  // after a structure change, bring the layers back into view when some fell outside it
  // (once the layout worker has placed every layer of the new structure)
  const lastKey = useRef(skey);
  useEffect(() => {
    if (lastKey.current === skey || laying || nodes.length !== shown.nodes.length) return;
    const t = setTimeout(() => {
      lastKey.current = skey; // here, not before: a render within the delay cancels this and schedules it again
      const box = canvasRef.current?.getBoundingClientRect();
      if (!box) return;
      const vp = rf.getViewport();
      const outside = rf.getNodes().some((n) => {
        const x = n.position.x * vp.zoom + vp.x;
        const y = n.position.y * vp.zoom + vp.y;
        return x < 0 || y < 0 || x + LAYER_SIZE.width * vp.zoom > box.width || y + LAYER_SIZE.height * vp.zoom > box.height;
      });
      // a layer just added or connected comes into view; a small graph shows whole, as far out as an overview goes
      if (outside) zoomToFit(150, OVERVIEW_ZOOM);
    }, 30);
    return () => clearTimeout(t);
  }, [skey, laying, nodes, shown, rf, zoomToFit]);

  const onNodesChange = useCallback((changes: NodeChange<ArchNode>[]) => {
    setNodes((nds) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), nds));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<ArchFlowEdge>[]) => {
    setEdges((eds) => applyEdgeChanges(changes.filter((c) => c.type !== 'remove'), eds));
  }, []);

  // ---- edits, undo and redo
  const { edit, undo, redo, history } = useUndoableEdits(applyChange, model, readOnly);

  const label = (id: string, a: Architecture = archRef.current) => {
    const l = a.layers[id];
    return l ? `${l.type}${l.name ? ` "${l.name}"` : ''}` : id;
  };

  const deleteSelection = useCallback(() => {
    const gone = rf.getNodes().filter((n) => n.selected).map((n) => n.id);
    const cut = rf.getEdges().filter((e) => e.selected).map((e) => e.id);
    if (readOnly || (gone.length === 0 && cut.length === 0)) return false;
    const what = gone.length ? (gone.length === 1 ? label(gone[0]) : `${gone.length} layers`) : `${cut.length} connection${cut.length === 1 ? '' : 's'}`;
    void edit(removalPatch(archId, archRef.current, gone, cut), `Delete ${what}`);
    return true;
  }, [rf, readOnly, edit, archId]);

  // ---- adding layers, inserting on a connection
  const [insertOn, setInsertOn] = useState<string | null>(null);
  const addLayer = useCallback(
    (type: string, at?: Position) => {
      if (readOnly) return;
      const a = archRef.current;
      const id = nextLayerId(a);
      const layer = { type, arguments: {} };
      selectNext.current = id;
      if (insertOn && a.connections[insertOn]) {
        const c = a.connections[insertOn];
        setInsertOn(null);
        void edit(insertOnConnectionPatch(archId, a, insertOn, id, layer), `Insert ${type} between ${label(c.from.layer)} and ${label(c.to.layer)}`);
        return;
      }
      if (at) moved.current[id] = at;
      void edit(addLayerPatch(archId, entryRef.current, id, layer), `Add ${type} to ${a.name ?? archId}`);
    },
    [readOnly, insertOn, edit, archId],
  );

  const onDragOver = (e: DragEvent) => {
    if (readOnly || !Array.from(e.dataTransfer.types).includes(LAYER_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(LAYER_DRAG_TYPE);
    if (readOnly || !type) return;
    e.preventDefault();
    const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addLayer(type, { x: Math.round(p.x - LAYER_SIZE.width / 2), y: Math.round(p.y - LAYER_SIZE.height / 2) });
  };

  // ---- connecting, moving
  const onConnect = useCallback(
    (c: FlowConnection) => {
      const a = archRef.current;
      const target = a.layers[c.target];
      if (!target || !a.layers[c.source]) return;
      if (wouldCycle(a, c.source, c.target)) {
        toast(`Connecting ${label(c.source)} to ${label(c.target)} would make a cycle`, 'error');
        return;
      }
      const output = Number((c.sourceHandle ?? 'out-0').replace('out-', '')) || 0;
      const spec = specs.get(target.type);
      const merge = spec ? spec.max_inputs === null : MERGES.has(target.type);
      const input = merge ? nextFreeInput(a, c.target) : Number((c.targetHandle ?? 'in-0').replace('in-', '')) || 0;
      const patch = connectPatch(archId, entryRef.current, a, { from: { layer: c.source, output }, to: { layer: c.target, input } });
      void edit(patch, `Connect ${label(c.source)} → ${label(c.target)}`);
    },
    [edit, archId, specs],
  );
  const onNodeDragStop = useCallback((_: unknown, _node: ArchNode, dragged: ArchNode[]) => {
    for (const n of dragged) moved.current[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
  }, []);

  const layoutAll = () => {
    moved.current = {};
    setLayoutRun((r) => r + 1);
    setTimeout(() => zoomToFit(), 60);
  };
  const [showNext, setShowNext] = useState<string | null>(null);
  const showLayer = (id: string) => {
    const b = blockOf.get(id);
    if (b && collapsed.has(b.id)) expand(b.id); // a layer inside a collapsed block: open the block first
    setShowNext(id);
  };
  useEffect(() => {
    if (!showNext || !nodes.some((n) => n.id === showNext)) return;
    const id = showNext;
    setShowNext(null);
    setNodes((nds) => nds.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
    void rf.fitView({ nodes: [{ id }], maxZoom: 1.2, duration: 200 });
  }, [showNext, nodes, rf]);

  // ---- keyboard: Delete, undo/redo, / searches the palette, Escape leaves insert mode
  useCanvasKeys({ undo, redo, deleteSelection, onEscape: () => setInsertOn(null) }, canvasRef, searchRef);

  // ---- inspector edits
  const selectedNodes = nodes.filter((n) => n.selected);
  const one = selectedNodes.length === 1 && selectedNodes[0].type === 'layer' ? selectedNodes[0].id : undefined;
  const selectedBlock = selectedNodes.length === 1 ? blockOf.get(selectedNodes[0].id) : undefined;
  const selectedEdges = edges.filter((e) => e.selected);
  const oneEdge = selectedEdges.length === 1 && selectedNodes.length === 0 ? selectedEdges[0].id : undefined;

  const setArgument = useCallback(
    async (layer: string, arg: string, value: Json | undefined) => {
      const a = archRef.current;
      const raw = (entryRef.current?.layers as Record<string, Json> | undefined)?.[layer];
      const ok = await edit(argumentPatch(archId, a, layer, arg, value, raw), value === undefined ? `Unset ${arg} of ${label(layer)}` : `Set ${arg} of ${label(layer)} to ${JSON.stringify(value)}`);
      setDraft(null);
      return ok;
    },
    [edit, archId],
  );
  const setName = useCallback(
    (layer: string, name: string | undefined) => {
      const l = archRef.current.layers[layer];
      if (!l) return Promise.resolve(false);
      const path = pointer('architectures', archId, 'layers', layer, 'name');
      const patch: PatchOp[] = name === undefined ? (l.name !== undefined ? [{ op: 'remove', path }] : []) : [{ op: l.name !== undefined ? 'replace' : 'add', path, value: name }];
      return edit(patch, name ? `Name ${l.type} ${layer} ${name}` : `Unname ${l.type} ${layer}`);
    },
    [edit, archId],
  );

  const errors = analysis?.errors ?? [];
  const className = (arch.name ?? 'architecture').replace(/[^A-Za-z0-9_]/g, '_').toLowerCase() || 'architecture';
  const [showCode, setShowCode] = useState(false);
  const [problemsOpen, setProblemsOpen] = useState(true);

  return (
    <div className="pipeline-editor arch-editor" data-testid="arch-editor" data-arch-id={archId}>
      {!readOnly && (
        <LayerPalette
          catalog={catalog}
          disabled={readOnly}
          searchRef={searchRef}
          inserting={insertOn ? describeConnection(arch, insertOn, label) : null}
          onCancelInsert={() => setInsertOn(null)}
          onAdd={(type) => addLayer(type)}
        />
      )}
      <div className="canvas-column">
        <div className="canvas-toolbar" role="toolbar" aria-label="Architecture tools">
          <button className="secondary small" data-testid="arch-undo" disabled={readOnly || !history.canUndo()} onClick={() => void undo()} title="Undo (Ctrl/Cmd-Z)">
            ↶ Undo
          </button>
          <button className="secondary small" data-testid="arch-redo" disabled={readOnly || !history.canRedo()} onClick={() => void redo()} title="Redo (Ctrl-Y, Shift-Ctrl/Cmd-Z)">
            ↷ Redo
          </button>
          <button className="secondary small" data-testid="arch-auto-layout" disabled={nodes.length === 0} onClick={layoutAll} title="Lay the layers out top-down again">
            Auto layout
          </button>
          <button className="secondary small" data-testid="arch-zoom-fit" onClick={() => zoomToFit()} title="Fit the width of the architecture at a readable size">
            Zoom to fit
          </button>
          {blocks.length > 0 && (
            <button
              className="secondary small"
              data-testid="arch-blocks-toggle"
              data-collapsed={collapsed.size}
              onClick={() => setCollapsed(collapsed.size > 0 ? new Set() : new Set(blocks.map((b) => b.id)))}
              title="Residual blocks, inception modules and other blocks that end in a merge"
            >
              {collapsed.size > 0 ? `Expand all blocks (${collapsed.size})` : `Collapse blocks (${blocks.length})`}
            </button>
          )}
          {selectedBlock && !collapsed.has(selectedBlock.id) && (
            <button
              className="secondary small"
              data-testid="arch-block-collapse"
              onClick={() => setCollapsed((c) => new Set([...c, selectedBlock.id]))}
              title={`Fold the ${selectedBlock.members.length} layers of this block into one node`}
            >
              Collapse block
            </button>
          )}
          <button
            className="secondary small"
            data-testid="insert-layer"
            disabled={readOnly || !oneEdge}
            title={oneEdge ? 'Insert a layer on the selected connection: then choose it in the palette' : 'Select a connection first'}
            onClick={() => {
              if (!oneEdge) return;
              setInsertOn(oneEdge);
              searchRef.current?.focus();
            }}
          >
            Insert layer
          </button>
          <button className="secondary small" data-testid="view-code" aria-pressed={showCode} onClick={() => setShowCode((s) => !s)}>
            View code
          </button>
          <span className="spacer" />
          <span className="muted small-text">{arch.name ?? archId}</span>
          <ParameterTotal analysis={analysis} />
        </div>
        <div
          className="canvas"
          data-testid="arch-canvas"
          data-graph-ready={layout && !laying ? 'true' : 'false'}
          data-shown-nodes={nodes.length}
          ref={canvasRef}
          onDragOver={onDragOver}
          onDrop={onDrop}
        >
          {!layout && <p className="canvas-hint muted" data-testid="arch-laying-out">Laying out {structure.nodes.length} layers…</p>}
          <ReactFlow<ArchNode, ArchFlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            edgeTypes={EDGE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onNodeDragStop={onNodeDragStop}
            deleteKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            edgesReconnectable={false}
            onlyRenderVisibleElements
            panOnScroll
            minZoom={0.02}
            colorMode="system"
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <section className="drawer" data-testid="arch-problems" aria-label="Problems">
          <button type="button" className="drawer-header" aria-expanded={problemsOpen} onClick={() => setProblemsOpen((o) => !o)}>
            {problemsOpen ? '▾' : '▸'} Problems{' '}
            <span className={`badge${errors.length ? ' status-removed' : ''}`} data-testid="arch-problem-count">
              {errors.length}
            </span>
          </button>
          {problemsOpen && (
            <ul className="problem-list">
              {analysisError && <li className="form-error">The analysis failed: {analysisError}</li>}
              {!analysisError && errors.length === 0 && <li className="muted">{analysis ? 'No problems: every shape fits.' : 'Analysing…'}</li>}
              {errors.map((e, i) => (
                <li key={`${e.layer ?? ''}-${i}`} data-testid="arch-problem" data-layer-id={e.layer ?? ''}>
                  {e.layer && e.layer in arch.layers ? (
                    <button type="button" className="link-button" onClick={() => showLayer(e.layer!)}>
                      {e.message}
                    </button>
                  ) : (
                    e.message
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        {showCode && <CodePanel project={project} archId={archId} head={head} fileName={`${className}.py`} onClose={() => setShowCode(false)} />}
      </div>
      {one && arch.layers[one] ? (
        <LayerInspector
          key={one}
          layerId={one}
          arch={arch}
          spec={specs.get(arch.layers[one].type)}
          analysed={analysis?.layers?.[one]}
          errors={errorsByLayer.get(one) ?? []}
          readOnly={readOnly}
          onDraft={(arg, value) => setDraft({ layer: one, arg, value })}
          onClearDraft={() => setDraft(null)}
          onArgument={(arg, value) => setArgument(one, arg, value)}
          onName={(name) => setName(one, name)}
          onSwapInputs={(k1, k2) => void edit(swapInputsPatch(archId, archRef.current, k1, k2), `Reorder the inputs of ${label(one)}`)}
        />
      ) : (
        <Inspector kind="architectures" id={archId} entry={entry} />
      )}
    </div>
  );
}

function describeConnection(a: Architecture, id: string, label: (id: string) => string): string {
  const c = a.connections[id];
  return c ? `${label(c.from.layer)} → ${label(c.to.layer)}` : id;
}

function blockData(b: Block, a: Architecture, errors: Map<string, string[]>, onExpand: (id: string) => void) {
  const layers = b.members.map((m) => a.layers[m]).filter(Boolean);
  const exit = a.layers[b.exit];
  return {
    label: sharedName(layers.map((l) => l.name ?? ''), exit?.name ?? exit?.type ?? b.exit),
    count: `${b.members.length} layers`,
    summary: summariseKinds(layers.map((l) => l.type)),
    error: b.members.flatMap((m) => errors.get(m) ?? []).join('\n'),
    onExpand,
  };
}
