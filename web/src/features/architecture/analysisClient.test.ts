import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnalysisClient, applyChanges, mergeDiff } from './analysisClient';
import type { Analysis } from './model';

describe('mergeDiff', () => {
  it('gives the members that changed, null for removed ones, and nothing for equal ones', () => {
    const from = { name: 'n', layers: { a: { type: 'Conv2d', arguments: { k: 3, s: [1, 1] } }, b: { type: 'ReLU' } } };
    const to = { name: 'n', layers: { a: { type: 'Conv2d', arguments: { k: 5, s: [1, 1] } }, c: { type: 'Tanh' } } };
    expect(mergeDiff(from, to)).toEqual({ layers: { a: { arguments: { k: 5 } }, b: null, c: { type: 'Tanh' } } });
    expect(mergeDiff(to, to)).toEqual({});
  });

  it('replaces arrays whole and treats undefined members as absent', () => {
    expect(mergeDiff({ s: [1, 2] }, { s: [1, 3] })).toEqual({ s: [1, 3] });
    expect(mergeDiff({ a: 1, b: 2 }, { a: 1, b: undefined } as never)).toEqual({ b: null });
    expect(mergeDiff({ a: 1 }, { a: 1, b: undefined } as never)).toEqual({});
  });

  it('cannot say a null value: the change goes whole', () => {
    expect(mergeDiff({ a: { b: 1 } }, { a: { b: null } })).toBeUndefined();
    expect(mergeDiff({ a: 1 }, { a: [1, null] })).toBeUndefined();
  });
});

const base: Analysis = {
  shapes: { k1: [null, 3], k2: [null, 4] },
  layers: { a: { output: [null, 3], outputs: [[null, 3]], parameters: 0, inferred: {} } as never },
  parameters: 12,
  errors: [],
};

describe('applyChanges', () => {
  it('adds, replaces and removes what the changes say, and keeps the errors they leave out', () => {
    const next = applyChanges(base, {
      shapes: { k2: [null, 5] },
      layers: {},
      removed: { shapes: ['k1'], layers: ['a'] },
      parameters: null,
      partialParameters: 7,
      errors: [{ layer: 'a', message: 'bad' }],
    });
    expect(next).toEqual({ shapes: { k2: [null, 5] }, layers: {}, parameters: null, partialParameters: 7, errors: [{ layer: 'a', message: 'bad' }] });
    const fixed = applyChanges(next, { shapes: {}, layers: {}, removed: { shapes: [], layers: [] }, parameters: 20, errors: [] });
    expect(fixed).toEqual({ shapes: { k2: [null, 5] }, layers: {}, parameters: 20, errors: [] });
    expect(applyChanges(base, { shapes: {}, layers: {}, removed: { shapes: [], layers: [] }, parameters: 12 }).errors).toBe(base.errors);
  });
});

describe('AnalysisClient', () => {
  afterEach(() => vi.unstubAllGlobals());

  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

  it('sends the first architecture whole, the next edit as a patch, and whole again when the server lost the base', async () => {
    const calls: { method: string; url: string; body: unknown }[] = [];
    const answers = [
      reply(200, base, { 'X-Analysis-Id': 'one' }),
      reply(200, { id: 'two', changes: { shapes: { k2: [null, 8] }, layers: {}, removed: { shapes: [], layers: [] }, parameters: 30 } }),
      reply(412, { error: 'the analysis two is no longer kept' }),
      reply(200, { ...base, parameters: 40 }, { 'X-Analysis-Id': 'three' }),
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ method: init.method ?? 'GET', url, body: JSON.parse(String(init.body)) });
        return answers.shift()!;
      }),
    );
    const client = new AnalysisClient();
    const arch = { name: 'n', layers: { a: { type: 'Linear', arguments: { out_features: 4 } } } };
    expect((await client.analyse('p', arch)).parameters).toBe(12);
    const wider = { name: 'n', layers: { a: { type: 'Linear', arguments: { out_features: 8 } } } };
    const second = await client.analyse('p', wider);
    expect(second.shapes).toEqual({ k1: [null, 3], k2: [null, 8] });
    expect(second.parameters).toBe(30);
    expect(calls[1].method).toBe('PATCH');
    expect(calls[1].url).toMatch(/\/analysis\/architecture\/one$/);
    expect(calls[1].body).toEqual({ layers: { a: { arguments: { out_features: 8 } } } });
    const third = await client.analyse('p', arch);
    expect(third.parameters).toBe(40);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'PATCH', 'PATCH', 'POST']);
    expect(calls[3].body).toEqual(arch);
  });
});
