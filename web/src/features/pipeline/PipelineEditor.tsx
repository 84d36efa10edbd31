import { useUpdateNodeInternals, type Connection, type Edge, type OnDelete } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type ModelView, type Problem } from '../../shared/api';
import { chainBlocks, type Block } from '../../shared/graph/blocks';
import { BlockNodeView, summariseKinds, type BlockFlowNode } from '../../shared/graph/BlockNodeView';
import { GraphCanvas, GraphEditorFrame, useFolding, useGraphCanvas } from '../../shared/graph/GraphCanvas';
import { FoldingButtons, UndoRedoButtons } from '../../shared/graph/GraphToolbar';
import { layoutInWorker } from '../../shared/graph/layoutClient';
import { toast } from '../../shared/notify';
import { pointer, type Json, type PatchOp } from '../../shared/patch';
import { useUndoableEdits } from '../../shared/useUndoableEdits';
import { useObservedTypes } from '../../shared/observedTypes';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { Inspector } from '../workbench/Inspector';
import { buildEdges, buildNodes } from './buildFlow';
import { newNode, nextConnectionId, nextNodeId, positionsPatch, removalPatch, type PaletteItem } from './edits';
import { connectionProblem } from './graph';
import { DEFAULT_NODE_SIZE, freeSpot, layoutInput, pipelineLayout, pipelineStructure, savedPosition } from './layout';
import { nodeTitle, readPipeline, type Position } from './model';
import { NodeInspector } from './NodeInspector';
import { DRAG_TYPE, Palette } from './Palette';
import { PipelineNodeView, type PipelineFlowNode } from './PipelineNodeView';
import { ProblemsDrawer } from './ProblemsDrawer';

interface Props {
  project: string;
  branch?: string;
  pipelineId: string;
  model: ModelView;
  head: string;
  wb: WorkbenchModel;
}

const NODE_TYPES = { df: PipelineNodeView, block: BlockNodeView };
type FlowNode = PipelineFlowNode | BlockFlowNode;

/** The pipeline editor: palette, canvas, problems drawer and node inspector (loaded lazily). */
export default function PipelineEditor(props: Props) {
  const entry = props.model.pipelines?.[props.pipelineId];
  const fallback = (
    <>
      <p className="muted loading editor-loading">The pipeline canvas needs a browser with ResizeObserver.</p>
      <Inspector kind="pipelines" id={props.pipelineId} entry={entry} />
    </>
  );
  return (
    <GraphEditorFrame fallback={fallback}>
      <Editor {...props} />
    </GraphEditorFrame>
  );
}

function Editor({ project, branch, pipelineId, model, head, wb }: Props) {
  const entry = model.pipelines?.[pipelineId];
  const pipeline = useMemo(() => readPipeline(entry), [entry]);
  const parts = useMemo(
    () => ({ operations: model.operations ?? {}, pipelines: model.pipelines ?? {}, artifacts: model.artifacts ?? {} }),
    [model.operations, model.pipelines, model.artifacts],
  );
  const readOnly = wb.readOnly;
  const { applyChange } = wb;
  const updateNodeInternals = useUpdateNodeInternals();

  // ---- edits, undo and redo
  const { edit, undo, redo, history } = useUndoableEdits(applyChange, model, readOnly);

  // ---- the canvas; removals go through the server (onDelete), the model update takes the node away
  const { rf, canvasRef, searchRef, nodes, setNodes, setEdges, zoomToFit, showNode: show, canvas } = useGraphCanvas<FlowNode, Edge>({
    readOnly,
    nodeSize: DEFAULT_NODE_SIZE,
    measured: true,
    maxZoom: 1.2,
    // fit once to what is there at opening; an empty canvas keeps its viewport while nodes arrive
    fitOnOpen: Object.keys(pipeline.nodes).length > 0,
    undo,
    redo,
    onDeleteSelection: (gone, cut) => void rf.deleteElements({ nodes: gone, edges: cut }),
    drop: {
      type: DRAG_TYPE,
      onDrop: (raw, at) => {
        let item: PaletteItem;
        try {
          item = JSON.parse(raw) as PaletteItem;
        } catch {
          return;
        }
        addNode(item, at);
      },
    },
  });

  // ---- the types outputs had in their last runs (information only: connection checks use declared types)
  const observed = useObservedTypes(project, head);
  // ---- problems, refreshed at every commit
  const [problems, setProblems] = useState<Problem[]>([]);
  useEffect(() => {
    let stale = false;
    // none before and none now keeps the same list: no render of a big pipeline again for nothing
    const take = (next: Problem[]) => !stale && setProblems((before) => (before.length === 0 && next.length === 0 ? before : next));
    api.problems(project, pipelineId, head).then(
      (r) => take(Array.isArray(r?.problems) ? r.problems : []),
      () => take([]),
    );
    return () => {
      stale = true;
    };
  }, [project, pipelineId, head]);
  const byNode = useMemo(() => {
    const m = new Map<string, Problem[]>();
    for (const p of problems) m.set(p.node, [...(m.get(p.node) ?? []), p]);
    return m;
  }, [problems]);

  const pipelineRef = useRef(pipeline);
  pipelineRef.current = pipeline;

  // ---- chains of steps as collapsible blocks: a big pipeline opens with them collapsed
  const structure = useMemo(() => pipelineStructure(pipeline), [pipeline]);
  const skey = structure.key;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const chains = useMemo(() => chainBlocks(structure.ids, structure.edges), [skey]);
  const folding = useFolding(structure.ids, structure.edges, chains);
  const { collapsed, shown, blockById, blockOf, expand } = folding;

  // ---- where a node goes: its saved position; nodes without one (made by a script) and collapsed blocks are
  // laid out in the layout worker. A block sits where its first step is saved, if it is.
  const stored = useCallback((id: string): Position | undefined => savedPosition(pipelineRef.current, id, blockById), [blockById]);
  const unplaced = useMemo(() => shown.nodes.filter((id) => !stored(id)), [shown, stored]);
  const [auto, setAuto] = useState<Record<string, Position> | null>(null);
  const autoKey = unplaced.length ? `${skey}#${[...collapsed].sort().join(',')}` : '';
  // asked for while rendering, not in an effect: the worker lays the graph out while the page commits this first
  // render (for 2,000 nodes ~150 ms of DOM work that the layout otherwise waited for); layoutInWorker answers the same
  // input with the same promise, so a render done twice asks once
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const autoLayout = useMemo(() => (autoKey ? pipelineLayout(pipelineRef.current, parts, shown, collapsed.size > 0) : null), [autoKey]);
  useEffect(() => {
    if (!autoLayout) return;
    let stale = false;
    autoLayout.then(
      (p) => !stale && setAuto(p),
      (e) => !stale && toast(`Could not lay the pipeline out: ${e instanceof Error ? e.message : String(e)}`, 'error'),
    );
    return () => {
      stale = true;
    };
  }, [autoLayout]);
  const ready = unplaced.length === 0 || (auto !== null && unplaced.every((id) => id in auto));

  // ---- canvas state follows the model
  const selectNext = useRef<string | undefined>(undefined);
  const [resync, setResync] = useState(0);
  const place = useCallback(
    (all: PipelineFlowNode[], prev: readonly FlowNode[]): FlowNode[] => {
      if (!ready) return [];
      const byId = new Map(all.map((n) => [n.id, n]));
      const before = new Map(prev.map((n) => [n.id, n]));
      const out: FlowNode[] = [];
      for (const id of shown.nodes) {
        const position = stored(id) ?? auto?.[id] ?? { x: 0, y: 0 };
        const block = blockById.get(id);
        if (block) {
          const old = before.get(id);
          const data = chainData(block, pipelineRef.current, parts, expand);
          out.push({ ...(old ?? {}), id, type: 'block', position: old?.dragging ? old.position : position, data, width: DEFAULT_NODE_SIZE.width, height: DEFAULT_NODE_SIZE.height } as BlockFlowNode);
          continue;
        }
        const n = byId.get(id);
        if (n) out.push(n.dragging || n.position !== undefined && pipelineRef.current.nodes[id]?.position ? n : { ...n, position });
      }
      return out;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ready, shown, auto, stored, blockById, parts, expand],
  );
  useEffect(() => {
    setNodes((prev) => {
      const select = selectNext.current && selectNext.current in pipeline.nodes ? selectNext.current : undefined;
      if (select) selectNext.current = undefined;
      const all = buildNodes(prev.filter((n): n is PipelineFlowNode => n.type === 'df'), pipeline, parts, model, byNode, select, observed, new Set(shown.nodes));
      return place(all, prev);
    });
    setEdges((prev) => foldEdges(buildEdges(prev, pipeline), shown.shownAs));
    // ports follow the operations' code, so a node's handles may have moved or appeared: have React Flow
    // measure them again once drawn, or an edge to a handle it has not measured yet would not be drawn
    const ids = shown.nodes;
    const frame = requestAnimationFrame(() => updateNodeInternals(ids));
    return () => cancelAnimationFrame(frame);
  }, [pipeline, parts, model, byNode, resync, updateNodeInternals, place, shown, observed]);

  // ---- adding nodes
  const addNode = useCallback(
    (item: PaletteItem, at: Position) => {
      const p = pipelineRef.current;
      const id = nextNodeId(p, item);
      const value = newNode(item, at) as unknown as Json;
      const patch: PatchOp[] =
        entry && typeof entry.nodes === 'object' && entry.nodes !== null
          ? [{ op: 'add', path: pointer('pipelines', pipelineId, 'nodes', id), value }]
          : [{ op: 'add', path: pointer('pipelines', pipelineId, 'nodes'), value: { [id]: value } }];
      selectNext.current = id;
      const what = item.kind === 'operation' ? item.name : item.kind === 'pipeline' ? 'a sub-pipeline' : item.kind === 'input' ? 'an Input' : 'an Output';
      void edit(patch, `Add ${what} to ${p.name ?? pipelineId}`);
    },
    [edit, entry, pipelineId],
  );

  const centreOfView = useCallback((): Position => {
    const box = canvasRef.current?.getBoundingClientRect();
    const c = box ? rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
    // never on top of another node: the first free place in a column below the centre
    const taken = Object.values(pipelineRef.current.nodes).map((n) => n.position).filter(Boolean) as Position[];
    return freeSpot({ x: c.x - DEFAULT_NODE_SIZE.width / 2, y: c.y - DEFAULT_NODE_SIZE.height / 2 }, taken);
  }, [rf]);

  // ---- connecting, moving, deleting
  const onConnect = useCallback(
    (c: Connection) => {
      const p = pipelineRef.current;
      const conn = { from: { node: c.source, port: c.sourceHandle ?? '' }, to: { node: c.target, port: c.targetHandle ?? '' } };
      const problem = connectionProblem(p, parts, conn);
      if (problem) {
        toast(problem, 'error');
        return;
      }
      const patch: PatchOp[] =
        entry && typeof entry.connections === 'object' && entry.connections !== null
          ? [{ op: 'add', path: pointer('pipelines', pipelineId, 'connections', nextConnectionId(p)), value: conn }]
          : [{ op: 'add', path: pointer('pipelines', pipelineId, 'connections'), value: { [nextConnectionId(p)]: conn } }];
      void edit(patch, `Connect ${c.source}.${conn.from.port} → ${c.target}.${conn.to.port}`);
    },
    [edit, entry, parts, pipelineId],
  );

  const onNodeDragStop = useCallback(
    (_: unknown, _node: FlowNode, dragged: FlowNode[]) => {
      const patch = positionsPatch(pipelineId, pipelineRef.current, Object.fromEntries(dragged.filter((n) => n.type === 'df').map((n) => [n.id, n.position])));
      if (patch.length === 0) return;
      void edit(patch, dragged.length === 1 ? `Move ${dragged[0].id}` : `Move ${dragged.length} nodes`).then((ok) => {
        if (!ok) setResync((r) => r + 1); // back to where the model has them
      });
    },
    [edit, pipelineId],
  );

  const onDelete: OnDelete<FlowNode, Edge> = useCallback(
    ({ nodes: gone, edges: cut }) => {
      const patch = removalPatch(pipelineId, pipelineRef.current, gone.flatMap((n) => blockById.get(n.id)?.members ?? [n.id]), cut.map((e) => e.id).filter((id) => id in pipelineRef.current.connections));
      const what = gone.length ? `${gone.length} node${gone.length === 1 ? '' : 's'}` : `${cut.length} connection${cut.length === 1 ? '' : 's'}`;
      void edit(patch, `Delete ${what}`);
    },
    [edit, pipelineId, blockById],
  );

  const layoutAll = () => {
    const drawn = rf.getNodes().filter((n): n is PipelineFlowNode => n.type === 'df');
    const { nodes: laidOut, edges: wires } = layoutInput(
      drawn.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height, inputs: n.data.inputs, outputs: n.data.outputs })),
      pipelineRef.current,
    );
    layoutInWorker(laidOut, wires).then(
      (laid) => {
        const patch = positionsPatch(pipelineId, pipelineRef.current, laid);
        if (patch.length === 0) {
          toast('The pipeline is laid out already', 'info');
          return;
        }
        void edit(patch, 'Auto layout').then((ok) => ok && setTimeout(() => zoomToFit(), 60));
      },
      (e) => toast(`Could not lay the pipeline out: ${e instanceof Error ? e.message : String(e)}`, 'error'),
    );
  };

  const showNode = (id: string) => {
    const b = blockOf.get(id);
    if (b && collapsed.has(b.id)) expand(b.id); // a node inside a collapsed chain: open the chain first
    show(id);
  };

  const selected = nodes.filter((n) => n.selected);
  const one = selected.length === 1 && selected[0].type === 'df' ? selected[0].id : undefined;
  const selectedChain = one ? blockOf.get(one) : undefined;
  // the names of the nodes with problems, for the problems drawer (not of every node: a big pipeline has thousands)
  const titles = useMemo(
    () => Object.fromEntries(problems.flatMap((p) => (pipeline.nodes[p.node] ? [[p.node, `${nodeTitle(pipeline.nodes[p.node], parts)} (${p.node})`]] : []))),
    [problems, pipeline, parts],
  );

  return (
    <div className="pipeline-editor" data-testid="pipeline-editor" data-pipeline-id={pipelineId}>
      {!readOnly && <Palette operations={parts.operations} pipelines={parts.pipelines} current={pipelineId} disabled={readOnly} searchRef={searchRef} onAdd={(item) => addNode(item, centreOfView())} />}
      <div className="canvas-column">
        <div className="canvas-toolbar" role="toolbar" aria-label="Pipeline tools">
          <UndoRedoButtons testIdPrefix="" readOnly={readOnly} canUndo={history.canUndo()} canRedo={history.canRedo()} undo={undo} redo={redo} />
          <button className="secondary small" data-testid="auto-layout" disabled={readOnly || nodes.length === 0} onClick={layoutAll}>
            Auto layout
          </button>
          <button className="secondary small" data-testid="zoom-fit" onClick={() => zoomToFit()} title="Fit the width of the pipeline at a readable size">
            Zoom to fit
          </button>
          <FoldingButtons testIdPrefix="" folding={folding} selected={selectedChain} noun="chain" title="Chains of steps, one after another" />
          <a
            className="button secondary small"
            data-testid="pipeline-export"
            href={api.pipelineExportUrl(project, pipelineId, head)}
            title="Download this pipeline as plain Python (main.py, operations, runtime, bundled inputs)"
          >
            Export as Python
          </a>
          <span className="spacer" />
          <span className="muted small-text toolbar-title" title={pipeline.name ?? pipelineId}>{pipeline.name ?? pipelineId}</span>
        </div>
        <GraphCanvas<FlowNode, Edge>
          canvas={canvas}
          testId="pipeline-canvas"
          ready={ready}
          nodeTypes={NODE_TYPES}
          onConnect={onConnect}
          onDelete={onDelete}
          onNodeDragStop={onNodeDragStop}
          minZoom={0.05}
          hint={!ready && <p className="canvas-hint muted">Laying out {structure.ids.length} nodes…</p>}
        >
          {structure.ids.length === 0 && (
            <p className="canvas-hint muted" data-testid="canvas-empty">
              {readOnly ? 'This pipeline has no nodes.' : 'Drag operations from the palette onto the canvas (or click one to add it).'}
            </p>
          )}
        </GraphCanvas>
        <ProblemsDrawer problems={problems} titles={titles} onShow={showNode} />
      </div>
      {one && pipeline.nodes[one] ? (
        <NodeInspector
          key={one}
          project={project}
          branch={branch}
          pipelineId={pipelineId}
          nodeId={one}
          node={pipeline.nodes[one]}
          model={model}
          readOnly={readOnly}
          edit={edit}
        />
      ) : (
        <Inspector kind="pipelines" id={pipelineId} entry={entry} />
      )}
    </div>
  );
}

/** A collapsed chain: its operations, its problems. */
function chainData(b: Block, p: ReturnType<typeof readPipeline>, parts: Parameters<typeof nodeTitle>[1], onExpand: (id: string) => void) {
  const titles = b.members.map((m) => (p.nodes[m] ? nodeTitle(p.nodes[m], parts) : m));
  return { label: `${titles[0]} … ${titles[titles.length - 1]}`, count: `${b.members.length} nodes`, summary: summariseKinds(titles), error: '', onExpand };
}

/** Connections to or from a collapsed chain, drawn once per pair of nodes between the chain's own handles. */
function foldEdges(edges: Edge[], shownAs: (id: string) => string): Edge[] {
  const out: Edge[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    const source = shownAs(e.source);
    const target = shownAs(e.target);
    if (source === target) continue;
    if (source === e.source && target === e.target) {
      out.push(e);
      continue;
    }
    const id = `${source}->${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ ...e, id, source, target, sourceHandle: source === e.source ? e.sourceHandle : 'out', targetHandle: target === e.target ? e.targetHandle : 'in', selected: false });
  }
  return out;
}
