import { describe, expect, it } from 'vitest';
import { applyPatch, getAt, parsePointer, PatchError, pointer, type Json } from './patch';

describe('applyPatch', () => {
  const doc: Json = { pipelines: { a: { name: 'A', nodes: {} } }, list: [1, 2, 3] };

  it('adds, replaces and removes object members without mutating the input', () => {
    const before = JSON.stringify(doc);
    const out = applyPatch(doc, [
      { op: 'add', path: '/pipelines/b', value: { name: 'B' } },
      { op: 'replace', path: '/pipelines/a/name', value: 'A2' },
      { op: 'remove', path: '/list/0' },
    ]);
    expect(out).toEqual({ pipelines: { a: { name: 'A2', nodes: {} }, b: { name: 'B' } }, list: [2, 3] });
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('shares untouched subtrees', () => {
    const d = { x: { deep: [1] }, y: { z: 1 } } as Json;
    const out = applyPatch(d, [{ op: 'replace', path: '/y/z', value: 2 }]) as Record<string, Json>;
    expect(out.x).toBe((d as Record<string, Json>).x);
  });

  it('inserts into arrays by index and appends with -', () => {
    expect(applyPatch(doc, [{ op: 'add', path: '/list/1', value: 9 }])).toMatchObject({ list: [1, 9, 2, 3] });
    expect(applyPatch(doc, [{ op: 'add', path: '/list/-', value: 4 }])).toMatchObject({ list: [1, 2, 3, 4] });
  });

  it('moves and copies', () => {
    const moved = applyPatch(doc, [{ op: 'move', from: '/pipelines/a', path: '/pipelines/c' }]);
    expect(moved).toMatchObject({ pipelines: { c: { name: 'A' } } });
    expect(getAt(moved, '/pipelines/a')).toBeUndefined();
    const copied = applyPatch(doc, [{ op: 'copy', from: '/list', path: '/copy' }]);
    expect(copied).toMatchObject({ copy: [1, 2, 3], list: [1, 2, 3] });
  });

  it('test passes on deep-equal values and fails otherwise', () => {
    expect(applyPatch(doc, [{ op: 'test', path: '/pipelines/a', value: { nodes: {}, name: 'A' } }])).toBe(doc);
    expect(() => applyPatch(doc, [{ op: 'test', path: '/list', value: [1, 2] }])).toThrow(PatchError);
  });

  it('rejects ops on missing paths', () => {
    expect(() => applyPatch(doc, [{ op: 'remove', path: '/pipelines/zzz' }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'replace', path: '/nope', value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'add', path: '/missing/child', value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'add', path: '/list/7', value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'move', from: '/pipelines', path: '/pipelines/a/x' }])).toThrow(PatchError);
  });

  it('replaces the whole document with an empty path', () => {
    expect(applyPatch(doc, [{ op: 'replace', path: '', value: 5 }])).toBe(5);
  });

  it('escapes ~ and / in pointers', () => {
    expect(pointer('a/b', 'c~d')).toBe('/a~1b/c~0d');
    expect(parsePointer('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    expect(applyPatch({} as Json, [{ op: 'add', path: pointer('a/b'), value: 1 }])).toEqual({ 'a/b': 1 });
  });
});
