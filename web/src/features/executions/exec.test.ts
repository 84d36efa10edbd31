import { describe, expect, it } from 'vitest';
import { applySgr, highlightSegments, parseAnsi, stripAnsi } from './ansi';
import { addPoint, alignSeries, chartsByMetric, compareSeries, fromMetrics, mergeRange, pointsFor } from './metrics';
import { durationBetween, formatDuration, formatSize, isActive, STATUSES, statusStyle } from './status';

const ESC = '\u001b';

describe('ANSI parser', () => {
  it('splits colours, bold and reset into segments', () => {
    const { segments, state } = parseAnsi(`plain ${ESC}[31mred ${ESC}[1mbold red${ESC}[0m back`);
    expect(segments).toEqual([
      { text: 'plain ' },
      { text: 'red ', fg: 'red' },
      { text: 'bold red', fg: 'red', bold: true },
      { text: ' back' },
    ]);
    expect(state).toEqual({});
  });

  it('knows bright colours, backgrounds and the empty reset', () => {
    expect(applySgr({}, '92')).toEqual({ fg: 'bright-green' });
    expect(applySgr({}, '1;97;44')).toEqual({ bold: true, fg: 'bright-white', bg: 'blue' });
    expect(applySgr({ fg: 'red', bold: true }, '')).toEqual({});
    expect(applySgr({ fg: 'red', bold: true }, '39;22')).toEqual({});
    expect(applySgr({}, '38;5;208;1')).toEqual({ bold: true });
  });

  it('carries the style over to the next line and drops other escapes', () => {
    const first = parseAnsi(`${ESC}[33mwarning`);
    const second = parseAnsi('continued', first.state);
    expect(second.segments).toEqual([{ text: 'continued', fg: 'yellow' }]);
    expect(parseAnsi(`a${ESC}[2Kb${ESC}[1Ac`).segments.map((s) => s.text).join('')).toBe('abc');
    expect(stripAnsi(`${ESC}[1;31mError${ESC}[0m: x`)).toBe('Error: x');
  });

  it('highlights matches that span colour changes', () => {
    const { segments } = parseAnsi(`${ESC}[32mstep${ESC}[0m 7 and Step 7`);
    const pieces = highlightSegments(segments, 'step 7');
    expect(pieces).toEqual([
      [{ text: 'step', match: true }],
      [{ text: ' 7', match: true }, { text: ' and ', match: false }, { text: 'Step 7', match: true }],
    ]);
    expect(highlightSegments(segments, '')).toEqual([[{ text: 'step', match: false }], [{ text: ' 7 and Step 7', match: false }]]);
  });
});

describe('status', () => {
  it('maps each status to the paper colour', () => {
    expect(statusStyle('pending').fill).toBe('var(--st-pending)');
    expect(statusStyle('queued').fill).toBe('var(--st-queued)');
    expect(statusStyle('running').fill).toBe('var(--st-running)');
    expect(statusStyle('success').fill).toBe('var(--st-success)');
    expect(statusStyle('failed').fill).toBe('var(--st-failed)');
    expect(statusStyle('cancelled').fill).toBe('var(--st-cancelled)');
    expect(statusStyle('cached')).toMatchObject({ fill: 'transparent', border: 'var(--st-success)' });
    expect(statusStyle('skipped').muted).toBe(true);
    expect(statusStyle('nonsense')).toEqual(statusStyle('pending'));
    expect(STATUSES).toHaveLength(8);
  });

  it('knows which statuses are still going', () => {
    expect(['pending', 'queued', 'running'].every(isActive)).toBe(true);
    expect(['success', 'failed', 'cancelled', 'skipped', 'cached'].some(isActive)).toBe(false);
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(7_620_000)).toBe('2 h 07 min');
    expect(formatDuration(-1)).toBe('');
    expect(durationBetween('2026-01-01T00:00:00Z', '2026-01-01T00:00:42Z')).toBe('42 s');
    expect(durationBetween('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:01:00Z'))).toBe('1 min 00 s');
    expect(durationBetween(null, null)).toBe('');
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(2048)).toBe('2.0 KB');
    expect(formatSize(50 * 1024 * 1024)).toBe('50 MB');
  });
});

describe('metric series', () => {
  it('reads the metrics answer and merges live points by step', () => {
    const s = fromMetrics({ loss: [[0, 1, 't'], [1, 0.5, 't'], [null, 0.4, 't']] });
    expect(s.loss).toEqual([{ step: 0, value: 1 }, { step: 1, value: 0.5 }, { step: 2, value: 0.4 }]);
    addPoint(s, 'loss', 1, 0.6); // a repeated step replaces
    addPoint(s, 'loss', 5, 0.1);
    addPoint(s, 'loss', 3, 0.3); // out of order goes in its place
    addPoint(s, 'acc', null, 0.9);
    expect(s.loss.map((p) => p.step)).toEqual([0, 1, 2, 3, 5]);
    expect(s.loss[1].value).toBe(0.6);
    expect(s.acc).toEqual([{ step: 0, value: 0.9 }]);
  });

  it('reads times as numbers (seconds since the epoch)', () => {
    expect(fromMetrics({ loss: [[7, 1, 1796587715.5]] }).loss).toEqual([{ step: 7, value: 1, time: 1796587715.5 }]);
  });

  it('asks for two points per pixel, within what the server allows', () => {
    expect(pointsFor(800)).toBe(1600);
    expect(pointsFor(0)).toBe(960);
    expect(pointsFor(10)).toBe(200);
    expect(pointsFor(1e6)).toBe(100_000);
  });

  it('replaces a zoomed range with its finer points and keeps the rest', () => {
    const coarse = [0, 10, 20, 30, 40].map((step) => ({ step, value: step }));
    const fine = [12, 14, 16, 18, 20, 22].map((step) => ({ step, value: -step }));
    expect(mergeRange(coarse, fine, 11, 21).map((p) => p.step)).toEqual([0, 10, 12, 14, 16, 18, 20, 30, 40]);
    expect(mergeRange(coarse, fine, 11, 21)[5].value).toBe(-18);
  });

  it('aligns series on the union of steps with nulls for gaps', () => {
    const a = alignSeries([
      { label: 'a', points: [{ step: 0, value: 1 }, { step: 2, value: 3 }] },
      { label: 'b', points: [{ step: 1, value: 5 }, { step: 2, value: 6 }] },
    ]);
    expect(a.labels).toEqual(['a', 'b']);
    expect(a.data).toEqual([[0, 1, 2], [1, null, 3], [null, 5, 6]]);
  });

  it('makes one series per execution per metric, one chart per metric', () => {
    const series = compareSeries([
      { label: 'run 1', jobs: { train: { loss: [{ step: 0, value: 1 }], acc: [{ step: 0, value: 0.1 }] } } },
      { label: 'run 2', jobs: { train: { loss: [{ step: 1, value: 0.5 }] }, eval: { loss: [{ step: 1, value: 0.7 }] } } },
    ]);
    expect(series.map((s) => s.label)).toEqual(['run 1 · acc', 'run 1 · loss', 'run 2 · train.loss', 'run 2 · eval.loss']);
    const charts = chartsByMetric(series);
    expect(charts.map((c) => c.metric)).toEqual(['acc', 'loss']);
    expect(charts[1].aligned.labels).toHaveLength(3);
    expect(charts[1].aligned.data[0]).toEqual([0, 1]);
  });
});
