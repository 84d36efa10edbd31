import type { Connection as FlowConnection } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, type ModelView } from '../../shared/api';
import { mergeBlocks, type Block } from '../../shared/graph/blocks';
import { BlockNodeView, sharedName, summariseKinds, type BlockFlowNode } from '../../shared/graph/BlockNodeView';
import { OVERVIEW_ZOOM } from '../../shared/graph/fit';
import { GraphCanvas, GraphEditorFrame, useFolding, useGraphCanvas } from '../../shared/graph/GraphCanvas';
import { declaredHandles } from '../../shared/graph/handles';
import { FoldingButtons, UndoRedoButtons } from '../../shared/graph/GraphToolbar';
import type { Position } from '../../shared/graph/layout';
import { toast } from '../../shared/notify';
import { pointer, type Json, type PatchOp } from '../../shared/patch';
import { useUndoableEdits } from '../../shared/useUndoableEdits';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { Inspector } from '../workbench/Inspector';
import { architectureStructure, LAYER_SIZE, layoutShown } from './layout';
import {
  addLayerPatch,
  architectureKind,
  argumentPatch,
  DEFAULT_KIND,
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
import { ArchEdgeView, type ArchFlowEdge } from './ArchEdgeView';
import { libraryOfKind, loadCatalog, loadLibraries } from './catalog';
import { AnalysisClient } from './analysisClient';
import { arrivedSavedAnalysis, savedAnalysis } from './savedAnalysis';
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

/** The architecture editor: layer palette, canvas with shapes, problems, inspector, generated code. */
export default function ArchitectureEditor(props: Props) {
  return (
    <GraphEditorFrame fallback={<p className="muted loading editor-loading">The architecture canvas needs a browser with ResizeObserver.</p>}>
      <Editor {...props} />
    </GraphEditorFrame>
  );
}

interface Draft { layer: string; arg: string; value: Json | undefined }

function nodeKind(type: string, spec: LayerSpec | undefined): LayerNodeData['kind'] {
  if (type === 'Input') return 'input';
  if (type === 'Output') return 'output';
  return MERGES.has(type) || spec?.max_inputs === null ? 'merge' : 'layer';
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
    a.tag === b.tag &&
    a.inputNames.join() === b.inputNames.join()
  );
}

/** The editor's analysis from an answer of the server (fields it may leave out made explicit). */
function analysisState(r: Analysis | null | undefined): Analysis {
  return {
    shapes: r?.shapes ?? {},
    layers: r?.layers ?? {},
    parameters: typeof r?.parameters === 'number' ? r.parameters : null,
    ...(typeof r?.partialParameters === 'number' ? { partialParameters: r.partialParameters } : {}),
    errors: Array.isArray(r?.errors) ? r.errors : [],
  };
}

function Editor({ project, archId, model, head, wb }: Props) {
  const entry = model.architectures?.[archId];
  const arch = useMemo(() => readArchitecture(entry), [entry]);
  const readOnly = wb.readOnly;
  const { applyChange } = wb;
  const archRef = useRef(arch);
  archRef.current = arch;
  const entryRef = useRef(entry);
  entryRef.current = entry;

  // ---- the catalog of the architecture's kind, and the name of the library that draws it
  const kind = architectureKind(entry);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [libraryName, setLibraryName] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    setCatalog(null);
    loadCatalog(kind).then(
      (c) => !stale && setCatalog(c),
      (e) => toast(`Could not load the layer catalog: ${errorMessage(e)}`, 'error'),
    );
    loadLibraries().then(
      (libraries) => !stale && setLibraryName(libraryOfKind(libraries, kind)?.name ?? null),
      () => undefined, // the catalog's failure is reported
    );
    return () => {
      stale = true;
    };
  }, [kind]);
  const specs = useMemo(() => specIndex(catalog), [catalog]);

  // ---- the analysis: the saved state at opening, then the local architecture (with what is being typed)
  const [draft, setDraft] = useState<Draft | null>(null);
  const analysed = useMemo(() => (draft ? withArgument(arch, draft.layer, draft.arg, draft.value) : arch), [arch, draft]);
  // opened from a link, the page's preload asked for the saved analysis with the model: if it came, the first
  // render has it (savedAnalysis.ts)
  const [analysis, setAnalysis] = useState<Analysis | null>(() => {
    const arrived = arrivedSavedAnalysis(project, archId, head);
    return arrived ? analysisState(arrived) : null;
  });
  const [analysisError, setAnalysisError] = useState<string | null>(null);
  const seq = useRef(0);
  const first = useRef(true);
  const analyses = useRef(new AnalysisClient());
  useEffect(() => {
    const n = ++seq.current;
    const saved = first.current && !draft;
    first.current = false;
    if (saved && analysis) return; // the saved analysis came with the page
    const t = setTimeout(
      () => {
        const req = saved
          ? savedAnalysis(project, archId, head)
          : analyses.current.analyse(project, { ...(entryRef.current ?? {}), ...analysed });
        req.then(
          (r) => {
            if (n !== seq.current) return;
            setAnalysis(analysisState(r));
            setAnalysisError(null);
          },
          (e) => n === seq.current && setAnalysisError(errorMessage(e)),
        );
      },
      saved ? 0 : 150,
    );
    return () => clearTimeout(t);
    // head is left out on purpose: a commit elsewhere in the model does not change this architecture; analysis is
    // read only at the first run, to know whether it came with the page
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
  const structure = useMemo(() => architectureStructure(archRef.current), [skey]);
  const merges = useMemo(() => mergeBlocks(structure.nodes, structure.edges), [structure]);
  const folding = useFolding(structure.nodes, structure.edges, merges);
  const { collapsed, shown, blockById, blockOf, expand } = folding;

  // ---- layout: in the layout worker, once per structure or folding change (or when asked), never per render
  const [layoutRun, setLayoutRun] = useState(0);
  const [layout, setLayout] = useState<Record<string, Position> | null>(null);
  const [laying, setLaying] = useState(false);
  useEffect(() => {
    let stale = false;
    setLaying(true);
    // at opening the page's preload has asked for this very layout already (architectureLayoutAtOpening): it comes from there
    layoutShown(shown).then(
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
          else
            out.push({
              ...(old ?? {}), id, type: 'block', position, data, selected: old?.selected ?? false, width: LAYER_SIZE.width, height: LAYER_SIZE.height,
              handles: old?.measured ? undefined : declaredHandles(LAYER_SIZE, ['in'], ['out']),
            } as BlockFlowNode);
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
          kind: nodeKind(l.type, spec),
          tag: spec?.estimatorType ?? '',
        };
        const selected = select ? id === select : (old?.selected ?? false);
        if (old && old.type === 'layer' && sameData(old.data, data) && old.position.x === position.x && old.position.y === position.y && old.selected === selected) out.push(old);
        else
          out.push({
            ...(old ?? {}), id, type: 'layer', position, data, selected, width: LAYER_SIZE.width, height: LAYER_SIZE.height,
            // a node not drawn yet says where its handles go, so that only the nodes in view are drawn at opening
            handles: old?.measured && old.data.inputs === data.inputs && old.data.outputs === data.outputs ? undefined : layerHandles(data),
          } as LayerFlowNode);
      }
      return out;
    },
    [arch, specs, analysis, errorsByLayer, layout, shown, blockById, expand],
  );

  // ---- edits, undo and redo
  const { edit, undo, redo, history } = useUndoableEdits(applyChange, model, readOnly);

  // ---- the canvas: fitted once, when the first layout is drawn; Escape leaves insert mode
  const { rf, canvasRef, searchRef, nodes, setNodes, edges, setEdges, zoomToFit, showNode: show, canvas } = useGraphCanvas<ArchNode, ArchFlowEdge>(
    {
      readOnly,
      nodeSize: LAYER_SIZE,
      fitOnOpen: true,
      undo,
      redo,
      onDeleteSelection: (selectedNodes, selectedEdges) => {
        const gone = selectedNodes.map((n) => n.id);
        const cut = selectedEdges.map((e) => e.id);
        const what = gone.length ? (gone.length === 1 ? label(gone[0]) : `${gone.length} layers`) : `${cut.length} connection${cut.length === 1 ? '' : 's'}`;
        void edit(removalPatch(archId, archRef.current, gone, cut), `Delete ${what}`);
      },
      onEscape: () => setInsertOn(null),
      drop: { type: LAYER_DRAG_TYPE, onDrop: (type, at) => addLayer(type, { x: Math.round(at.x), y: Math.round(at.y) }) },
    },
    () => build([]),
  );
  useEffect(() => setNodes(build), [build, setNodes]);

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

  const label = (id: string, a: Architecture = archRef.current) => {
    const l = a.layers[id];
    return l ? `${l.type}${l.name ? ` "${l.name}"` : ''}` : id;
  };

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
  const showLayer = (id: string) => {
    const b = blockOf.get(id);
    if (b && collapsed.has(b.id)) expand(b.id); // a layer inside a collapsed block: open the block first
    show(id);
  };
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
  // a kind whose layers have no trainable parameters (scikit-learn's estimators) shows no total
  const counts = kind === DEFAULT_KIND || Object.values(analysis?.layers ?? {}).some((l) => (l.parameters ?? 0) > 0);
  const [problemsOpen, setProblemsOpen] = useState(true);

  return (
    <div className="pipeline-editor arch-editor" data-testid="arch-editor" data-arch-id={archId} data-kind={kind}>
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
          <UndoRedoButtons testIdPrefix="arch-" readOnly={readOnly} canUndo={history.canUndo()} canRedo={history.canRedo()} undo={undo} redo={redo} />
          <button className="secondary small" data-testid="arch-auto-layout" disabled={nodes.length === 0} onClick={layoutAll} title="Lay the layers out top-down again">
            Auto layout
          </button>
          <button className="secondary small" data-testid="arch-zoom-fit" onClick={() => zoomToFit()} title="Fit the width of the architecture at a readable size">
            Zoom to fit
          </button>
          <FoldingButtons
            testIdPrefix="arch-"
            folding={folding}
            selected={selectedBlock}
            noun="block"
            title="Residual blocks, inception modules and other blocks that end in a merge"
            collapseTitle={(b) => `Fold the ${b.members.length} layers of this block into one node`}
          />
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
          {counts && <ParameterTotal analysis={analysis} />}
        </div>
        <GraphCanvas<ArchNode, ArchFlowEdge>
          canvas={canvas}
          testId="arch-canvas"
          ready={!!layout && !laying}
          nodeTypes={NODE_TYPES}
          edgeTypes={EDGE_TYPES}
          onConnect={onConnect}
          onNodeDragStop={onNodeDragStop}
          minZoom={0.02}
          hint={!layout && <p className="canvas-hint muted" data-testid="arch-laying-out">Laying out {structure.nodes.length} layers…</p>}
        />
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
        {showCode && <CodePanel project={project} archId={archId} head={head} fileName={`${className}.py`} language={libraryName ?? 'Python'} onClose={() => setShowCode(false)} />}
      </div>
      {one && arch.layers[one] ? (
        <LayerInspector
          key={one}
          layerId={one}
          arch={arch}
          spec={specs.get(arch.layers[one].type)}
          analysed={analysis?.layers?.[one]}
          errors={errorsByLayer.get(one) ?? []}
          countsParameters={counts}
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

function layerHandles(d: LayerNodeData) {
  return declaredHandles(LAYER_SIZE, Array.from({ length: d.inputs }, (_, i) => `in-${i}`), Array.from({ length: d.outputs }, (_, i) => `out-${i}`));
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
