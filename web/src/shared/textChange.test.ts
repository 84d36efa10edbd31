import { describe, expect, it } from 'vitest';
import { minimalChange } from './textChange';

const apply = (a: string, c: ReturnType<typeof minimalChange>) => (c ? a.slice(0, c.from) + c.insert + a.slice(c.to) : a);

describe('minimalChange', () => {
  it('replaces only the span that differs', () => {
    expect(minimalChange('abc', 'abc')).toBeNull();
    expect(minimalChange('def f(self):', 'def f(self, x):')).toEqual({ from: 10, to: 10, insert: ', x' });
    expect(minimalChange('aXb', 'ab')).toEqual({ from: 1, to: 2, insert: '' });
    for (const [a, b] of [['', 'x'], ['x', ''], ['aaa', 'aa'], ['return a', 'return a, b'], ['abcabc', 'abXabc']]) expect(apply(a, minimalChange(a, b))).toBe(b);
  });
});
