import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conflict, Resolution } from '../../shared/api';
import { ConflictList, mergeChunks } from './ConflictList';

afterEach(cleanup);

const epochs: Conflict = {
  path: '/pipelines/F8kVFcUH/nodes/n1/attributes/epochs',
  label: 'Train and score ▸ Train ▸ epochs',
  operation: 'Train',
  field: 'epochs',
  base: 10,
  ours: 30,
  theirs: 12,
};
const code: Conflict = {
  path: '/operations/Train/code',
  label: 'Train ▸ code',
  operation: 'Train',
  field: 'code',
  chunks: [{ same: ['class Train:\n'] }, { base: ['    lr = 0.1\n'], ours: ['    lr = 0.01\n'], theirs: ['    lr = 0.5\n'] }, { same: ['    x = 1\n'] }],
};

describe('ConflictList', () => {
  it('joins agreed lines with the chosen side of each conflicting run', () => {
    expect(mergeChunks(code.chunks!, { 1: 'theirs' })).toBe('class Train:\n    lr = 0.5\n    x = 1\n');
    expect(mergeChunks(code.chunks!, { 1: 'both' })).toBe('class Train:\n    lr = 0.01\n    lr = 0.5\n    x = 1\n');
  });

  it('names the operation and attribute, shows both values and resolves field by field and line by line', async () => {
    const sent: Resolution[][] = [];
    render(<ConflictList conflicts={[epochs, code]} sides={{ ours: 'main', theirs: 'tuning' }} testId="merge-conflicts" onResolve={async (r) => void sent.push(r)} />);
    expect(screen.getAllByTestId('conflict-label').map((l) => l.textContent)).toEqual(['Train and score ▸ Train ▸ epochs', 'Train ▸ code']);
    expect(screen.getAllByTestId('conflict-what')[0].textContent).toBe('operation Train, attribute epochs');
    expect(screen.getByTestId('conflict-ours-value').textContent).toBe('30');
    expect(screen.getByTestId('conflict-theirs-value').textContent).toBe('12');
    expect(screen.getAllByTestId('conflict-row')[0].textContent).not.toContain('F8kVFcUH');
    const complete = screen.getByTestId('merge-resolve') as HTMLButtonElement;
    expect(complete.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('conflict-take-theirs'));
    expect(complete.disabled).toBe(true); // the code still waits for a choice
    fireEvent.click(screen.getByTestId('run-take-ours'));
    expect(complete.disabled).toBe(false);
    await act(async () => fireEvent.click(complete));
    expect(sent).toEqual([
      [
        { path: epochs.path, take: 'theirs' },
        { path: code.path, value: 'class Train:\n    lr = 0.01\n    x = 1\n' },
      ],
    ]);
  });

  it('only lists conflicts when they cannot be resolved here', () => {
    render(<ConflictList conflicts={[epochs]} testId="revert-conflicts" />);
    expect(screen.queryByTestId('merge-resolve')).toBeNull();
    expect((screen.getByTestId('conflict-take-ours') as HTMLInputElement).disabled).toBe(true);
  });
});
