import { useCanvasKeys } from '../typing';
import '@xyflow/react/dist/style.css';
import { useUndoableEdits } from '../../pipeline/useUndoableEdits';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useUpdateNodeInternals,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type OnDelete,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { api, type ModelView, type Problem } from '../../api';
import { toast } from '../../notify';
import { pointer, type Json, type PatchOp } from '../../patch';
import { newNode, nextConnectionId, nextNodeId, positionsPatch, removalPatch, type PaletteItem } from '../../pipeline/edits';
import { connectionProblem } from '../../pipeline/graph';
import { autoLayout, DEFAULT_NODE_SIZE } from '../../pipeline/layout';
import { nodeTitle, readPipeline, type Position } from '../../pipeline/model';
import type { WorkbenchModel } from '../../useWorkbench';
import { Inspector } from '../Inspector';
import { buildEdges, buildNodes } from './buildFlow';
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

const NODE_TYPES = { df: PipelineNodeView };

/** The pipeline editor: palette, canvas, problems drawer and node inspector (loaded lazily). */
export default function PipelineEditor(props: Props) {
  if (typeof ResizeObserver === 'undefined') {
    // jsdom and very old browsers: the canvas cannot measure its nodes
    const entry = props.model.pipelines?.[props.pipelineId];
    return (
      <>
        <p className="muted loading editor-loading">The pipeline canvas needs a browser with ResizeObserver.</p>
        <Inspector kind="pipelines" id={props.pipelineId} entry={entry} />
      </>
    );
  }
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

function Editor({ project, branch, pipelineId, model, head, wb }: Props) {
  const entry = model.pipelines?.[pipelineId];
  const pipeline = useMemo(() => readPipeline(entry), [entry]);
  const parts = useMemo(() => ({ operations: model.operations ?? {}, pipelines: model.pipelines ?? {} }), [model.operations, model.pipelines]);
  const readOnly = wb.readOnly;
  const { applyChange } = wb;
  const rf = useReactFlow<PipelineFlowNode, Edge>();
  const updateNodeInternals = useUpdateNodeInternals();
  const canvasRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // ---- problems, refreshed at every commit
  const [problems, setProblems] = useState<Problem[]>([]);
  useEffect(() => {
    let stale = false;
    api.problems(project, pipelineId, head).then(
      (r) => !stale && setProblems(Array.isArray(r?.problems) ? r.problems : []),
      () => !stale && setProblems([]),
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

  // ---- canvas state follows the model
  const selectNext = useRef<string | undefined>(undefined);
  const [resync, setResync] = useState(0);
  const [nodes, setNodes] = useState<PipelineFlowNode[]>(() => buildNodes([], pipeline, parts, model, byNode));
  const [edges, setEdges] = useState<Edge[]>(() => buildEdges([], pipeline));
  // fit once to what is there at opening; an empty canvas keeps its viewport while nodes arrive
  const [fitAtOpen] = useState(() => Object.keys(pipeline.nodes).length > 0);
  useEffect(() => {
    setNodes((prev) => {
      const select = selectNext.current && selectNext.current in pipeline.nodes ? selectNext.current : undefined;
      if (select) selectNext.current = undefined;
      return buildNodes(prev, pipeline, parts, model, byNode, select);
    });
    setEdges((prev) => buildEdges(prev, pipeline));
    // ports follow the operations' code, so a node's handles may have moved or appeared: have React Flow
    // measure them again once drawn, or an edge to a handle it has not measured yet would not be drawn
    const ids = Object.keys(pipeline.nodes);
    const frame = requestAnimationFrame(() => updateNodeInternals(ids));
    return () => cancelAnimationFrame(frame);
  }, [pipeline, parts, model, byNode, resync, updateNodeInternals]);

  const onNodesChange = useCallback((changes: NodeChange<PipelineFlowNode>[]) => {
    // removals go through the server (onDelete); the model update takes the node away
    setNodes((nds) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), nds));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<Edge>[]) => {
    setEdges((eds) => applyEdgeChanges(changes.filter((c) => c.type !== 'remove'), eds));
  }, []);

  // ---- edits, undo and redo
  const { edit, undo, redo, history } = useUndoableEdits(applyChange, model, readOnly);
  const pipelineRef = useRef(pipeline);
  pipelineRef.current = pipeline;

  // Delete acts on the canvas selection while the canvas (or nothing in particular) has focus, not
  // while the user is in the pipeline list, say
  const deleteSelection = useCallback(() => {
    const gone = rf.getNodes().filter((n) => n.selected);
    const cut = rf.getEdges().filter((x) => x.selected);
    if (readOnly || (gone.length === 0 && cut.length === 0)) return false;
    void rf.deleteElements({ nodes: gone, edges: cut });
    return true;
  }, [rf, readOnly]);

  useCanvasKeys({ undo, redo, deleteSelection }, canvasRef, searchRef);

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
    let at = { x: c.x - DEFAULT_NODE_SIZE.width / 2, y: c.y - DEFAULT_NODE_SIZE.height / 2 };
    // do not stack a second node exactly on the first
    const taken = Object.values(pipelineRef.current.nodes).map((n) => n.position).filter(Boolean) as Position[];
    while (taken.some((p) => Math.abs(p.x - at.x) < 12 && Math.abs(p.y - at.y) < 12)) at = { x: at.x + 30, y: at.y + 30 };
    return at;
  }, [rf]);

  const onDragOver = (e: DragEvent) => {
    if (readOnly || !Array.from(e.dataTransfer.types).includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (e: DragEvent) => {
    if (readOnly) return;
    const raw = e.dataTransfer.getData(DRAG_TYPE);
    if (!raw) return;
    e.preventDefault();
    let item: PaletteItem;
    try {
      item = JSON.parse(raw) as PaletteItem;
    } catch {
      return;
    }
    const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addNode(item, { x: p.x - DEFAULT_NODE_SIZE.width / 2, y: p.y - DEFAULT_NODE_SIZE.height / 2 });
  };

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
    (_: unknown, _node: PipelineFlowNode, dragged: PipelineFlowNode[]) => {
      const patch = positionsPatch(pipelineId, pipelineRef.current, Object.fromEntries(dragged.map((n) => [n.id, n.position])));
      if (patch.length === 0) return;
      void edit(patch, dragged.length === 1 ? `Move ${dragged[0].id}` : `Move ${dragged.length} nodes`).then((ok) => {
        if (!ok) setResync((r) => r + 1); // back to where the model has them
      });
    },
    [edit, pipelineId],
  );

  const onDelete: OnDelete<PipelineFlowNode, Edge> = useCallback(
    ({ nodes: gone, edges: cut }) => {
      const patch = removalPatch(pipelineId, pipelineRef.current, gone.map((n) => n.id), cut.map((e) => e.id));
      const what = gone.length ? `${gone.length} node${gone.length === 1 ? '' : 's'}` : `${cut.length} connection${cut.length === 1 ? '' : 's'}`;
      void edit(patch, `Delete ${what}`);
    },
    [edit, pipelineId],
  );

  const layoutAll = () => {
    const p = pipelineRef.current;
    const laid = autoLayout(
      rf.getNodes().map((n) => ({ id: n.id, width: n.measured?.width ?? DEFAULT_NODE_SIZE.width, height: n.measured?.height ?? DEFAULT_NODE_SIZE.height })),
      Object.values(p.connections).map((c) => ({ source: c.from.node, target: c.to.node })),
    );
    const patch = positionsPatch(pipelineId, p, laid);
    if (patch.length === 0) {
      toast('The pipeline is laid out already', 'info');
      return;
    }
    void edit(patch, 'Auto layout').then((ok) => ok && setTimeout(() => void rf.fitView({ padding: 0.2, duration: 200 }), 60));
  };

  const showNode = (id: string) => {
    setNodes((nds) => nds.map((n) => ({ ...n, selected: n.id === id })));
    void rf.fitView({ nodes: [{ id }], maxZoom: 1.2, duration: 200 });
  };

  const selected = nodes.filter((n) => n.selected);
  const one = selected.length === 1 ? selected[0].id : undefined;
  const titles = useMemo(() => Object.fromEntries(Object.entries(pipeline.nodes).map(([id, n]) => [id, `${nodeTitle(n, parts)} (${id})`])), [pipeline, parts]);

  return (
    <div className="pipeline-editor" data-testid="pipeline-editor" data-pipeline-id={pipelineId}>
      {!readOnly && <Palette operations={parts.operations} pipelines={parts.pipelines} current={pipelineId} disabled={readOnly} searchRef={searchRef} onAdd={(item) => addNode(item, centreOfView())} />}
      <div className="canvas-column">
        <div className="canvas-toolbar" role="toolbar" aria-label="Pipeline tools">
          <button className="secondary small" data-testid="undo" disabled={readOnly || !history.canUndo()} onClick={() => void undo()} title="Undo (Ctrl/Cmd-Z)">
            ↶ Undo
          </button>
          <button className="secondary small" data-testid="redo" disabled={readOnly || !history.canRedo()} onClick={() => void redo()} title="Redo (Ctrl-Y, Shift-Ctrl/Cmd-Z)">
            ↷ Redo
          </button>
          <button className="secondary small" data-testid="auto-layout" disabled={readOnly || nodes.length === 0} onClick={layoutAll}>
            Auto layout
          </button>
          <button className="secondary small" data-testid="zoom-fit" onClick={() => void rf.fitView({ padding: 0.2, duration: 200 })}>
            Zoom to fit
          </button>
          <a
            className="button secondary small"
            data-testid="pipeline-export"
            href={api.pipelineExportUrl(project, pipelineId, head)}
            title="Download this pipeline as plain Python (main.py, operations, runtime, bundled inputs)"
          >
            Export as Python
          </a>
          <span className="spacer" />
          <span className="muted small-text">{pipeline.name ?? pipelineId}</span>
        </div>
        <div className="canvas" data-testid="pipeline-canvas" ref={canvasRef} onDragOver={onDragOver} onDrop={onDrop}>
          <ReactFlow<PipelineFlowNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onDelete={onDelete}
            onNodeDragStop={onNodeDragStop}
            deleteKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            edgesReconnectable={false}
            fitView={fitAtOpen}
            fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }}
            minZoom={0.1}
            colorMode="system"
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
          {nodes.length === 0 && (
            <p className="canvas-hint muted" data-testid="canvas-empty">
              {readOnly ? 'This pipeline has no nodes.' : 'Drag operations from the palette onto the canvas (or click one to add it).'}
            </p>
          )}
        </div>
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
