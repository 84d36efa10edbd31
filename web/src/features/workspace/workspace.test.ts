import { describe, expect, it } from 'vitest';
import type { Cell, CatalogEntry, CellOutput } from '../../shared/api';
import { applyCellMessage, upsertCell } from './cells';
import { indentAt } from './CodeInput';
import { defaultTexts, parseTexts } from './catalogForm';
import { DESCRIBE_MIME, SAVED_MIME, sanitizeHtml, showOutput } from './outputs';
import { lineSeries, pointColours, scatterAxes } from './plots';
import { applyTrainingMessage, fromTrainings, METRIC_MIME, TRAINING_MIME } from './training';

const cell = (id: string, index: number, extra: Partial<Cell> = {}): Cell => ({
  id, index, code: 'print(1)', origin: 'console', state: 'queued', executionCount: null, outputs: [], created: '2026-01-01T00:00:00Z', finished: null, ...extra,
});
const metric = (training: string, name: string, step: number, value: number): CellOutput =>
  ({ kind: 'display', data: { [METRIC_MIME]: { training, epoch: 0, step, name, value } } });

describe('cells', () => {
  it('puts cells in index order and replaces a known one', () => {
    let cells = upsertCell([], cell('b', 2));
    cells = upsertCell(cells, cell('a', 1));
    cells = upsertCell(cells, cell('c', 3));
    expect(cells.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    cells = upsertCell(cells, cell('b', 2, { state: 'ok', executionCount: 4 }));
    expect(cells[1]).toMatchObject({ id: 'b', state: 'ok', executionCount: 4 });
  });

  it('appends streamed outputs and keeps them when the cell message carries fewer', () => {
    const out: CellOutput = { kind: 'stream', name: 'stdout', text: '42\n' };
    let cells = applyCellMessage([cell('a', 1)], { type: 'sessionOutput', session: 's', cell: 'a', output: out });
    expect(cells[0].outputs).toEqual([out]);
    cells = applyCellMessage(cells, { type: 'sessionCell', session: 's', cell: cell('a', 1, { state: 'running' }) });
    expect(cells[0]).toMatchObject({ state: 'running', outputs: [out] });
    cells = applyCellMessage(cells, { type: 'sessionCell', session: 's', cell: cell('a', 1, { state: 'ok', outputs: [out, out] }) });
    expect(cells[0].outputs).toHaveLength(2);
    // the POST's answer (queued, no outputs) arriving after the socket said the cell finished changes nothing
    expect(upsertCell(cells, cell('a', 1))[0]).toMatchObject({ state: 'ok', outputs: [out, out] });
    // an output of an unknown cell waits for the cell itself
    expect(applyCellMessage(cells, { type: 'sessionOutput', session: 's', cell: 'zz', output: out })).toBe(cells);
  });
});

describe('the metric series of trainings', () => {
  it('grows one series per metric name from WebSocket outputs, idempotently', () => {
    let t = fromTrainings([{ id: 't1', config: { architecture: 'a1' } as never, state: 'running', epochs: 1, cell: 'c', metrics: { loss: [{ step: 0, epoch: 0, value: 2 }] } }]);
    t = applyTrainingMessage(t, { type: 'sessionOutput', session: 's', cell: 'c', output: metric('t1', 'loss', 1, 1.5) });
    t = applyTrainingMessage(t, { type: 'sessionOutput', session: 's', cell: 'c', output: metric('t1', 'val_loss', 1, 1.7) });
    expect(t.t1.series.loss.map((p) => [p.step, p.value])).toEqual([[0, 2], [1, 1.5]]);
    expect(t.t1.series.val_loss).toHaveLength(1);
    expect(t.t1.architecture).toBe('a1');
    // the finished cell carries the same points again: nothing doubles
    const done = cell('c', 1, { state: 'ok', origin: 'train', outputs: [metric('t1', 'loss', 1, 1.5),
      { kind: 'display', data: { [TRAINING_MIME]: { training: 't1', state: 'finished', epochs: 1 } } }] });
    t = applyTrainingMessage(t, { type: 'sessionCell', session: 's', cell: done });
    expect(t.t1.series.loss).toHaveLength(2);
    expect(t.t1.state).toBe('finished');
  });

  it('starts a training it has not heard of and records why one failed', () => {
    let t = applyTrainingMessage({}, { type: 'sessionOutput', session: 's', cell: 'c', output: metric('t2', 'loss', 0, 3) });
    expect(t.t2.state).toBe('running');
    t = applyTrainingMessage(t, { type: 'sessionOutput', session: 's', cell: 'c',
      output: { kind: 'display', data: { [TRAINING_MIME]: { training: 't2', state: 'failed', epochs: 0, error: 'shapes differ' } } } });
    expect(t.t2).toMatchObject({ state: 'failed', error: 'shapes differ' });
    expect(applyTrainingMessage(t, { type: 'sessionOutput', session: 's', cell: 'c', output: { kind: 'stream', name: 'stdout', text: 'x' } })).toBe(t);
  });
});

describe('the catalog argument form', () => {
  const adam: CatalogEntry = {
    name: 'Adam', doc: '', arguments: [
      { name: 'params', type: 'any' },
      { name: 'lr', type: 'float', default: 0.001 },
      { name: 'betas', type: 'tuple', default: [0.9, 0.999] },
      { name: 'amsgrad', type: 'bool', default: false },
      { name: 'weight_decay', type: 'float', default: 0 },
    ],
  };
  const entry: CatalogEntry = { ...adam, arguments: adam.arguments.slice(1) };

  it('shows each default as text', () => {
    expect(defaultTexts(entry)).toEqual({ lr: '0.001', betas: '0.9, 0.999', amsgrad: 'false', weight_decay: '0' });
  });

  it('sends only the arguments changed from their default, parsed by type', () => {
    expect(parseTexts(entry, defaultTexts(entry))).toEqual({ arguments: {} });
    expect(parseTexts(entry, { ...defaultTexts(entry), lr: '1e-2', betas: '(0.8, 0.9)', amsgrad: 'true' }))
      .toEqual({ arguments: { lr: 0.01, betas: [0.8, 0.9], amsgrad: true } });
  });

  it('says which field is wrong and what it wants', () => {
    expect(parseTexts(entry, { lr: 'fast' }).errors).toEqual({ lr: 'lr must be a number' });
    expect(parseTexts(adam, { lr: '0.1' }).errors).toEqual({ params: 'Adam needs params' });
    const sgd: CatalogEntry = { name: 'SGD', doc: '', arguments: [{ name: 'lr', type: 'float', default: null, required: true }] };
    expect(parseTexts(sgd, defaultTexts(sgd)).errors).toEqual({ lr: 'SGD needs lr' });
    expect(parseTexts(sgd, { lr: '0.1' })).toEqual({ arguments: { lr: 0.1 } });
  });
});

describe('cell outputs', () => {
  it('streams keep their name and text', () => {
    expect(showOutput({ kind: 'stream', name: 'stderr', text: 'oops\n' })).toEqual({ kind: 'stream', name: 'stderr', text: 'oops\n' });
  });

  it('a result shows its plain text with its execution count; JSON pretty-printed', () => {
    expect(showOutput({ kind: 'result', executionCount: 3, data: { 'text/plain': '42' } })).toEqual({ kind: 'text', text: '42', executionCount: 3 });
    expect(showOutput({ kind: 'display', data: { 'application/json': { a: 1 } } })).toMatchObject({ kind: 'text', text: '{\n  "a": 1\n}' });
  });

  it('prefers a figure to its text, and refuses an image that is not base64', () => {
    expect(showOutput({ kind: 'display', data: { 'image/png': 'iVBORw0K\nGgo=', 'text/plain': '<Figure>' } }))
      .toEqual({ kind: 'image', src: 'data:image/png;base64,iVBORw0KGgo=' });
    expect(showOutput({ kind: 'display', data: { 'image/png': '"><script>', 'text/plain': '<Figure>' } })).toMatchObject({ kind: 'text' });
  });

  it('errors carry their name, value and traceback', () => {
    expect(showOutput({ kind: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['line 1', 'line 2'] }))
      .toEqual({ kind: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['line 1', 'line 2'] });
  });

  it("DeepForge's own mimetypes come before Jupyter's", () => {
    const describe = { expression: 'x', type: 'numpy.ndarray', shape: [2, 3], dtype: 'float64', preview: '[[…]]' };
    expect(showOutput({ kind: 'display', data: { [DESCRIBE_MIME]: describe, 'text/plain': 'x' } })).toEqual({ kind: 'describe', describe });
    expect(showOutput(metric('t', 'loss', 3, 0.5))).toMatchObject({ kind: 'metric', metric: { name: 'loss', value: 0.5, step: 3 } });
    expect(showOutput({ kind: 'display', data: { [TRAINING_MIME]: { training: 't', state: 'stopped', epochs: 2 } } }))
      .toEqual({ kind: 'training', training: 't', state: 'stopped', epochs: 2 });
    expect(showOutput({ kind: 'display', data: { [SAVED_MIME]: { output: 'm', type: 'torch.nn.Module', sha256: 'ab', size: 9 } } }))
      .toMatchObject({ kind: 'saved', saved: { output: 'm' } });
    expect(showOutput({ kind: 'display', data: { 'application/x-unknown': 'x' } })).toBeNull();
  });

  it('HTML keeps its table and text but loses scripts, handlers, links and styles', () => {
    const nodes = sanitizeHtml('<table onclick="alert(1)"><tr><td style="color:red">1</td></tr></table><script>alert(2)</script>'
      + '<a href="javascript:alert(3)">link</a><img src=x onerror="alert(4)"><style>*{}</style>');
    expect(nodes).toEqual([{ tag: 'table', children: [{ tag: 'tbody', children: [{ tag: 'tr', children: [{ tag: 'td', children: ['1'] }] }] }] }, 'link']);
    expect(JSON.stringify(nodes)).not.toMatch(/alert|onclick|style|href/);
  });
});

describe('describe plots in the shapes of the existing views', () => {
  it('a line plot as one chart series, x or the position as the step, gaps left out', () => {
    expect(lineSeries({ kind: 'line', y: [3, 2, Number.NaN, 1] }, 'y')).toEqual([{ label: 'y', points: [{ step: 0, value: 3 }, { step: 1, value: 2 }, { step: 3, value: 1 }] }]);
    expect(lineSeries({ kind: 'line', y: [5, 6], x: [10, 20] }, 'y')[0].points.map((p) => p.step)).toEqual([10, 20]);
  });

  it('colour values by viridis from their min to max, with the bar that explains them', () => {
    const { colors, colorbar } = pointColours(3, [0, 5, 10]);
    expect(colors).toEqual(['#440154', '#21908d', '#fde725']);
    expect(colorbar).toMatchObject({ min: 0, max: 10 });
    expect(pointColours(2, undefined)).toEqual({ colors: ['#1f77b4', '#1f77b4'] });
  });

  it('2-D and 3-D scatters as the 3-D view axes (z = 0 for two dimensions)', () => {
    const flat = scatterAxes({ kind: 'scatter', dims: 2, points: [[0, 1], [2, 3]] }, 'e');
    expect(flat.series[0]).toMatchObject({ x: [0, 2], y: [1, 3], z: [0, 0] });
    const deep = scatterAxes({ kind: 'scatter', dims: 3, points: [[0, 1, 2], [3, 4, 5]], color: [1, 2] }, 'e');
    expect(deep.series[0].z).toEqual([2, 5]);
    expect(deep.series[0].colorbar).toMatchObject({ min: 1, max: 2 });
  });
});

describe('the console code box', () => {
  it('Tab types four spaces over the selection', () => {
    expect(indentAt('if x:\nprint(1)', 6, 6)).toEqual({ text: 'if x:\n    print(1)', cursor: 10 });
    expect(indentAt('abcdef', 1, 3)).toEqual({ text: 'a    def', cursor: 5 });
  });
});
