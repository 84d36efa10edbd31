import { describe, expect, it } from 'vitest';
import { decideCommit, presenceNode } from './live';

describe('live updates', () => {
  const own = new Set(['mine']);
  it('ignores our own commits and the current head', () => {
    expect(decideCommit({ commit: 'mine', parent: 'h' }, 'h', own)).toBe('ignore');
    expect(decideCommit({ commit: 'h', parent: 'g' }, 'h', own)).toBe('ignore');
  });
  it('applies commits on top of the head and reloads otherwise', () => {
    expect(decideCommit({ commit: 'c', parent: 'h' }, 'h', own)).toBe('apply');
    expect(decideCommit({ commit: 'c', parent: 'x' }, 'h', own)).toBe('reload');
    expect(decideCommit({ commit: 'c', parent: null }, null, own)).toBe('reload');
  });
  it('reports presence as a model pointer', () => {
    expect(presenceNode('pipelines', 'abc')).toBe('/pipelines/abc');
    expect(presenceNode('pipelines', undefined)).toBeNull();
    expect(presenceNode('history', 'abc')).toBeNull();
  });
});
