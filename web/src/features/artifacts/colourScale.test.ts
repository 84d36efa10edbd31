import { describe, expect, it } from 'vitest';
import { formatNumber, heatmapPixels, viridis } from './colourScale';

describe('colourScale', () => {
  it('runs from viridis dark purple to yellow and clamps outside [0, 1]', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
  });

  it('maps the smallest value to the darkest pixel and leaves missing values transparent', () => {
    const px = heatmapPixels([[0, 10], [null, 5]], 0, 10);
    expect(Array.from(px.slice(0, 4))).toEqual([68, 1, 84, 255]);
    expect(Array.from(px.slice(4, 8))).toEqual([253, 231, 37, 255]);
    expect(px[11]).toBe(0);
    expect(px[15]).toBe(255);
  });

  it('writes numbers short', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.123456789)).toBe('0.12346');
    expect(formatNumber(1.5e-7)).toBe('1.500e-7');
    expect(formatNumber(null)).toBe('—');
  });
});
