// A describe's plot in the shapes the existing views draw: line → the metric chart's series, scatter → the 3-D
// scatter's axes (and the same points and colours for the 2-D canvas), colours by viridis as the slice viewer's.
import type { NamedSeries } from '../executions/metrics';
import type { ColorBar, Scatter3DAxes } from '../executions/Plot3D';
import { viridis } from '../artifacts/colourScale';
import type { Plot } from './outputs';

const hex = (rgb: [number, number, number]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const DEFAULT_COLOUR = '#1f77b4';

/** A line plot as one series: x (or the position) against y; points that are not numbers are left out. */
export function lineSeries(plot: Extract<Plot, { kind: 'line' }>, label: string): NamedSeries[] {
  const points = plot.y.flatMap((value, i) => {
    const step = plot.x?.[i] ?? i;
    return typeof value === 'number' && Number.isFinite(value) && Number.isFinite(step) ? [{ step, value }] : [];
  });
  return [{ label, points }];
}

/** One colour per point from the colour values (viridis from their min to max), and the bar that explains them. */
export function pointColours(count: number, values: readonly number[] | undefined): { colors: string[]; colorbar?: ColorBar } {
  const finite = (values ?? []).filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (!values || finite.length === 0) return { colors: new Array<string>(count).fill(DEFAULT_COLOUR) };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max > min ? max - min : 1;
  const colors = Array.from({ length: count }, (_, i) => {
    const v = values[i];
    return typeof v === 'number' && Number.isFinite(v) ? hex(viridis((v - min) / span)) : '#adb5bd';
  });
  const ramp = Array.from({ length: 9 }, (_, k) => hex(viridis(k / 8)));
  return { colors, colorbar: { min, max, colors: ramp } };
}

/** A scatter of 2 or 3 dimensions as the 3-D view's axes (z is 0 for two dimensions). */
export function scatterAxes(plot: Extract<Plot, { kind: 'scatter' }>, title: string): Scatter3DAxes {
  const pts = plot.points.filter((p) => Array.isArray(p) && p.length >= 2);
  const { colors, colorbar } = pointColours(pts.length, plot.color);
  return {
    title,
    series: [{
      x: pts.map((p) => p[0]),
      y: pts.map((p) => p[1]),
      z: pts.map((p) => (plot.dims === 3 ? p[2] ?? 0 : 0)),
      colors,
      size: 16,
      ...(colorbar ? { colorbar } : {}),
    }],
  };
}
