import { describe, expect, it } from 'vitest';
import { applyPatch, type Json } from '../../shared/patch';
import { LAYER_SIZE, layoutArchitecture } from './layout';
import {
  connectPatch,
  formatArgument,
  formatCount,
  formatShape,
  insertOnConnectionPatch,
  nextFreeInput,
  parseArgument,
  readArchitecture,
  removalPatch,
  structureKey,
  swapInputsPatch,
  wouldCycle,
  type Architecture,
} from './model';

const arch = (): Architecture =>
  readArchitecture({
    name: 'net',
    layers: { in: { type: 'Input', arguments: { shape: [1, 28, 28] } }, c: { type: 'Conv2d', arguments: {} }, out: { type: 'Output', arguments: {} } },
    connections: { k1: { from: { layer: 'in', output: 0 }, to: { layer: 'c', input: 0 } }, k2: { from: { layer: 'c' }, to: { layer: 'out' } } },
  } as Record<string, Json>);

describe('shapes and counts', () => {
  it('writes the batch dimension as N', () => {
    expect(formatShape([null, 8, 26, 26])).toBe('[N, 8, 26, 26]');
    expect(formatShape([null, 1352])).toBe('[N, 1352]');
    expect(formatShape([null, null])).toBe('[N, ?]'); // features not known yet
    expect(formatShape([null])).toBe('[N]'); // a predictor's predictions
    expect(formatShape(null)).toBe('?');
    expect(formatShape(undefined)).toBe('?');
  });
  it('groups thousands', () => {
    expect(formatCount(11689512)).toBe('11,689,512');
    expect(formatCount(0)).toBe('0');
  });
});

describe('argument text', () => {
  it('reads tuple fields as a number, a list, or JSON', () => {
    expect(parseArgument('int_or_tuple', '3')).toEqual({ value: 3 });
    expect(parseArgument('int_or_tuple', '3, 3')).toEqual({ value: [3, 3] });
    expect(parseArgument('int_or_tuple', '(3, 3)')).toEqual({ value: [3, 3] });
    expect(parseArgument('int_or_tuple', '[2,2]')).toEqual({ value: [2, 2] });
    expect(parseArgument('list', '1, 28, 28')).toEqual({ value: [1, 28, 28] });
    expect(parseArgument('list', '3')).toEqual({ value: [3] });
    expect(parseArgument('tuple', '3,')).toEqual({ value: [3] });
    expect(parseArgument('int_or_tuple', 'a, b').error).toBeDefined();
  });
  it('reads scalars and leaves empty text unset', () => {
    expect(parseArgument('int', '')).toEqual({ value: undefined });
    expect(parseArgument('int', ' 8 ')).toEqual({ value: 8 });
    expect(parseArgument('int', '8.5').error).toBeDefined();
    expect(parseArgument('float', '1e-3')).toEqual({ value: 0.001 });
    expect(parseArgument('str', 'zeros')).toEqual({ value: 'zeros' });
    expect(parseArgument('any', 'same')).toEqual({ value: 'same' });
    expect(parseArgument('any', '1')).toEqual({ value: 1 });
    expect(parseArgument('any', '1, 2')).toEqual({ value: [1, 2] });
    expect(parseArgument('any', '{"a": 1}')).toEqual({ value: { a: 1 } });
  });
  it('writes values back as they are typed', () => {
    expect(formatArgument('int_or_tuple', [3, 3])).toBe('3, 3');
    expect(formatArgument('list', [1, 28, 28])).toBe('1, 28, 28');
    expect(formatArgument('int', 8)).toBe('8');
    expect(formatArgument('any', { a: 1 })).toBe('{"a":1}');
    expect(formatArgument('int', undefined)).toBe('');
  });
});

describe('change sets', () => {
  it('inserts a layer on a connection: a→b becomes a→new→b in one change set', () => {
    const a = arch();
    const patch = insertOnConnectionPatch('x', a, 'k2', 'l1', { type: 'ReLU', arguments: {} });
    const model = applyPatch({ architectures: { x: a as unknown as Json } }, patch) as unknown as { architectures: { x: Architecture } };
    const after = readArchitecture(model.architectures.x as unknown as Record<string, Json>);
    expect(after.layers.l1.type).toBe('ReLU');
    expect(after.connections.k2).toBeUndefined();
    const pairs = Object.values(after.connections).map((c) => `${c.from.layer}.${c.from.output}>${c.to.layer}.${c.to.input}`).sort();
    expect(pairs).toEqual(['c.0>l1.0', 'in.0>c.0', 'l1.0>out.0']);
  });
  it('gives a merge the next free input index', () => {
    const a = arch();
    a.layers.m = { type: 'Add', arguments: {} };
    expect(nextFreeInput(a, 'm')).toBe(0);
    a.connections.k3 = { from: { layer: 'c', output: 0 }, to: { layer: 'm', input: 0 } };
    a.connections.k4 = { from: { layer: 'in', output: 0 }, to: { layer: 'm', input: 2 } };
    expect(nextFreeInput(a, 'm')).toBe(1);
    a.connections.k5 = { from: { layer: 'in', output: 0 }, to: { layer: 'm', input: 1 } };
    expect(nextFreeInput(a, 'm')).toBe(3);
  });
  it('replaces what fed an input when connecting it again', () => {
    const a = arch();
    const patch = connectPatch('x', a as unknown as Record<string, Json>, a, { from: { layer: 'in', output: 0 }, to: { layer: 'out', input: 0 } });
    expect(patch).toEqual([
      { op: 'remove', path: '/architectures/x/connections/k2' },
      { op: 'add', path: '/architectures/x/connections/k3', value: { from: { layer: 'in', output: 0 }, to: { layer: 'out', input: 0 } } },
    ]);
  });
  it('swaps input indices, removes layers with their connections, and finds cycles', () => {
    const a = arch();
    expect(swapInputsPatch('x', a, 'k1', 'k2')).toHaveLength(2);
    expect(removalPatch('x', a, ['c'], [])).toEqual([
      { op: 'remove', path: '/architectures/x/connections/k1' },
      { op: 'remove', path: '/architectures/x/connections/k2' },
      { op: 'remove', path: '/architectures/x/layers/c' },
    ]);
    expect(wouldCycle(a, 'out', 'in')).toBe(true);
    expect(wouldCycle(a, 'in', 'out')).toBe(false);
    const key = structureKey(a);
    a.layers.c.arguments.out_channels = 8;
    expect(structureKey(a)).toBe(key);
  });
});

describe('layout', () => {
  // how fast is a figure for bench/ (bench/run layout), not an assertion here
  it('lays out 1,000 layers top-down without overlaps', async () => {
    const layers: Record<string, Json> = {};
    const connections: Record<string, Json> = {};
    for (let i = 0; i < 1000; i++) {
      layers[`l${i}`] = { type: i % 10 === 0 ? 'Add' : 'Conv2d', arguments: {} };
      if (i > 0) connections[`k${i}`] = { from: { layer: `l${i - 1}` }, to: { layer: `l${i}`, input: 0 } };
      if (i % 10 === 0 && i >= 10) connections[`s${i}`] = { from: { layer: `l${i - 9}` }, to: { layer: `l${i}`, input: 1 } };
    }
    const a = readArchitecture({ layers, connections });
    const pos = await layoutArchitecture(a);
    expect(Object.keys(pos)).toHaveLength(1000);
    expect(pos.l1.y).toBeGreaterThan(pos.l0.y);
    const boxes = Object.values(pos);
    for (let i = 0; i < 200; i++)
      for (let j = i + 1; j < 200; j++) {
        const overlap = Math.abs(boxes[i].x - boxes[j].x) < LAYER_SIZE.width && Math.abs(boxes[i].y - boxes[j].y) < LAYER_SIZE.height;
        expect(overlap).toBe(false);
      }
  });
});
