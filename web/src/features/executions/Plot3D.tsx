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

function label(value: number): string {
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(4)));
}

const WIDTH = 480;
const HEIGHT = 400;

/** One 3-D axes drawn on a canvas: drag to rotate, wheel to zoom, double-click to reset. */
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
    // the unit cube's diagonal (√3) fits the smaller side at zoom 1
    const unit = (Math.min(width, height) / (2 * Math.sqrt(3)) - 4) * view.zoom;
    const cx = width / 2, cy = height / 2;
    const toScreen = (x: number, y: number, z: number) => {
      const p = project(x, y, z, view.yaw, view.pitch);
      return [cx + p.sx * unit, cy - p.sy * unit] as const;
    };

    // axis lines from the lower corner, with their labels and ranges
    const names = [axes.xlabel || 'x', axes.ylabel || 'y', axes.zlabel || 'z'];
    ctx.lineWidth = 1;
    ctx.font = '11px sans-serif';
    for (let k = 0; k < 3; k++) {
      const end = [-1, -1, -1];
      end[k] = 1;
      const [x0, y0] = toScreen(-1, -1, -1);
      const [x1, y1] = toScreen(end[0], end[1], end[2]);
      ctx.strokeStyle = '#888';
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
      const r = scene.ranges[k];
      ctx.fillStyle = '#555';
      ctx.fillText(label(r.max), x1 + 3, y1 - 3);
      const mid = [-1, -1, -1];
      mid[k] = 0;
      const [mx, my] = toScreen(mid[0], mid[1], mid[2]);
      ctx.fillStyle = '#222';
      ctx.fillText(names[k], mx + 4, my + 12);
    }
    const [ox, oy] = toScreen(-1, -1, -1);
    ctx.fillStyle = '#555';
    ctx.fillText(scene.ranges.map((r) => label(r.min)).join(', '), ox + 3, oy + 12);

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

  return (
    <div data-testid="plot3d" data-points={count} style={{ position: 'relative' }}>
      {axes.title && <div style={{ textAlign: 'center', fontSize: '0.85em' }}>{axes.title}</div>}
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
    </div>
  );
}

/** A 3-D scatter figure: rotatable views of its axes, or the SVG image (the toggle). */
export function Plot3D({ data, image }: { data: Scatter3DData; image: ReactNode }) {
  const [show3d, setShow3d] = useState(true);
  return (
    <div>
      <button type="button" data-testid="plot3d-toggle" aria-pressed={show3d} onClick={() => setShow3d((s) => !s)}
        title="Switch between the rotatable 3-D view and the image">
        {show3d ? 'Show image' : 'Show 3-D'}
      </button>
      {show3d ? data.axes.map((a, i) => <Scatter3DCanvas key={i} axes={a} />) : image}
    </div>
  );
}
