import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CellOutput } from '../../shared/api';
import { CellView } from './CellView';
import { DESCRIBE_MIME, SAVED_MIME } from './outputs';
import { OutputView } from './OutputView';
import { METRIC_MIME, TRAINING_MIME } from './training';

afterEach(cleanup);

const show = (output: CellOutput) => render(<OutputView output={output} />).container;

describe('a cell output as drawn', () => {
  it('stdout and stderr as preformatted text, each with its own style', () => {
    show({ kind: 'stream', name: 'stdout', text: '42\n' });
    show({ kind: 'stream', name: 'stderr', text: 'warning\n' });
    expect(screen.getByTestId('cell-stdout').textContent).toBe('42\n');
    expect(screen.getByTestId('cell-stderr').className).toContain('cell-stderr');
  });

  it('a result with its execution count', () => {
    show({ kind: 'result', executionCount: 7, data: { 'text/plain': '42' } });
    expect(screen.getByTestId('cell-result').textContent).toBe('Out[7]:42');
  });

  it('HTML rebuilt from safe tags: the text is there, no script, no attribute', () => {
    const c = show({ kind: 'display', data: { 'text/html': '<table><tr><td onmouseover="x()">1</td></tr></table><script>window.bad = 1</script><b>bold</b>' } });
    expect(c.querySelector('td')?.textContent).toBe('1');
    expect(c.querySelector('td')?.attributes).toHaveLength(0);
    expect(c.querySelector('script')).toBeNull();
    expect(c.querySelector('b')?.textContent).toBe('bold');
  });

  it('a figure as an image', () => {
    show({ kind: 'display', data: { 'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>' } });
    expect(screen.getByTestId('cell-image').getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('an error with its traceback', () => {
    show({ kind: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['Cell In[3], line 1', '----> 1 1/0'] });
    const e = screen.getByTestId('cell-error');
    expect(e.textContent).toContain('ZeroDivisionError: division by zero');
    expect(e.querySelector('pre')?.textContent).toBe('Cell In[3], line 1\n----> 1 1/0');
  });

  it('a description with its shape, dtype, summary, preview and image plot', () => {
    show({ kind: 'display', data: { [DESCRIBE_MIME]: {
      expression: 'x[0, :, :, 2]', type: 'numpy.ndarray', shape: [28, 28], dtype: 'float32',
      summary: { min: 0, max: 1, mean: 0.25, std: 0.1, nan: 0 }, preview: 'array([[0., …]])',
      plot: { kind: 'image', width: 28, height: 28, png: 'iVBORw0KGgo=', min: 0, max: 1 } } } });
    expect(screen.getByTestId('describe-shape').textContent).toBe('28 × 28');
    expect(screen.getByTestId('describe-dtype').textContent).toBe('float32');
    expect(screen.getByTestId('describe-summary').textContent).toContain('0.25');
    expect(screen.getByTestId('explore-image').getAttribute('data-width')).toBe('28');
    expect(screen.getByTestId('explore-image-max').textContent).toBe('1');
    expect(screen.getByTestId('describe-preview').textContent).toBe('array([[0., …]])');
  });

  it('line and scatter plots of a description', () => {
    show({ kind: 'display', data: { [DESCRIBE_MIME]: { expression: 'y', type: 'list', preview: '', plot: { kind: 'line', y: [3, 2, 1] } } } });
    expect(screen.getByTestId('explore-line').getAttribute('data-points')).toBe('3');
    cleanup();
    show({ kind: 'display', data: { [DESCRIBE_MIME]: { expression: 'e', type: 'ndarray', preview: '',
      plot: { kind: 'scatter', dims: 2, points: [[0, 0], [1, 1]], color: [0, 1] } } } });
    expect(screen.getByTestId('explore-scatter').getAttribute('data-points')).toBe('2');
  });

  it('training, metric and saved notes', () => {
    show({ kind: 'display', data: { [TRAINING_MIME]: { training: 't1', state: 'failed', epochs: 0, error: 'no data' } } });
    expect(screen.getByTestId('cell-training').textContent).toBe('Training t1: failed after 0 epochs — no data');
    show({ kind: 'display', data: { [METRIC_MIME]: { training: 't1', epoch: 1, step: 20, name: 'loss', value: 0.123456789 } } });
    expect(screen.getByTestId('cell-metric').textContent).toBe('loss 0.12346 (epoch 1, step 20)');
    show({ kind: 'display', data: { [SAVED_MIME]: { output: 'model', type: 'torch.nn.Module', sha256: 'ab', size: 2048, training: 't1' } } });
    expect(screen.getByTestId('cell-saved').textContent).toContain('Saved t1 as model');
  });
});

describe('a cell', () => {
  it('shows its count and only the latest point of each metric', () => {
    const metric = (step: number, value: number): CellOutput => ({ kind: 'display', data: { [METRIC_MIME]: { training: 't', epoch: 0, step, name: 'loss', value } } });
    render(<CellView cell={{ id: 'c', index: 1, code: 'df.train(…)', origin: 'train', state: 'ok', executionCount: 5, created: '', finished: null,
      outputs: [metric(1, 3), { kind: 'stream', name: 'stdout', text: 'epoch 1\n' }, metric(2, 2)] }} />);
    expect(screen.getByTestId('cell-count').textContent).toBe('In [5]:');
    expect(screen.getAllByTestId('cell-metric').map((e) => e.textContent)).toEqual(['loss 2 (epoch 0, step 2)']);
    expect(screen.getByTestId('cell-state').textContent).toBe('ok');
  });
});
