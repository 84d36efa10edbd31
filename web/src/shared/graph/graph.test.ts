import { describe, expect, it, vi } from 'vitest';
import { layoutArchitecture, layoutInput, ARCH_LAYOUT_OPTIONS, LAYER_SIZE } from '../../features/architecture/layout';
import { chainArchitecture } from '../../features/architecture/fixtures';
import { chainBlocks, collapse, mergeBlocks, type GraphEdge } from './blocks';
import { fitViewport, MIN_READABLE_ZOOM } from './fit';
import { declaredHandles } from './handles';
import { autoLayout, dagreLayout, pathLayout, type LayoutEdge, type LayoutNode, type Position } from './layout';
import { answer, type LayoutReply, type LayoutRequest } from './layoutWorker';

/** Input, stem, `blocks` residual blocks (conv, bn, relu, conv, bn, add, relu), Output. */
function residual(blocks: number) {
  const nodes = ['in', 'stem'];
  const edges: GraphEdge[] = [{ source: 'in', target: 'stem' }];
  let x = 'stem';
  for (let b = 1; b <= blocks; b++) {
    let y = x;
    for (const part of ['conv1', 'bn1', 'relu1', 'conv2', 'bn2', 'add']) {
      const id = `b${b}_${part}`;
      nodes.push(id);
      edges.push({ source: y, target: id });
      y = id;
    }
    edges.push({ source: x, target: `b${b}_add` });
    nodes.push(`b${b}_relu2`);
    edges.push({ source: y, target: `b${b}_relu2` });
    x = `b${b}_relu2`;
  }
  nodes.push('out');
  edges.push({ source: x, target: 'out' });
  return { nodes, edges };
}

/** Two inception modules: four branches from the module input into a Concatenate. */
function inception() {
  const nodes = ['in'];
  const edges: GraphEdge[] = [];
  let x = 'in';
  for (const m of [1, 2]) {
    const ends: string[] = [];
    for (const [branch, length] of [['a', 2], ['b', 4], ['c', 4], ['d', 3]] as const) {
      let y = x;
      for (let i = 0; i < length; i++) {
        const id = `m${m}${branch}${i}`;
        nodes.push(id);
        edges.push({ source: y, target: id });
        y = id;
      }
      ends.push(y);
    }
    nodes.push(`m${m}cat`);
    for (const e of ends) edges.push({ source: e, target: `m${m}cat` });
    x = `m${m}cat`;
  }
  nodes.push('out');
  edges.push({ source: x, target: 'out' });
  return { nodes, edges };
}

describe('collapsible blocks', () => {
  it('finds every residual block, from the first conv to its Add', () => {
    const g = residual(3);
    const blocks = mergeBlocks(g.nodes, g.edges);
    expect(blocks.map((b) => b.id).sort()).toEqual(['block:b1_add', 'block:b2_add', 'block:b3_add']);
    const b2 = blocks.find((b) => b.exit === 'b2_add')!;
    expect(b2.members).toEqual(['b2_conv1', 'b2_bn1', 'b2_relu1', 'b2_conv2', 'b2_bn2', 'b2_add']);
    expect(b2.fork).toBe('b1_relu2');
  });

  it('finds each inception module as one block ending in its Concatenate', () => {
    const g = inception();
    const blocks = mergeBlocks(g.nodes, g.edges);
    expect(blocks.map((b) => [b.exit, b.members.length])).toEqual(expect.arrayContaining([['m1cat', 14], ['m2cat', 14]]));
    expect(blocks).toHaveLength(2);
  });

  it('collapses blocks into one node each, reconnected, and expands them back', () => {
    const g = residual(3);
    const blocks = mergeBlocks(g.nodes, g.edges);
    const all = new Set(blocks.map((b) => b.id));
    const folded = collapse(g.nodes, g.edges, blocks, all);
    expect(folded.nodes).toEqual(['in', 'stem', 'block:b1_add', 'b1_relu2', 'block:b2_add', 'b2_relu2', 'block:b3_add', 'b3_relu2', 'out']);
    // the skip connection and the conv path into a block become one edge; nothing inside is left
    expect(folded.edges).toContainEqual({ source: 'stem', target: 'block:b1_add' });
    expect(folded.edges.filter((e) => e.source === 'stem')).toHaveLength(1);
    expect(folded.edges).toContainEqual({ source: 'block:b1_add', target: 'b1_relu2' });
    expect(folded.edges.every((e) => folded.nodes.includes(e.source) && folded.nodes.includes(e.target))).toBe(true);
    expect(folded.shownAs('b2_bn1')).toBe('block:b2_add');

    const one = collapse(g.nodes, g.edges, blocks, new Set([...all].filter((b) => b !== 'block:b2_add')));
    expect(one.nodes).toContain('b2_conv1');
    expect(one.nodes).not.toContain('block:b2_add');
    expect(one.edges).toContainEqual({ source: 'b1_relu2', target: 'b2_add' });
    expect(one.edges).toContainEqual({ source: 'b1_relu2', target: 'b2_conv1' });

    const none = collapse(g.nodes, g.edges, blocks, new Set());
    expect(none.nodes).toEqual(g.nodes);
    expect(none.edges).toHaveLength(g.edges.length);
  });

  it('leaves a merge alone when a layer inside it also feeds something outside', () => {
    const g = residual(1);
    g.edges.push({ source: 'b1_relu1', target: 'out' });
    const blocks = mergeBlocks(g.nodes, g.edges);
    expect(blocks.find((b) => b.exit === 'b1_add')).toBeUndefined();
    // what is closed is everything from the stem down to the Output, which both paths reach
    expect(blocks.map((b) => b.exit)).toEqual(['out']);
  });

  it('finds chains of steps in a pipeline, not their fork or merge', () => {
    const nodes = ['load', ...Array.from({ length: 10 }, (_, i) => `a${i}`), ...Array.from({ length: 3 }, (_, i) => `b${i}`), 'merge'];
    const edges: GraphEdge[] = [];
    for (const [p, n] of [['a', 10], ['b', 3]] as const) {
      edges.push({ source: 'load', target: `${p}0` });
      for (let i = 1; i < n; i++) edges.push({ source: `${p}${i - 1}`, target: `${p}${i}` });
      edges.push({ source: `${p}${n - 1}`, target: 'merge' });
    }
    const blocks = chainBlocks(nodes, edges, 8);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].members).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
    const folded = collapse(nodes, edges, blocks, new Set([blocks[0].id]));
    expect(folded.nodes).toEqual(['load', 'chain:a0', 'b0', 'b1', 'b2', 'merge']);
    expect(folded.edges).toEqual(expect.arrayContaining([{ source: 'load', target: 'chain:a0' }, { source: 'chain:a0', target: 'merge' }]));
  });
});

describe('zoom to fit', () => {
  it('shows a small graph whole, centred, never above the largest zoom', () => {
    const v = fitViewport({ x: 0, y: 0, width: 400, height: 300 }, 800, 600, { maxZoom: 1.1 });
    expect(v.zoom).toBeCloseTo(1.1);
    expect(v.x + 200 * v.zoom).toBeCloseTo(400); // centre of the graph at the centre of the canvas
    expect(v.y + 150 * v.zoom).toBeCloseTo(300);
  });

  it('fits a tall graph to its width at a readable zoom and starts at the top', () => {
    // 1,000 layers, one column: fitting all of it would need a zoom of about 0.004
    const box = { x: -100, y: 0, width: 436, height: 1000 * 142 };
    const v = fitViewport(box, 455, 480, { padding: 24 });
    expect(v.zoom).toBeGreaterThanOrEqual(MIN_READABLE_ZOOM);
    expect(box.width * v.zoom).toBeLessThanOrEqual(455 - 2 * 24 + 1e-9); // the width fits
    expect(v.y + box.y * v.zoom).toBeCloseTo(24); // the top of the graph at the top of the canvas
    expect(v.x + box.x * v.zoom).toBeGreaterThanOrEqual(24 - 1e-9);
  });

  it('never goes below the readable zoom, even when the graph is wider than the canvas', () => {
    const box = { x: 50, y: 30, width: 20_000, height: 20_000 };
    const v = fitViewport(box, 800, 600);
    expect(v.zoom).toBe(MIN_READABLE_ZOOM);
    expect(v.x + box.x * v.zoom).toBeCloseTo(24); // from the left edge
    expect(v.y + box.y * v.zoom).toBeCloseTo(24); // from the top
  });
});

describe('layout in the worker', () => {
  const arch = chainArchitecture(120);
  const request = (): LayoutRequest => ({ id: 1, ...layoutInput(arch), opts: ARCH_LAYOUT_OPTIONS });

  it('answers the positions the editor computed on the main thread before, top-down without overlaps', async () => {
    const reply = await answer(request());
    expect(reply.positions).toEqual(await layoutArchitecture(arch));
    const p = reply.positions!;
    for (const c of Object.values(arch.connections)) expect(p[c.from.layer].y).toBeLessThan(p[c.to.layer].y);
    const ids = Object.keys(p);
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const a = p[ids[i]];
        const b = p[ids[j]];
        const overlap = a.x < b.x + LAYER_SIZE.width && b.x < a.x + LAYER_SIZE.width && a.y < b.y + LAYER_SIZE.height && b.y < a.y + LAYER_SIZE.height;
        expect(overlap, `${ids[i]} and ${ids[j]} overlap`).toBe(false);
      }
  });

  it('goes through a Worker where the page has one, and gets the same positions', async () => {
    const posted: LayoutRequest[] = [];
    class FakeWorker {
      onmessage: ((e: { data: LayoutReply }) => void) | null = null;
      onerror: unknown = null;
      constructor(public url: URL | string) {}
      postMessage(req: LayoutRequest) {
        posted.push(req);
        // what the worker's script does, answered later as a real worker would
        void answer(structuredClone(req)).then((data) => this.onmessage?.({ data }));
      }
    }
    vi.stubGlobal('Worker', FakeWorker);
    vi.resetModules();
    const { layoutInWorker } = await import('./layoutClient');
    const { nodes, edges } = layoutInput(arch);
    const positions = await layoutInWorker(nodes, edges, ARCH_LAYOUT_OPTIONS);
    expect(posted).toHaveLength(1);
    expect(positions).toEqual(await layoutArchitecture(arch));
    vi.unstubAllGlobals();
  });
});

describe('auto layout with ports', () => {
  const node = (id: string, inputs: string[] = [], outputs: string[] = [], width = 180): LayoutNode => ({ id, width, height: 72, inputs, outputs });
  const wire = (source: string, sourcePort: string, target: string, targetPort: string): LayoutEdge => ({ source, sourcePort, target, targetPort });
  /** A digits-like pipeline: data, a split into two outputs, training reads both, evaluation reads the model and the test set. */
  const digits = () => ({
    nodes: [
      node('load', [], ['data']),
      node('split', ['data'], ['train', 'test']),
      node('model', [], ['model']),
      node('train', ['model', 'data'], ['model']),
      node('evaluate', ['model', 'data'], ['score']),
      node('save', ['value']),
      node('note'),
    ],
    edges: [
      wire('load', 'data', 'split', 'data'),
      wire('model', 'model', 'train', 'model'),
      wire('split', 'train', 'train', 'data'),
      wire('train', 'model', 'evaluate', 'model'),
      wire('split', 'test', 'evaluate', 'data'),
      wire('evaluate', 'score', 'save', 'value'),
    ],
  });
  const noOverlaps = (nodes: LayoutNode[], p: Record<string, Position>) => {
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b] = [nodes[i], nodes[j]];
        const [pa, pb] = [p[a.id], p[b.id]];
        const overlap = pa.x < pb.x + b.width && pb.x < pa.x + a.width && pa.y < pb.y + b.height && pb.y < pa.y + a.height;
        expect(overlap, `${a.id} and ${b.id} overlap`).toBe(false);
      }
  };

  it('ranks top to bottom along every connection, at integer positions, without overlaps', async () => {
    const { nodes, edges } = digits();
    const p = await autoLayout(nodes, edges);
    expect(Object.keys(p).sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const e of edges) expect(p[e.source].y + 72, `${e.source} → ${e.target}`).toBeLessThan(p[e.target].y);
    for (const q of Object.values(p)) expect(Number.isInteger(q.x) && Number.isInteger(q.y)).toBe(true);
    noOverlaps(nodes, p);
  });

  it('puts the producer of a left input port left of the producer of the right one, whatever their order', async () => {
    for (const producers of [['a', 'b'], ['b', 'a']]) {
      const nodes = [...producers.map((id) => node(id, [], ['out'])), node('join', ['left', 'right'], ['l', 'r']), node('x', ['in']), node('y', ['in'])];
      const edges = [wire('b', 'out', 'join', 'right'), wire('a', 'out', 'join', 'left'), wire('join', 'r', 'x', 'in'), wire('join', 'l', 'y', 'in')];
      const p = await autoLayout(nodes, edges);
      expect(p.a.x, `producers listed ${producers.join(', ')}`).toBeLessThan(p.b.x);
      // outputs too: the left output's consumer is on the left
      expect(p.y.x).toBeLessThan(p.x.x);
    }
  });

  it('lays the same graph out the same way every time', async () => {
    const { nodes, edges } = digits();
    const first = await autoLayout(nodes, edges);
    for (let i = 0; i < 3; i++) expect(await autoLayout(structuredClone(nodes), structuredClone(edges))).toEqual(first);
  });

  it('survives cycles, self loops, nodes without ports and edges to missing nodes or ports', async () => {
    const nodes = [node('a', ['in'], ['out']), node('b', ['in'], ['out']), node('bare'), node('lonely', ['in'], ['out'])];
    const edges = [
      wire('a', 'out', 'b', 'in'),
      wire('b', 'out', 'a', 'in'),
      wire('a', 'out', 'a', 'in'),
      wire('a', 'nope', 'bare', 'nope'),
      wire('ghost', 'out', 'b', 'in'),
      { source: 'b', target: 'nowhere' },
    ];
    const p = await autoLayout(nodes, edges);
    expect(Object.keys(p).sort()).toEqual(['a', 'b', 'bare', 'lonely']);
    expect(p.a.y).toBeLessThan(p.bare.y);
    noOverlaps(nodes, p);
    expect(await autoLayout([], [])).toEqual({});
  });
});

describe('a path laid out without dagre', () => {
  const path = (sizes: [number, number][]): { nodes: LayoutNode[]; edges: LayoutEdge[] } => ({
    // ids out of order, so the path is followed by its edges, not by the node list
    nodes: sizes.map(([width, height], i) => ({ id: `n${(i * 7) % sizes.length}`, width, height })),
    edges: sizes.slice(1).map((_, i) => ({ source: `n${(i * 7) % sizes.length}`, target: `n${((i + 1) * 7) % sizes.length}` })),
  });

  it('puts every node where dagre puts it', () => {
    for (const sizes of [
      [[200, 78]],
      Array.from({ length: 60 }, () => [200, 78]),
      Array.from({ length: 23 }, (_, i) => [120 + ((i * 37) % 90), 40 + ((i * 13) % 50)]),
    ] as [number, number][][]) {
      const { nodes, edges } = path(sizes);
      const opts = { nodesep: 36, ranksep: 64 };
      expect(pathLayout(nodes, edges, opts)).toEqual(dagreLayout(nodes, edges, opts));
    }
  });

  it('is not used for forks, joins, several parts or cycles', () => {
    const n = (id: string): LayoutNode => ({ id, width: 10, height: 10 });
    expect(pathLayout([n('a'), n('b'), n('c')], [{ source: 'a', target: 'b' }, { source: 'a', target: 'c' }])).toBeNull();
    expect(pathLayout([n('a'), n('b'), n('c')], [{ source: 'a', target: 'c' }, { source: 'b', target: 'c' }])).toBeNull();
    expect(pathLayout([n('a'), n('b'), n('c')], [{ source: 'a', target: 'b' }])).toBeNull();
    expect(pathLayout([n('a'), n('b'), n('c')], [{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }, { source: 'c', target: 'b' }])).toBeNull();
  });
});

describe('declaredHandles', () => {
  it('puts inputs on the top edge and outputs on the bottom one, spread as the node views spread them', () => {
    const h = declaredHandles({ width: 200, height: 78 }, ['in-0', 'in-1'], ['out-0']);
    expect(h.map((x) => [x.id, x.type, x.position, x.x + x.width! / 2, x.y + x.height! / 2])).toEqual([
      ['in-0', 'target', 'top', 200 / 3, 0],
      ['in-1', 'target', 'top', 400 / 3, 0],
      ['out-0', 'source', 'bottom', 100, 78],
    ]);
  });
});
