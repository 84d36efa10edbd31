import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/** One 3-D scatter collection of a plot event's `data` (python/deepforge/plotting.py). */
export interface Scatter3DSeries {
  x: number[];
  y: number[];
  z: number[];
  /** one `#rrggbb` per point */
  colors: string[];
  /** matplotlib's marker size `s` (points²) */
  size?: number;
  /** how values became colours (a scatter with `c=values`): the colour map sampled from min to max */
  colorbar?: ColorBar;
}
export interface ColorBar {
  min: number;
  max: number;
  colors: string[];
  label?: string;
}
export interface Scatter3DAxes {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  zlabel?: string;
  series: Scatter3DSeries[];
}
export interface Scatter3DData {
  kind: 'scatter3d';
  axes: Scatter3DAxes[];
}

export function isScatter3D(data: unknown): data is Scatter3DData {
  const d = data as Scatter3DData | null | undefined;
  return !!d && d.kind === 'scatter3d' && Array.isArray(d.axes) && d.axes.length > 0
    && d.axes.every((a) => a && Array.isArray(a.series));
}

/** The view: yaw turns about the (vertical) z axis, pitch raises the eye; zoom scales. */
export interface View {
  yaw: number;
  pitch: number;
  zoom: number;
}

const DEG = Math.PI / 180;
/** matplotlib's default view (azim −60°, elev 30°): yaw = −(azim + 90°), pitch = elev. */
export const DEFAULT_VIEW: View = { yaw: -30 * DEG, pitch: 30 * DEG, zoom: 1 };
export const PITCH_LIMIT = Math.PI / 2;

/**
 * Orthographic projection of a point (normalized coordinates, z up) for the view:
 * `sx` to the right, `sy` up on the screen, `depth` towards the viewer (larger is nearer).
 * Rotation by yaw about z, then the eye raised by pitch: at pitch 0 the viewer looks along
 * +y (after the yaw), at pitch 90° straight down the z axis.
 */
export function project(x: number, y: number, z: number, yaw: number, pitch: number): { sx: number; sy: number; depth: number } {
  const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
  const x1 = x * cy - y * sy;
  const y1 = x * sy + y * cy;
  return { sx: x1, sy: y1 * sp + z * cp, depth: -y1 * cp + z * sp };
}

/** Indices of the points ordered back to front (farthest, i.e. smallest depth, first). */
export function depthOrder(depth: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(depth.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => depth[a] - depth[b] || a - b);
}

/** The view after a drag of (dx, dy) pixels: right turns the scene, down raises the eye. */
export function rotate(view: View, dx: number, dy: number, speed = 0.01): View {
  const pitch = Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, view.pitch + dy * speed));
  return { ...view, yaw: view.yaw + dx * speed, pitch };
}

/** The view after a wheel step (deltaY > 0 zooms out), kept within 0.2 … 20. */
export function zoom(view: View, deltaY: number): View {
  return { ...view, zoom: Math.max(0.2, Math.min(20, view.zoom * Math.exp(-deltaY * 0.0015))) };
}

export interface Range { min: number; max: number }

/** Per axis, the data range and a map to [−1, 1] (each axis scaled alone, as matplotlib's box). */
export function normalize(axes: Scatter3DAxes): { points: Float32Array; colors: string[]; radii: Float32Array; ranges: [Range, Range, Range] } {
  const ranges: [Range, Range, Range] = [0, 1, 2].map(() => ({ min: Infinity, max: -Infinity })) as [Range, Range, Range];
  let count = 0;
  for (const s of axes.series) {
    const n = Math.min(s.x.length, s.y.length, s.z.length);
    count += n;
    [s.x, s.y, s.z].forEach((values, k) => {
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (Number.isFinite(v)) {
          if (v < ranges[k].min) ranges[k].min = v;
          if (v > ranges[k].max) ranges[k].max = v;
        }
      }
    });
  }
  for (const r of ranges) if (!(r.min <= r.max)) Object.assign(r, { min: 0, max: 1 });
  const scale = ranges.map((r) => (r.max > r.min ? 2 / (r.max - r.min) : 0));
  const points = new Float32Array(count * 3);
  const radii = new Float32Array(count);
  const colors: string[] = new Array(count);
  let j = 0;
  for (const s of axes.series) {
    const n = Math.min(s.x.length, s.y.length, s.z.length);
    // matplotlib's s is the marker's area in points²: radius ≈ √s / 2 points ≈ √s · 0.67 px
    const radius = Math.max(1, Math.sqrt(s.size ?? 36) * 0.67);
    for (let i = 0; i < n; i++, j++) {
      const v = [s.x[i], s.y[i], s.z[i]];
      for (let k = 0; k < 3; k++) {
        points[j * 3 + k] = scale[k] ? (v[k] - ranges[k].min) * scale[k] - 1 : 0;
      }
      colors[j] = s.colors?.[i] ?? s.colors?.[0] ?? '#1f77b4';
      radii[j] = radius;
    }
  }
  return { points, colors, radii, ranges };
}

/** A tick label: 4 significant digits, exponents for very large or small values. */
export function label(value: number): string {
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(4)));
}

/** Round values (1, 2 or 5 × 10ⁿ apart) within [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => (max - min) / s <= count + 1) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/**
 * The colour bar's ticks: its min and max always, and round values in between that keep clear of
 * them; `at` is the position from the bottom (0) to the top (1).
 */
export function colorbarTicks(min: number, max: number): { value: number; at: number; text: string }[] {
  if (!(max > min)) return [{ value: min, at: 0.5, text: label(min) }];
  const inner = niceTicks(min, max, 4).filter((v) => (v - min) / (max - min) > 0.12 && (max - v) / (max - min) > 0.12);
  return [min, ...inner, max].map((value) => ({ value, at: (value - min) / (max - min), text: label(value) }));
}

/** The first colour bar among an axes' series. */
export function axesColorbar(axes: Scatter3DAxes): ColorBar | null {
  const bar = axes.series.find((s) => s.colorbar && Array.isArray(s.colorbar.colors) && s.colorbar.colors.length > 0)?.colorbar;
  return bar && Number.isFinite(bar.min) && Number.isFinite(bar.max) ? bar : null;
}

/** The value → colour mapping, bottom (min) to top (max), with its ticks and label. */
export function ColorBarView({ bar, height }: { bar: ColorBar; height: number }) {
  const ticks = colorbarTicks(bar.min, bar.max);
  const gradient = `linear-gradient(to top, ${bar.colors.join(', ')})`;
  return (
    <div className="colorbar" data-testid="plot3d-colorbar" data-min={bar.min} data-max={bar.max} data-label={bar.label ?? ''} style={{ height }}>
      <div className="colorbar-ramp" style={{ background: gradient }} />
      <div className="colorbar-ticks">
        {ticks.map((t) => (
          <span key={t.at} className="colorbar-tick" data-testid="plot3d-colorbar-tick" style={{ bottom: `${t.at * 100}%` }}>
            {t.text}
          </span>
        ))}
      </div>
      {bar.label && <div className="colorbar-label">{bar.label}</div>}
    </div>
  );
}

/** The 12 edges of the [−1, 1]³ box, as pairs of corners. */
const EDGES: [number[], number[]][] = (() => {
  const out: [number[], number[]][] = [];
  for (let k = 0; k < 3; k++)
    for (const a of [-1, 1])
      for (const b of [-1, 1]) {
        const from = [0, 0, 0], to = [0, 0, 0];
        const [i, j] = [0, 1, 2].filter((x) => x !== k);
        from[i] = to[i] = a;
        from[j] = to[j] = b;
        from[k] = -1;
        to[k] = 1;
        out.push([from, to]);
      }
  return out;
})();

/** For axis `k`, the box edge its ticks go on: the edge farthest out from the centre on the screen (x and y on the floor). */
export function tickEdge(k: number, yaw: number, pitch: number): [number[], number[]] {
  let best = EDGES[k * 4];
  let far = -Infinity;
  for (const edge of EDGES.slice(k * 4, k * 4 + 4)) {
    if (k !== 2 && edge[0][2] !== -1) continue;
    const p = project((edge[0][0] + edge[1][0]) / 2, (edge[0][1] + edge[1][1]) / 2, (edge[0][2] + edge[1][2]) / 2, yaw, pitch);
    const d = Math.hypot(p.sx, p.sy) + (k === 2 ? 0 : -p.sy * 0.01); // ties: the lower one
    if (d > far) {
      far = d;
      best = edge;
    }
  }
  return best;
}

const WIDTH = 480;
const HEIGHT = 400;

/** One 3-D axes drawn on a canvas: drag to rotate, wheel to zoom, double-click or "Reset view" to reset; its colour bar beside it. */
export function Scatter3DCanvas({ axes, width = WIDTH, height = HEIGHT }: { axes: Scatter3DAxes; width?: number; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState<View>(DEFAULT_VIEW);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const scene = useMemo(() => normalize(axes), [axes]);
  const count = scene.radii.length;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      setView((v) => zoom(v, e.deltaY));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  useEffect(() => {
    const el = canvas.current;
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = el?.getContext('2d') ?? null;
    } catch {
      ctx = null; // no canvas support (tests)
    }
    if (!el || !ctx) return;
    const ratio = (typeof window !== 'undefined' && window.devicePixelRatio) || 1;
    if (el.width !== width * ratio || el.height !== height * ratio) {
      el.width = width * ratio;
      el.height = height * ratio;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    // the unit cube's diagonal (√3) fits the smaller side at zoom 1, with room for the tick labels
    const unit = (Math.min(width, height) / (2 * Math.sqrt(3)) - 22) * view.zoom;
    const cx = width / 2, cy = height / 2;
    const toScreen = (x: number, y: number, z: number) => {
      const p = project(x, y, z, view.yaw, view.pitch);
      return [cx + p.sx * unit, cy - p.sy * unit] as const;
    };

    // the box, faint; per axis ticks with round values on its outermost edge, labels outside the box
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#ddd';
    for (const [a, b] of EDGES) {
      const [x0, y0] = toScreen(a[0], a[1], a[2]);
      const [x1, y1] = toScreen(b[0], b[1], b[2]);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    }
    const names = [axes.xlabel || 'x', axes.ylabel || 'y', axes.zlabel || 'z'];
    ctx.font = '11px sans-serif';
    ctx.textBaseline = 'middle';
    const outward = (x: number, y: number, z: number, gap: number) => {
      // away from the box's centre on the screen, so labels never pile up inside it
      const [px, py] = toScreen(x, y, z);
      const dx = px - cx, dy = py - cy;
      const n = Math.hypot(dx, dy) || 1;
      return [px + (dx / n) * gap, py + (dy / n) * gap, dx / n] as const;
    };
    const align = (ux: number): CanvasTextAlign => (ux > 0.3 ? 'left' : ux < -0.3 ? 'right' : 'center');
    for (let k = 0; k < 3; k++) {
      const [a, b] = tickEdge(k, view.yaw, view.pitch);
      ctx.strokeStyle = '#888';
      const [ax0, ay0] = toScreen(a[0], a[1], a[2]);
      const [ax1, ay1] = toScreen(b[0], b[1], b[2]);
      ctx.beginPath();
      ctx.moveTo(ax0, ay0);
      ctx.lineTo(ax1, ay1);
      ctx.stroke();
      const r = scene.ranges[k];
      const span = r.max - r.min;
      ctx.fillStyle = '#555';
      for (const v of niceTicks(r.min, r.max, Math.max(2, Math.min(6, Math.round(unit / 30))))) {
        const p = [...a];
        p[k] = span > 0 ? ((v - r.min) / span) * 2 - 1 : 0;
        if (Math.abs(p[k]) > 0.85) continue; // the corners are where two axes' labels would collide
        const [tx, ty, ux] = outward(p[0], p[1], p[2], 8);
        const [px, py] = toScreen(p[0], p[1], p[2]);
        ctx.beginPath();
        ctx.moveTo(px, py);
        ctx.lineTo((px + tx) / 2, (py + ty) / 2);
        ctx.stroke();
        ctx.textAlign = align(ux);
        ctx.fillText(label(v), tx, ty);
      }
      const mid = [...a];
      mid[k] = 0;
      const [lx, ly, lux] = outward(mid[0], mid[1], mid[2], 34);
      ctx.fillStyle = '#222';
      ctx.font = 'bold 12px sans-serif';
      ctx.textAlign = align(lux);
      ctx.fillText(names[k], lx, ly);
      ctx.font = '11px sans-serif';
    }
    ctx.textAlign = 'left';

    // the points, back to front
    const n = count;
    const sx = new Float32Array(n), sy = new Float32Array(n), depth = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = project(scene.points[i * 3], scene.points[i * 3 + 1], scene.points[i * 3 + 2], view.yaw, view.pitch);
      sx[i] = cx + p.sx * unit;
      sy[i] = cy - p.sy * unit;
      depth[i] = p.depth;
    }
    const order = depthOrder(depth);
    let fill = '';
    for (let o = 0; o < n; o++) {
      const i = order[o];
      if (scene.colors[i] !== fill) {
        fill = scene.colors[i];
        ctx.fillStyle = fill;
      }
      ctx.beginPath();
      ctx.arc(sx[i], sy[i], scene.radii[i], 0, 2 * Math.PI);
      ctx.fill();
    }
  }, [view, scene, count, axes, width, height]);

  const bar = axesColorbar(axes);
  return (
    <div data-testid="plot3d" data-points={count} className="plot3d">
      <div className="plot3d-head">
        {axes.title && <span className="plot3d-title">{axes.title}</span>}
        <button type="button" className="secondary small" data-testid="plot3d-reset" onClick={() => setView(DEFAULT_VIEW)} title="Back to the first view (as matplotlib drew it)">
          Reset view
        </button>
      </div>
      <div className="plot3d-body">
      <canvas
        ref={canvas}
        width={width}
        height={height}
        style={{ width, height, cursor: 'grab', touchAction: 'none', display: 'block' }}
        aria-label={`${axes.title || '3-D scatter'}: drag to rotate, wheel to zoom, double-click to reset`}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY };
          e.currentTarget.setPointerCapture?.(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          const dx = e.clientX - d.x, dy = e.clientY - d.y;
          drag.current = { x: e.clientX, y: e.clientY };
          setView((v) => rotate(v, dx, dy));
        }}
        onPointerUp={(e) => {
          drag.current = null;
          e.currentTarget.releasePointerCapture?.(e.pointerId);
        }}
        onPointerCancel={() => (drag.current = null)}
        onDoubleClick={() => setView(DEFAULT_VIEW)}
      />
      {bar && <ColorBarView bar={bar} height={Math.round(height * 0.8)} />}
      </div>
    </div>
  );
}

/** Room the colour bar takes beside the canvas. */
const COLORBAR_ROOM = 90;

/**
 * A 3-D scatter figure: rotatable views of its axes, or the SVG image (the toggle). `width` is the
 * room it has; each view keeps the 6:5 shape (so nothing is cropped) and the colour bar fits beside it.
 */
export function Plot3D({ data, image, width = WIDTH + COLORBAR_ROOM }: { data: Scatter3DData; image: ReactNode; width?: number }) {
  const [show3d, setShow3d] = useState(true);
  return (
    <div>
      <button type="button" className="secondary small" data-testid="plot3d-toggle" aria-pressed={show3d} onClick={() => setShow3d((s) => !s)}
        title="Switch between the rotatable 3-D view and the image">
        {show3d ? 'Show image' : 'Show 3-D'}
      </button>
      {show3d
        ? data.axes.map((a, i) => {
            const w = Math.max(200, Math.floor(width - (axesColorbar(a) ? COLORBAR_ROOM : 0)));
            return <Scatter3DCanvas key={i} axes={a} width={w} height={Math.round((w * HEIGHT) / WIDTH)} />;
          })
        : image}
    </div>
  );
}
