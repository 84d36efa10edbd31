import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EntryMap } from '../../shared/api';
import { ConfirmDialog } from '../../shared/components/ConfirmDialog';
import { EntryPlace } from './EntryPlace';

afterEach(cleanup);

const pipelines: EntryMap = { p1: { name: 'Train', nodes: {}, connections: {} }, p2: { name: 'Eval', nodes: {}, connections: {} } };

describe('EntryPlace', () => {
  it('lists entries by name, sorted, and selects on click', () => {
    const onSelect = vi.fn();
    render(<EntryPlace kind="pipelines" entries={pipelines} readOnly={false} onSelect={onSelect} applyChange={vi.fn()} />);
    const rows = screen.getAllByTestId('entry-row');
    expect(rows.map((r) => r.getAttribute('data-entry-id'))).toEqual(['p2', 'p1']);
    fireEvent.click(screen.getAllByTestId('entry-open')[1]);
    expect(onSelect).toHaveBeenCalledWith('p1');
  });

  it('creates a pipeline with a random id through applyChange', async () => {
    const applyChange = vi.fn(async () => true);
    const onSelect = vi.fn();
    render(<EntryPlace kind="pipelines" entries={pipelines} readOnly={false} onSelect={onSelect} applyChange={applyChange} />);
    fireEvent.click(screen.getByTestId('new-entry'));
    fireEvent.change(screen.getByTestId('new-entry-name'), { target: { value: 'Fine-tune' } });
    await act(async () => fireEvent.click(screen.getByTestId('new-entry-create')));
    const [patch, message] = applyChange.mock.calls[0] as unknown as [{ op: string; path: string; value: unknown }[], string];
    expect(patch[0].op).toBe('add');
    expect(patch[0].path).toMatch(/^\/pipelines\/[A-Za-z0-9]{8}$/);
    expect(patch[0].value).toEqual({ name: 'Fine-tune', nodes: {}, connections: {} });
    expect(message).toBe('Add pipeline Fine-tune');
    expect(onSelect).toHaveBeenCalledWith(patch[0].path.split('/')[2]);
  });

  it('renames and deletes (after confirmation)', async () => {
    const applyChange = vi.fn(async () => true);
    render(
      <>
        <EntryPlace kind="architectures" entries={{ a1: { name: 'Net', layers: {} } }} readOnly={false} onSelect={vi.fn()} applyChange={applyChange} />
        <ConfirmDialog />
      </>,
    );
    fireEvent.click(screen.getByTestId('entry-rename'));
    fireEvent.change(screen.getByTestId('rename-input'), { target: { value: 'ResNet' } });
    await act(async () => fireEvent.click(screen.getByTestId('rename-save')));
    expect(applyChange).toHaveBeenLastCalledWith(
      [
        { op: 'test', path: '/architectures/a1/name', value: 'Net' },
        { op: 'replace', path: '/architectures/a1/name', value: 'ResNet' },
      ],
      'Rename architecture Net to ResNet',
    );
    fireEvent.click(screen.getByTestId('entry-delete'));
    await act(async () => fireEvent.click(screen.getByTestId('confirm-ok')));
    expect(applyChange).toHaveBeenLastCalledWith([{ op: 'remove', path: '/architectures/a1' }], 'Delete architecture Net');
  });

  it('requires a Python identifier for operations and keys them by name', async () => {
    const applyChange = vi.fn(async () => true);
    render(<EntryPlace kind="operations" entries={{ Existing: { code: '' } }} readOnly={false} onSelect={vi.fn()} applyChange={applyChange} />);
    fireEvent.click(screen.getByTestId('new-entry'));
    fireEvent.change(screen.getByTestId('new-entry-name'), { target: { value: 'my-op' } });
    expect(screen.getByTestId('new-entry-name-error')).toBeTruthy();
    expect((screen.getByTestId('new-entry-create') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('new-entry-name'), { target: { value: 'Existing' } });
    expect(screen.getByTestId('new-entry-name-error').textContent).toContain('exists');
    fireEvent.change(screen.getByTestId('new-entry-name'), { target: { value: 'Train' } });
    await act(async () => fireEvent.click(screen.getByTestId('new-entry-create')));
    expect(applyChange).toHaveBeenCalledWith(
      [
        {
          op: 'add',
          path: '/operations/Train',
          value: {
            code: 'class Train:\n    def __init__(self):\n        pass\n\n    def execute(self):\n        print("Train is running!")\n',
            requirements: [],
          },
        },
      ],
      'Add operation Train',
    );
    expect(screen.queryByTestId('entry-rename')).toBeNull();
  });

  it('deletes the selection with the Delete key', async () => {
    const applyChange = vi.fn(async () => true);
    render(
      <>
        <EntryPlace kind="pipelines" entries={pipelines} selected="p1" readOnly={false} onSelect={vi.fn()} applyChange={applyChange} />
        <ConfirmDialog />
      </>,
    );
    fireEvent.keyDown(screen.getAllByTestId('entry-open')[0], { key: 'Delete' });
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('Train');
    await act(async () => fireEvent.click(screen.getByTestId('confirm-ok')));
    expect(applyChange).toHaveBeenCalledWith([{ op: 'remove', path: '/pipelines/p1' }], 'Delete pipeline Train');
  });

  it('disables every edit control when read-only', () => {
    render(<EntryPlace kind="pipelines" entries={pipelines} readOnly onSelect={vi.fn()} applyChange={vi.fn()} />);
    const edits = [screen.getByTestId('new-entry'), ...screen.getAllByTestId('entry-rename'), ...screen.getAllByTestId('entry-delete')];
    for (const b of edits) expect((b as HTMLButtonElement).disabled).toBe(true);
  });
});
