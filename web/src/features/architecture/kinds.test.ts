import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../shared/testing';
import { architectureKind, choiceText, formatArgument, parseArgument } from './model';

afterEach(() => vi.unstubAllGlobals());

describe('the kind of an architecture', () => {
  it('is its kind, or PyTorch for one written before libraries', () => {
    expect(architectureKind({ kind: 'sklearn-pipeline', layers: {} })).toBe('sklearn-pipeline');
    expect(architectureKind({ layers: {} })).toBe('pytorch');
    expect(architectureKind({ kind: '' })).toBe('pytorch');
    expect(architectureKind(undefined)).toBe('pytorch');
  });
});

describe('scikit-learn argument types', () => {
  it('reads numbers that may be None', () => {
    expect(parseArgument('int_or_none', '20')).toEqual({ value: 20 });
    expect(parseArgument('int_or_none', 'None')).toEqual({ value: null });
    expect(parseArgument('int_or_none', '0.5').error).toBe('a whole number or None');
    expect(parseArgument('float_or_none', '0.5')).toEqual({ value: 0.5 });
    expect(parseArgument('float_or_none', 'null')).toEqual({ value: null });
    expect(parseArgument('float_or_none', 'x').error).toBe('a number or None');
    expect(parseArgument('int_or_float', '3')).toEqual({ value: 3 });
    expect(parseArgument('int_or_float', '0.25')).toEqual({ value: 0.25 });
    expect(parseArgument('int_or_float', 'None').error).toBe('a number');
  });
  it('reads a choice only among its choices, and a choice offered beside another type', () => {
    expect(parseArgument('choice', 'full', ['auto', 'full'])).toEqual({ value: 'full' });
    expect(parseArgument('choice', 'half', ['auto', 'full']).error).toBe('one of auto, full');
    expect(parseArgument('choice', 'None', ['auto', null])).toEqual({ value: null });
    expect(parseArgument('int_or_float', 'sqrt', ['sqrt', 'log2'])).toEqual({ value: 'sqrt' });
    expect(parseArgument('int_or_float', '0.5', ['sqrt', 'log2'])).toEqual({ value: 0.5 });
  });
  it('reads a dict as a JSON object', () => {
    expect(parseArgument('dict', '{"a": 1}')).toEqual({ value: { a: 1 } });
    expect(parseArgument('dict', '[1]').error).toContain('JSON object');
    expect(parseArgument('dict', 'a=1').error).toContain('JSON object');
  });
  it('writes None and choices as they are typed', () => {
    expect(formatArgument('int_or_none', null)).toBe('None');
    expect(formatArgument('int_or_none', 20)).toBe('20');
    expect(formatArgument('choice', 'full')).toBe('full');
    expect(formatArgument('int_or_float', 'sqrt', ['sqrt'])).toBe('sqrt');
    expect(formatArgument('dict', { a: 1 })).toBe('{"a":1}');
    expect(choiceText(null)).toBe('None');
    expect(choiceText(true)).toBe('true');
  });
});

const libraries = [
  { id: 'pytorch', name: 'PyTorch', version: '1.0.0', versions: ['1.0.0'], description: '', kinds: [{ id: 'pytorch', name: 'Neural network', description: '', template: {} }], operations: [], examples: [], requirements: [] },
  { id: 'sklearn', name: 'scikit-learn', version: '1.0.0', versions: ['1.0.0'], description: '', kinds: [{ id: 'sklearn-pipeline', name: 'Estimator pipeline', description: '', template: {} }], operations: [], examples: [], requirements: [] },
];
const sklearnCatalog = { sklearn: '1.2.1', language: [], layers: [{ name: 'PCA', category: 'Decomposition', arguments: [], inputs: 1, max_inputs: 1, outputs: 1 }] };

describe('catalogs by kind', () => {
  it('asks the library of the kind for its catalog, once per page', async () => {
    vi.resetModules();
    const { loadCatalog } = await import('./catalog');
    const { calls } = mockFetch((c) =>
      c.url === '/api/v1/libraries' ? { body: libraries } : c.url === '/api/v1/libraries/sklearn/kinds/sklearn-pipeline/catalog' ? { body: sklearnCatalog } : undefined,
    );
    expect((await loadCatalog('sklearn-pipeline')).layers[0].name).toBe('PCA');
    await loadCatalog('sklearn-pipeline');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/libraries', '/api/v1/libraries/sklearn/kinds/sklearn-pipeline/catalog']);
  });
  it('says when no library draws the kind, and asks again after a failure', async () => {
    vi.resetModules();
    const { loadCatalog } = await import('./catalog');
    let up = false;
    const { calls } = mockFetch((c) => (c.url === '/api/v1/libraries' ? (up ? { body: libraries } : { status: 503, body: { error: 'starting' } }) : { body: sklearnCatalog }));
    await expect(loadCatalog('sklearn-pipeline')).rejects.toThrow('starting');
    up = true;
    await expect(loadCatalog('keras')).rejects.toThrow('No library on this server draws architectures of kind "keras"');
    expect((await loadCatalog('pytorch')).layers).toHaveLength(1);
    expect(calls.filter((c) => c.url === '/api/v1/libraries')).toHaveLength(2);
  });
});
