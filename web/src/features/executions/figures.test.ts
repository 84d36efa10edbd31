import { describe, expect, it } from 'vitest';
import { chartData } from './LineChart';
import { ema, logScaleProblem, metricsCsv, addPoint, type SeriesMap } from './metrics';
import { advanceProgress, formatEta, formatRate, formatPercent } from './progress';
import { colorbarTicks, niceTicks, tickEdge } from './Plot3D';
import { fileName, svgSize } from './figure';
import { resizedHeight } from './JobPanel';

describe('EMA smoothing', () => {
  it('is TensorBoard\'s debiased moving average: a constant stays constant, steps are followed late', () => {
    expect(ema([5, 5, 5], 0.9)).toEqual([5, 5, 5].map((v) => expect.closeTo(v, 12)));
    const s = ema([0, 10, 10, 10], 0.5) as number[];
    // debiased: 0; (0.5·0·0.5 + 0.5·10)/(1−0.25) = 6.67; …
    expect(s[0]).toBeCloseTo(0, 12);
    expect(s[1]).toBeCloseTo(5 / 0.75, 10);
    expect(s[2]).toBeCloseTo(7.5 / 0.875, 10);
    expect(s[3]).toBeGreaterThan(s[2]);
    expect(s[3]).toBeLessThan(10);
  });

  it('weight 0 changes nothing, and gaps (null) pass through without breaking the average', () => {
    expect(ema([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = ema([2, null, 2], 0.6);
    expect(s[1]).toBeNull();
    expect(s[2]).toBeCloseTo(2, 12);
  });

  it('draws each raw series faint under its smoothed line', () => {
    const { aligned, strokes } = chartData([{ label: 'loss', points: [{ step: 0, value: 4 }, { step: 1, value: 2 }] }], 0.5);
    expect(aligned.labels).toEqual(['loss (raw)', 'loss']);
    expect(aligned.data[1]).toEqual([4, 2]);
    expect(aligned.data[2]![1]).toBeCloseTo((0.5 * 0.5 * 4 + 0.5 * 2) / 0.75, 10);
    expect(strokes[0].colour).toMatch(/^#[0-9a-f]{8}$/); // with alpha
  });
});

describe('log scale', () => {
  it('is refused with a note naming the first value that is not above 0', () => {
    expect(logScaleProblem([{ label: 'loss', points: [{ step: 0, value: 1 }, { step: 1, value: 0.1 }] }])).toBeNull();
    expect(logScaleProblem([{ label: 'x', points: [{ step: 0, value: 1 }, { step: 3, value: -2 }] }])).toBe('Log scale needs values above 0; -2 at step 3 is not.');
    expect(logScaleProblem([{ label: 'x', points: [{ step: 7, value: 0 }] }])).toContain('0 at step 7');
  });
});

describe('CSV', () => {
  it('writes step,time,value per point, time in ISO 8601 and empty when unknown', () => {
    const s: SeriesMap = {};
    addPoint(s, 'loss', 1, 0.5, 1700000000.25);
    addPoint(s, 'loss', 2, 0.25, '2023-11-14T22:13:21Z');
    addPoint(s, 'loss', 3, 0.125);
    expect(metricsCsv([{ label: 'loss', points: s.loss }])).toBe(
      'step,time,value\r\n1,2023-11-14T22:13:20.250Z,0.5\r\n2,2023-11-14T22:13:21.000Z,0.25\r\n3,,0.125\r\n');
  });

  it('names the series in a first column when a chart has several, quoting what needs it', () => {
    const csv = metricsCsv([
      { label: 'run "a", loss', points: [{ step: 0, value: 1 }] },
      { label: 'b', points: [{ step: 0, value: 2 }] },
    ]);
    expect(csv.split('\r\n')).toEqual(['series,step,time,value', '"run ""a"", loss",0,,1', 'b,0,,2', '']);
  });
});

describe('progress: rate and ETA', () => {
  it('measures the rate from the first report and estimates what is left', () => {
    let p = advanceProgress(null, { done: 0, total: 100, label: 'epoch 1/2', time: 1000 });
    expect(p.rate).toBeNull();
    expect(p.eta).toBeNull();
    p = advanceProgress(p, { done: 20, total: 100, label: 'epoch 1/2', time: 1004 });
    expect(p.rate).toBeCloseTo(5, 12);
    expect(p.eta).toBeCloseTo(16, 12);
    p = advanceProgress(p, { done: 60, total: 100, label: 'epoch 2/2', time: 1010 }); // a new label, the same bar
    expect(p.rate).toBeCloseTo(6, 12);
    expect(p.eta).toBeCloseTo(40 / 6, 12);
    expect(formatPercent(p)).toBe('60 %');
  });

  it('starts measuring again when a bar starts over or its total changes; an unknown total has no ETA', () => {
    let p = advanceProgress(null, { done: 50, total: 50, label: 'a', time: 10 });
    p = advanceProgress(p, { done: 0, total: 50, label: 'a', time: 20 });
    expect(p.since).toEqual({ done: 0, time: 20 });
    p = advanceProgress(p, { done: 3, total: null, label: 'b', time: 21 });
    expect(p.total).toBeNull();
    expect(p.eta).toBeNull();
    p = advanceProgress(p, { done: 9, total: 0, label: 'b', time: 23 });
    expect(p.rate).toBeCloseTo(3, 12);
    expect(p.eta).toBeNull();
  });

  it('formats rates per second (or seconds per item when slow) and ETAs as clock times', () => {
    expect(formatRate(12.345)).toBe('12.3 it/s');
    expect(formatRate(0.42)).toBe('0.42 it/s');
    expect(formatRate(0.05)).toBe('20 s/it');
    expect(formatRate(1234)).toBe('1.2k it/s');
    expect(formatRate(null)).toBe('');
    expect(formatEta(42)).toBe('ETA 0:42');
    expect(formatEta(185)).toBe('ETA 3:05');
    expect(formatEta(3723)).toBe('ETA 1:02:03');
    expect(formatEta(null)).toBe('');
  });
});

describe('colour bar and axis ticks', () => {
  it('always shows min and max, with round values between that keep clear of them', () => {
    const t = colorbarTicks(0.013, 0.397);
    expect(t[0]).toEqual({ value: 0.013, at: 0, text: '0.013' });
    expect(t[t.length - 1]).toEqual({ value: 0.397, at: 1, text: '0.397' });
    const inner = t.slice(1, -1).map((x) => x.value);
    expect(inner).toEqual([0.1, 0.2, 0.3]);
    for (const x of t.slice(1, -1)) expect(x.at).toBeCloseTo((x.value - 0.013) / 0.384, 12);
    expect(colorbarTicks(2, 2)).toEqual([{ value: 2, at: 0.5, text: '2' }]);
  });

  it('puts axis ticks on round values inside the range', () => {
    expect(niceTicks(-3.2, 7.9, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.0001, 0.0004, 3)).toEqual([0.0001, 0.0002, 0.0003, 0.0004]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('puts the x and y ticks on a floor edge and the z ticks on a vertical edge', () => {
    for (const [yaw, pitch] of [[-0.5, 0.5], [2, 0.3], [-2.5, 1.2]]) {
      const [a, b] = tickEdge(0, yaw, pitch);
      expect(a[2]).toBe(-1);
      expect(b[0] - a[0]).toBe(2);
      const [c, d] = tickEdge(2, yaw, pitch);
      expect(d[2] - c[2]).toBe(2);
    }
  });
});

describe('figures as files', () => {
  it('reads an SVG\'s size in CSS pixels from width/height (pt as matplotlib writes) or the viewBox', () => {
    expect(svgSize('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="345.6pt" viewBox="0 0 460.8 345.6">')).toEqual({ width: 614.4, height: 460.8 });
    expect(svgSize('<svg viewBox="0 0 200 100"/>')).toEqual({ width: 200, height: 100 });
    expect(svgSize('<svg width="300" viewBox="0 0 200 100"/>')).toEqual({ width: 300, height: 150 });
    expect(svgSize('<svg/>')).toEqual({ width: 640, height: 480 });
  });

  it('names files after the figure title', () => {
    expect(fileName('Loss / epoch', 'figure-1', 'svg')).toBe('Loss_epoch.svg');
    expect(fileName('  ', 'figure-2', 'png')).toBe('figure-2.png');
  });
});

describe('full screen', () => {
  it('fits the largest box of the figure\'s shape into the room', async () => {
    const { fit } = await import('./Figure');
    expect(fit({ width: 800, height: 300 }, { width: 1200, height: 700 })).toEqual({ width: 1200, height: 450 });
    expect(fit({ width: 400, height: 400 }, { width: 1200, height: 700 })).toEqual({ width: 700, height: 700 });
  });
});

describe('job panel', () => {
  it('grows when its top edge is dragged up, within the room there is', () => {
    expect(resizedHeight(300, -100, 900)).toBe(400);
    expect(resizedHeight(300, 250, 900)).toBe(160);
    expect(resizedHeight(300, -2000, 900)).toBe(840);
  });
});

describe('execution status', () => {
  it('is running as soon as a job of a pending or queued execution runs', async () => {
    const { withJobStatus } = await import('./ExecutionView');
    const base = { id: 'e1', status: 'pending', jobs: [{ id: 'a', operation: 'A', status: 'pending', message: null, started: null, finished: null }] };
    type E = Parameters<typeof withJobStatus>[0];
    expect(withJobStatus(base as unknown as E, { job: 'a', status: 'queued' }).status).toBe('pending');
    const running = withJobStatus(base as unknown as E, { job: 'a', status: 'running' });
    expect(running.status).toBe('running');
    expect(running.jobs?.[0].status).toBe('running');
    expect(withJobStatus({ ...base, status: 'queued' } as unknown as E, { job: 'a', status: 'running' }).status).toBe('running');
    // a finished execution stays as it ended (a late message changes nothing)
    expect(withJobStatus({ ...base, status: 'cancelled' } as unknown as E, { job: 'a', status: 'running' }).status).toBe('cancelled');
  });
});
