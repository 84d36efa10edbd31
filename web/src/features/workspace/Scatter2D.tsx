import { useEffect, useRef } from 'react';
import { ColorBarView, axesColorbar, label, niceTicks, type Scatter3DAxes } from '../executions/Plot3D';

const W = 420;
const H = 320;
const PAD = 36;

/** A 2-D scatter (the x and y of the axes) on a canvas with ticks, and its colour bar beside it. */
export function Scatter2D({ axes }: { axes: Scatter3DAxes }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const s = axes.series[0];
  const bar = axesColorbar(axes);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return; // jsdom: no canvas
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !s) return;
    const xs = s.x.filter(Number.isFinite);
    const ys = s.y.filter(Number.isFinite);
    const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
    const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
    const sx = (v: number) => PAD + ((v - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
    const sy = (v: number) => H - PAD - ((v - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = '#868e96';
    ctx.fillStyle = '#868e96';
    ctx.font = '10px system-ui, sans-serif';
    ctx.strokeRect(PAD, PAD, W - 2 * PAD, H - 2 * PAD);
    for (const t of niceTicks(x0, x1)) ctx.fillText(label(t), sx(t) - 8, H - PAD + 12);
    for (const t of niceTicks(y0, y1)) ctx.fillText(label(t), 2, sy(t) + 3);
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) continue;
      ctx.fillStyle = s.colors[i] ?? '#1f77b4';
      ctx.beginPath();
      ctx.arc(sx(s.x[i]), sy(s.y[i]), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }, [s]);
  return (
    <div className="scatter2d" data-testid="explore-scatter" data-dims="2" data-points={s?.x.length ?? 0}>
      <canvas ref={canvas} width={W} height={H} style={{ maxWidth: '100%', height: 'auto' }} />
      {bar && <ColorBarView bar={bar} height={H - 2 * PAD} />}
    </div>
  );
}
