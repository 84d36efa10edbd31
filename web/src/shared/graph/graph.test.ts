import { describe, expect, it, vi } from 'vitest';
import { layoutArchitecture, layoutInput, ARCH_LAYOUT_OPTIONS, LAYER_SIZE } from '../../features/architecture/layout';
import { chainArchitecture } from '../../features/architecture/fixtures';
import { chainBlocks, collapse, mergeBlocks, type GraphEdge } from './blocks';
import { fitViewport, MIN_READABLE_ZOOM } from './fit';
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

  it('answers the positions the editor computed on the main thread before, top-down without overlaps', () => {
    const reply = answer(request());
    expect(reply.positions).toEqual(layoutArchitecture(arch));
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
        setTimeout(() => this.onmessage?.({ data: answer(structuredClone(req)) }), 0);
      }
    }
    vi.stubGlobal('Worker', FakeWorker);
    vi.resetModules();
    const { layoutInWorker } = await import('./layoutClient');
    const { nodes, edges } = layoutInput(arch);
    const positions = await layoutInWorker(nodes, edges, ARCH_LAYOUT_OPTIONS);
    expect(posted).toHaveLength(1);
    expect(positions).toEqual(layoutArchitecture(arch));
    vi.unstubAllGlobals();
  });
});
