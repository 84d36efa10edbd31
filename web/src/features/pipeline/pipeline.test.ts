import { describe, expect, it } from 'vitest';
import type { EntryMap } from '../../shared/api';
import { applyPatch, type Json, type PatchOp } from '../../shared/patch';
import { coerceAttribute, defaultEdit, defaultText, fieldText, parseDefault } from './attrs';
import { duplicatePipeline, newNode, nextNodeId, nodeFieldPatch, positionsPatch, removalPatch } from './edits';
import { connectionProblem, findCycle, formatCycle, portsCompatible } from './graph';
import { DEFAULT_NODE_SIZE, freeSpot } from './layout';
import { autoLayout } from '../../shared/graph/layout';
import { nodePorts, readPipeline, type ModelParts } from './model';
import { thumbnail, thumbnailPaths, thumbnailSvg } from './thumbnail';
import { invertPatch, UndoHistory } from '../../shared/undo';

const iface = (inputs: [string, string | null][], outputs: string[]) => ({
  inputs: inputs.map(([name, type]) => ({ name, type })),
  outputs: outputs.map((name) => ({ name })),
  attributes: [],
  references: [],
  errors: [],
  syntaxError: null,
});

const operations: EntryMap = {
  Load: { code: '', interface: iface([], ['data']) as unknown as Json },
  Train: { code: '', interface: iface([['data', null], ['labels', 'numpy.ndarray']], ['net']) as unknown as Json },
  Score: { code: '', interface: iface([['net', 'torch.nn.Module']], ['score']) as unknown as Json },
};
const pipelines: EntryMap = {
  inner: {
    name: 'Inner',
    nodes: { i1: { input: {} }, i2: { input: { name: 'labels' } }, o1: { output: { saveName: 'model' } } },
    connections: {},
  },
};
const model: ModelParts = { operations, pipelines };

const chain = () =>
  readPipeline({
    name: 'p',
    nodes: {
      n1: { operation: 'Load', position: { x: 0, y: 0 } },
      n2: { operation: 'Train', position: { x: 0, y: 120 } },
      n3: { operation: 'Train', position: { x: 0, y: 240 } },
    },
    connections: {
      c1: { from: { node: 'n1', port: 'data' }, to: { node: 'n2', port: 'data' } },
      c2: { from: { node: 'n2', port: 'net' }, to: { node: 'n3', port: 'data' } },
    },
  });

describe('ports', () => {
  it('reads ports of operations, Input/Output and sub-pipelines', () => {
    expect(nodePorts({ operation: 'Train' }, model).inputs.map((p) => p.name)).toEqual(['data', 'labels']);
    expect(nodePorts({ input: {} }, model)).toEqual({ inputs: [], outputs: [{ name: 'data', type: null }] });
    expect(nodePorts({ output: {} }, model).inputs.map((p) => p.name)).toEqual(['data']);
    const sub = nodePorts({ pipeline: 'inner' }, model);
    expect(sub.inputs.map((p) => p.name)).toEqual(['i1', 'labels']);
    expect(sub.outputs.map((p) => p.name)).toEqual(['model']);
    expect(nodePorts({ operation: 'Missing' }, model)).toEqual({ inputs: [], outputs: [] });
  });

  it('connects equal types, untyped ports and object/Any inputs', () => {
    expect(portsCompatible(null, 'numpy.ndarray')).toBe(true);
    expect(portsCompatible('numpy.ndarray', undefined)).toBe(true);
    expect(portsCompatible('numpy.ndarray', 'numpy.ndarray')).toBe(true);
    expect(portsCompatible('"torch.Tensor"', 'torch.Tensor')).toBe(true);
    expect(portsCompatible('torch.Tensor', 'object')).toBe(true);
    expect(portsCompatible('torch.Tensor', 'Any')).toBe(true);
    expect(portsCompatible('torch.Tensor', 'numpy.ndarray')).toBe(false);
    // an `object` output may hold an array: only two types the check knows are refused (./types.ts)
    expect(portsCompatible('object', 'numpy.ndarray')).toBe(true);
  });
});

describe('connection pre-check', () => {
  it('finds the cycle a new connection would close, named like the server', () => {
    const p = chain();
    expect(findCycle(p.connections, 'n3', 'n1')).toEqual(['n3', 'n1', 'n2', 'n3']);
    expect(formatCycle(findCycle(p.connections, 'n3', 'n1')!)).toBe('n3 → n1 → n2 → n3');
    expect(findCycle(p.connections, 'n1', 'n3')).toBeNull();
    expect(findCycle(p.connections, 'n2', 'n2')).toEqual(['n2', 'n2']);
  });

  it('refuses self loops, taken inputs, unknown ports, type mismatches and cycles', () => {
    const p = chain();
    const c = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });
    expect(connectionProblem(p, model, c('n2', 'net', 'n2', 'data'))).toMatch(/itself/);
    expect(connectionProblem(p, model, c('n1', 'data', 'n2', 'data'))).toMatch(/already connected/);
    expect(connectionProblem(p, model, c('n3', 'net', 'n2', 'data'))).toMatch(/already connected/);
    expect(connectionProblem(p, model, c('n1', 'nope', 'n3', 'labels'))).toMatch(/no output "nope"/);
    expect(connectionProblem(p, model, c('n1', 'data', 'n3', 'nope'))).toMatch(/no input "nope"/);
    expect(connectionProblem(p, model, c('n1', 'data', 'n3', 'labels'))).toBeNull();
    expect(connectionProblem(p, model, c('n3', 'net', 'n2', 'labels'))).toBe('This connection would make a cycle: n3 → n2 → n3');
    const typed = readPipeline({ nodes: { a: { operation: 'Train' }, b: { operation: 'Score' } }, connections: {} });
    expect(connectionProblem(typed, { operations: { ...operations, Train: { interface: { ...iface([], []), outputs: [{ name: 'net', type: 'numpy.ndarray' }] } } } as EntryMap, pipelines }, c('a', 'net', 'b', 'net'))).toMatch(/Types do not match/);
  });
});

describe('undo', () => {
  const doc = { pipelines: { p: { name: 'P', nodes: { n1: { position: { x: 1, y: 2 } } }, connections: { c1: { from: 1 } } } } } as Json;

  it('inverts add, replace and remove so that applying both gives the original back', () => {
    const patch: PatchOp[] = [
      { op: 'add', path: '/pipelines/p/nodes/n2', value: { position: { x: 0, y: 0 } } },
      { op: 'add', path: '/pipelines/p/nodes/n1/position', value: { x: 5, y: 5 } },
      { op: 'replace', path: '/pipelines/p/name', value: 'Q' },
      { op: 'remove', path: '/pipelines/p/connections/c1' },
      { op: 'test', path: '/pipelines/p/name', value: 'Q' },
    ];
    const after = applyPatch(doc, patch);
    const inverse = invertPatch(doc, patch);
    expect(inverse).toEqual([
      { op: 'add', path: '/pipelines/p/connections/c1', value: { from: 1 } },
      { op: 'replace', path: '/pipelines/p/name', value: 'P' },
      { op: 'replace', path: '/pipelines/p/nodes/n1/position', value: { x: 1, y: 2 } },
      { op: 'remove', path: '/pipelines/p/nodes/n2' },
    ]);
    expect(applyPatch(after, inverse)).toEqual(doc);
  });

  it('inverts a move', () => {
    const patch: PatchOp[] = [{ op: 'move', from: '/pipelines/p/name', path: '/pipelines/p/title' }];
    expect(applyPatch(applyPatch(doc, patch), invertPatch(doc, patch))).toEqual(doc);
  });

  it('keeps undo and redo stacks; a new edit clears redo', () => {
    const h = new UndoHistory();
    const p1: PatchOp[] = [{ op: 'replace', path: '/pipelines/p/name', value: 'A' }];
    h.record(doc, p1, 'rename');
    expect(h.canUndo()).toBe(true);
    const e = h.peekUndo()!;
    expect(e.inverse).toEqual([{ op: 'replace', path: '/pipelines/p/name', value: 'P' }]);
    h.undone();
    expect(h.canUndo()).toBe(false);
    expect(h.peekRedo()!.patch).toEqual(p1);
    h.redone(doc);
    expect(h.canRedo()).toBe(false);
    h.undone();
    h.record(doc, [{ op: 'remove', path: '/pipelines/p/nodes/n1' }], 'delete');
    expect(h.canRedo()).toBe(false);
  });
});

describe('layout', () => {
  it('places every node, ranks top to bottom along connections', async () => {
    const pos = await autoLayout(
      [
        { id: 'a', width: 180, height: 72 },
        { id: 'b', width: 180, height: 72 },
        { id: 'c', width: 180, height: 72 },
        { id: 'd', width: 100, height: 40 },
      ],
      [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'a', target: 'x' },
      ],
    );
    expect(Object.keys(pos).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(pos.a.y).toBeLessThan(pos.b.y);
    expect(pos.b.y).toBeLessThan(pos.c.y);
    for (const p of Object.values(pos)) {
      expect(Number.isInteger(p.x)).toBe(true);
      expect(Number.isInteger(p.y)).toBe(true);
    }
  });
});

describe('adding at the centre', () => {
  it('puts each new node in a free place below the last, never on top of one', () => {
    const taken: { x: number; y: number }[] = [];
    for (let i = 0; i < 12; i++) taken.push(freeSpot({ x: 100, y: 100 }, taken));
    const { width, height } = DEFAULT_NODE_SIZE;
    for (let i = 0; i < taken.length; i++)
      for (let j = i + 1; j < taken.length; j++)
        expect(Math.abs(taken[i].x - taken[j].x) >= width || Math.abs(taken[i].y - taken[j].y) >= height, `${i} and ${j} overlap`).toBe(true);
    expect(taken[0]).toEqual({ x: 100, y: 100 });
    expect(taken[1].x).toBe(100);
    expect(taken[1].y).toBeGreaterThan(100 + height);
  });
});

describe('thumbnail', () => {
  it('fits node boxes and connections into the picture', () => {
    const t = thumbnail(chain(), 100, 60);
    expect(t.rects).toHaveLength(3);
    expect(t.lines).toHaveLength(2);
    for (const r of t.rects) {
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(100.01);
      expect(r.y + r.height).toBeLessThanOrEqual(60.01);
    }
    expect(t.rects[0].y).toBeLessThan(t.rects[1].y);
    const svg = thumbnailSvg(t);
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 100 60"/);
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg.match(/<line /g)).toHaveLength(2);
    expect(thumbnail(readPipeline({}), 10, 10).rects).toEqual([]);
  });

  it('draws the picture as three paths: connections, operation boxes, Input and Output boxes', () => {
    const t = thumbnail(chain(), 100, 60);
    const paths = thumbnailPaths(t);
    const boxes = (d: string) => (d.match(/M/g) ?? []).length;
    expect(boxes(paths.lines)).toBe(2);
    expect(boxes(paths.boxes) + boxes(paths.ports)).toBe(3);
    expect(boxes(paths.ports)).toBe(t.rects.filter((r) => r.kind === 'input' || r.kind === 'output').length);
    const [first] = t.rects;
    expect(paths.boxes + paths.ports).toContain(`M${first.x} ${first.y}h${first.width}v${first.height}h${-first.width}z`);
    expect(thumbnailPaths(thumbnail(readPipeline({}), 10, 10))).toEqual({ lines: '', boxes: '', ports: '' });
  });
});

describe('attribute values', () => {
  const a = (type: string, extra: object = {}) => ({ name: 'x', type, ...extra });
  it('coerces field text to the declared type and checks bounds', () => {
    expect(coerceAttribute(a('int', { min: 1, max: 10 }), '5')).toEqual({ ok: true, value: 5 });
    expect(coerceAttribute(a('int', { min: 1, max: 10 }), '0')).toEqual({ ok: false, error: 'x must be at least 1' });
    expect(coerceAttribute(a('int'), '1.5').ok).toBe(false);
    expect(coerceAttribute(a('int'), '')).toEqual({ ok: true, value: undefined });
    expect(coerceAttribute(a('float', { max: 1 }), '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(coerceAttribute(a('float', { max: 1 }), '2').ok).toBe(false);
    expect(coerceAttribute(a('float'), '1e-3')).toEqual({ ok: true, value: 0.001 });
    expect(coerceAttribute(a('float'), 'abc').ok).toBe(false);
    expect(coerceAttribute(a('bool'), true)).toEqual({ ok: true, value: true });
    expect(coerceAttribute(a('str'), 'hi ')).toEqual({ ok: true, value: 'hi ' });
    expect(coerceAttribute(a('choice', { choices: ['adam', 'sgd'] }), 'sgd')).toEqual({ ok: true, value: 'sgd' });
    expect(coerceAttribute(a('choice', { choices: [1, 2] }), '2')).toEqual({ ok: true, value: 2 });
    expect(coerceAttribute(a('choice', { choices: ['adam'] }), 'rms').ok).toBe(false);
    expect(coerceAttribute(a('list'), '[1, 2]')).toEqual({ ok: true, value: [1, 2] });
    expect(coerceAttribute(a('list'), '{"a": 1}').ok).toBe(false);
    expect(coerceAttribute(a('dict'), '{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(coerceAttribute(a('dict'), '{a: 1}').ok).toBe(false);
    expect(coerceAttribute(a('any'), '3')).toEqual({ ok: true, value: 3 });
    expect(coerceAttribute(a('any'), 'text')).toEqual({ ok: true, value: 'text' });
  });

  it('shows values and defaults as text; parses typed defaults', () => {
    expect(fieldText(a('list'), [1])).toBe('[1]');
    expect(fieldText(a('int'), 3)).toBe('3');
    expect(fieldText(a('int'), undefined)).toBe('');
    expect(defaultText(a('float', { default: 0.001 }))).toBe('0.001');
    expect(defaultText(a('str', { default: 'adam' }))).toBe('adam');
    expect(defaultText(a('int', { required: true }))).toBe('required');
    expect(parseDefault('True')).toBe(true);
    expect(parseDefault('None')).toBeNull();
    expect(parseDefault('0.5')).toBe(0.5);
    expect(parseDefault("'adam'")).toBe('adam');
    expect(parseDefault('adam')).toBe('adam');
    expect(parseDefault('[1, 2]')).toEqual([1, 2]);
    // numbers keep the text typed: "3.0" must not be written back as 3
    expect(defaultEdit('3.0')).toEqual({ literal: '3.0' });
    expect(defaultEdit(' 1e-3 ')).toEqual({ literal: '1e-3' });
    expect(defaultEdit('-2')).toEqual({ literal: '-2' });
    expect(defaultEdit('adam')).toEqual({ default: 'adam' });
    expect(defaultEdit('[1.0, 2]')).toEqual({ default: [1, 2] });
  });
});

describe('edits', () => {
  it('builds node, removal, position and attribute change sets', () => {
    const p = chain();
    expect(nextNodeId(p, { kind: 'operation', name: 'Train' })).toBe('n4');
    expect(nextNodeId(p, { kind: 'input' })).toBe('i1');
    expect(newNode({ kind: 'operation', name: 'Train' }, { x: 1.4, y: 2.6 })).toEqual({ operation: 'Train', attributes: {}, references: {}, position: { x: 1, y: 3 } });
    expect(newNode({ kind: 'output' }, { x: 0, y: 0 })).toEqual({ output: {}, position: { x: 0, y: 0 } });
    expect(removalPatch('p', p, ['n2'], [])).toEqual([
      { op: 'remove', path: '/pipelines/p/connections/c1' },
      { op: 'remove', path: '/pipelines/p/connections/c2' },
      { op: 'remove', path: '/pipelines/p/nodes/n2' },
    ]);
    expect(positionsPatch('p', p, { n1: { x: 0, y: 0 }, n2: { x: 10.2, y: 120 } })).toEqual([
      { op: 'add', path: '/pipelines/p/nodes/n2/position', value: { x: 10, y: 120 } },
    ]);
    expect(nodeFieldPatch('p', 'n1', {}, 'attributes', 'epochs', 3)).toEqual([{ op: 'add', path: '/pipelines/p/nodes/n1/attributes', value: { epochs: 3 } }]);
    expect(nodeFieldPatch('p', 'n1', { attributes: { epochs: 2 } }, 'attributes', 'epochs', undefined)).toEqual([{ op: 'remove', path: '/pipelines/p/nodes/n1/attributes/epochs' }]);
  });

  it('duplicates a pipeline with fresh ids and the connections following', () => {
    const entry = { name: 'p', nodes: chain().nodes, connections: chain().connections } as unknown as Record<string, Json>;
    const copy = readPipeline(duplicatePipeline(entry, 'p (copy)'));
    expect(copy.name).toBe('p (copy)');
    expect(Object.keys(copy.nodes)).toHaveLength(3);
    expect(Object.keys(copy.nodes).some((id) => id in chain().nodes)).toBe(false);
    const byOp = (id: string) => copy.nodes[id];
    for (const c of Object.values(copy.connections)) expect(byOp(c.from.node) && byOp(c.to.node)).toBeTruthy();
    expect(Object.keys(copy.connections)).toHaveLength(2);
  });
});
