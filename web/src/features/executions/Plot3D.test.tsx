import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket, mockFetch } from '../../shared/testing';
import { WsClient } from '../../shared/ws';
import { DEFAULT_VIEW, depthOrder, isScatter3D, normalize, PITCH_LIMIT, project, rotate, Scatter3DCanvas, zoom, type Scatter3DData } from './Plot3D';
import { PlotsTab } from './PlotsTab';

const D = Math.PI / 180;
const close = (a: { sx: number; sy: number; depth: number }, b: [number, number, number]) => {
  expect(a.sx).toBeCloseTo(b[0], 9);
  expect(a.sy).toBeCloseTo(b[1], 9);
  expect(a.depth).toBeCloseTo(b[2], 9);
};

describe('projection', () => {
  it('looks along +y at yaw 0, pitch 0: x right, z up, −y towards the viewer', () => {
    close(project(1, 0, 0, 0, 0), [1, 0, 0]);
    close(project(0, 0, 1, 0, 0), [0, 1, 0]);
    close(project(0, -1, 0, 0, 0), [0, 0, 1]);
  });

  it('looks straight down at pitch 90°: y up on the screen, z towards the viewer', () => {
    close(project(0, 1, 0, 0, 90 * D), [0, 1, 0]);
    close(project(0, 0, 1, 0, 90 * D), [0, 0, 1]);
    close(project(1, 0, 0, 0, 90 * D), [1, 0, 0]);
  });

  it('turns about the vertical axis with yaw', () => {
    close(project(1, 0, 0, 90 * D, 0), [0, 0, -1]); // x now points away
    close(project(0, 1, 0, 90 * D, 0), [-1, 0, 0]);
    close(project(0, 0, 1, 123 * D, 0), [0, 1, 0]); // z stays up
  });

  it('is a rotation: lengths are kept for any view', () => {
    for (const [yaw, pitch] of [[0.3, 0.7], [-2, -1.2], [DEFAULT_VIEW.yaw, DEFAULT_VIEW.pitch]]) {
      const p = project(0.2, -0.5, 0.9, yaw, pitch);
      expect(Math.hypot(p.sx, p.sy, p.depth)).toBeCloseTo(Math.hypot(0.2, -0.5, 0.9), 9);
    }
  });

  it('starts from matplotlib\'s default view (azim −60°, elev 30°)', () => {
    // matplotlib's eye direction for azim −60°, elev 30° points at the viewer: depth 1
    const eye = [Math.cos(-60 * D) * Math.cos(30 * D), Math.sin(-60 * D) * Math.cos(30 * D), Math.sin(30 * D)];
    expect(project(eye[0], eye[1], eye[2], DEFAULT_VIEW.yaw, DEFAULT_VIEW.pitch).depth).toBeCloseTo(1, 9);
  });
});

describe('interaction', () => {
  it('drags change yaw and pitch, with the pitch kept within ±90°', () => {
    const v = rotate(DEFAULT_VIEW, 100, -20);
    expect(v.yaw).toBeCloseTo(DEFAULT_VIEW.yaw + 1, 9);
    expect(v.pitch).toBeCloseTo(DEFAULT_VIEW.pitch - 0.2, 9);
    expect(rotate(DEFAULT_VIEW, 0, 10_000).pitch).toBe(PITCH_LIMIT);
    expect(rotate(DEFAULT_VIEW, 0, -10_000).pitch).toBe(-PITCH_LIMIT);
  });

  it('the wheel zooms in and out within limits', () => {
    expect(zoom(DEFAULT_VIEW, -100).zoom).toBeGreaterThan(1);
    expect(zoom(DEFAULT_VIEW, 100).zoom).toBeLessThan(1);
    expect(zoom(DEFAULT_VIEW, 1e6).zoom).toBe(0.2);
    expect(zoom(DEFAULT_VIEW, -1e6).zoom).toBe(20);
  });
});

describe('depth sort', () => {
  it('orders points back to front, stable for ties', () => {
    expect(Array.from(depthOrder([0.5, -1, 2, -1, 0]))).toEqual([1, 3, 4, 0, 2]);
  });

  it('draws the point nearest the viewer last for the current view', () => {
    const pts: [number, number, number][] = [[0, 1, 0], [0, -1, 0], [0, 0, 0]];
    const front = (yaw: number, pitch: number) => {
      const order = depthOrder(pts.map((p) => project(p[0], p[1], p[2], yaw, pitch).depth));
      return order[order.length - 1];
    };
    expect(front(0, 0)).toBe(1); // the viewer sits at −y
    expect(front(180 * D, 0)).toBe(0); // turned around: now at +y
  });
});

const data: Scatter3DData = {
  kind: 'scatter3d',
  axes: [{ title: 'embedding', xlabel: 't1', ylabel: 't2', zlabel: 't3', series: [
    { x: [0, 10, 5], y: [1, 1, 1], z: [-2, 2, 0], colors: ['#ff0000', '#00ff00', '#0000ff'], size: 9 },
    { x: [3], y: [2], z: [1], colors: ['#123456'] },
  ] }],
};

describe('normalize', () => {
  it('scales each axis to −1…1 and keeps colours per point', () => {
    const s = normalize(data.axes[0]);
    expect(Array.from(s.points.slice(0, 9))).toEqual([-1, -1, -1, 1, -1, 1, 0, -1, 0]);
    expect(s.colors).toEqual(['#ff0000', '#00ff00', '#0000ff', '#123456']);
    expect(s.ranges).toEqual([{ min: 0, max: 10 }, { min: 1, max: 2 }, { min: -2, max: 2 }]);
  });

  it('recognizes scatter3d data only', () => {
    expect(isScatter3D(data)).toBe(true);
    expect(isScatter3D(undefined)).toBe(false);
    expect(isScatter3D({ kind: 'image' })).toBe(false);
  });
});

/** A 2-D context that records the colour of every point drawn and the text written. */
function recordingContext() {
  const drawn: string[] = [];
  const texts: string[] = [];
  const ctx: Record<string, unknown> = { fillStyle: '', strokeStyle: '', lineWidth: 1, font: '' };
  for (const name of ['setTransform', 'clearRect', 'fillRect', 'beginPath', 'moveTo', 'lineTo', 'stroke', 'fill'])
    ctx[name] = () => {};
  ctx.arc = () => drawn.push(String(ctx.fillStyle));
  ctx.fillText = (t: string) => texts.push(t);
  return { ctx: ctx as unknown as CanvasRenderingContext2D, drawn, texts };
}

describe('Scatter3DCanvas', () => {
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('draws every point back to front with its colour, and the axis labels', () => {
    const rec = recordingContext();
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(rec.ctx as never);
    // along y: at the default view (eye at −y side) the point at y = −1 is nearest, drawn last
    const axes = { xlabel: 'a', ylabel: 'b', zlabel: 'c', series: [
      { x: [0, 0, 0], y: [-1, 1, 0], z: [0, 0, 0], colors: ['#aa0000', '#00bb00', '#0000cc'] }] };
    render(<Scatter3DCanvas axes={axes} />);
    expect(rec.drawn).toEqual(['#00bb00', '#0000cc', '#aa0000']);
    expect(rec.texts).toEqual(expect.arrayContaining(['a', 'b', 'c']));
    // turned half around by dragging: the order reverses
    rec.drawn.length = 0;
    const canvas = screen.getByTestId('plot3d').querySelector('canvas')!;
    fireEvent.pointerDown(canvas, { clientX: 0, clientY: 0, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: Math.PI * 100, clientY: 0, pointerId: 1 });
    expect(rec.drawn).toEqual(['#aa0000', '#0000cc', '#00bb00']);
  });
});

describe('PlotsTab', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('shows 3-D scatter figures rotatable, toggles to the image, and takes live data', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    mockFetch((c) => {
      if (c.url.endsWith('/executions/e1/jobs/j1/plots'))
        return { body: [{ id: '1', title: 'embedding', svg: '<svg/>', data }, { id: '2', title: 'loss', svg: '<svg/>' }] };
    });
    const sockets: FakeSocket[] = [];
    const ws = new WsClient({ url: 'ws://x', createSocket: (u) => (sockets.push(new FakeSocket(u)), sockets[sockets.length - 1]) });
    render(<PlotsTab executionId="e1" jobId="j1" ws={ws} />);
    const view = await screen.findByTestId('plot3d');
    expect(view.getAttribute('data-points')).toBe('4');
    expect(view.querySelector('canvas')).not.toBeNull();
    expect(screen.getAllByRole('img')).toHaveLength(1); // the 2-D figure is its image
    const canvas = view.querySelector('canvas')!;
    fireEvent.pointerDown(canvas, { clientX: 0, clientY: 0, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: 30, clientY: 10, pointerId: 1 });
    fireEvent.pointerUp(canvas, { pointerId: 1 });

    fireEvent.click(screen.getByTestId('plot3d-toggle'));
    expect(screen.queryByTestId('plot3d')).toBeNull();
    expect(screen.getAllByRole('img')).toHaveLength(2);
    fireEvent.click(screen.getByTestId('plot3d-toggle'));
    expect(screen.getByTestId('plot3d')).toBeTruthy();

    act(() => sockets[0].open());
    const more = { ...data, axes: [{ ...data.axes[0], series: [{ x: [1, 2], y: [1, 2], z: [1, 2], colors: ['#000000', '#ffffff'] }] }] };
    act(() => sockets[0].receive({ type: 'job-event', execution: 'e1', job: 'j1', event: { type: 'plot', id: '1', title: 'embedding', svg: '<svg/>', final: false, data: more } }));
    await waitFor(() => expect(screen.getByTestId('plot3d').getAttribute('data-points')).toBe('2'));
    ws.close();
  });
});
