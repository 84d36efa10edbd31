/** Viridis (matplotlib's default colour map, perceptually uniform), as 9 stops interpolated linearly. */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** The colour of `t` in [0, 1] (clamped) as [r, g, b]. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** RGBA pixels of a grid of numbers scaled from `min` (darkest) to `max` (brightest); missing values are transparent. */
export function heatmapPixels(rows: (number | null)[][], min: number, max: number): Uint8ClampedArray<ArrayBuffer> {
  const h = rows.length;
  const w = h > 0 ? rows[0].length : 0;
  const out = new Uint8ClampedArray(new ArrayBuffer(w * h * 4));
  const span = max > min ? max - min : 1;
  rows.forEach((row, y) =>
    row.forEach((v, x) => {
      const o = (y * w + x) * 4;
      if (v === null || !Number.isFinite(v)) return;
      const [r, g, b] = viridis((v - min) / span);
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = 255;
    }),
  );
  return out;
}

/** A number short enough for a table cell. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}
