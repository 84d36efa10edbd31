import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OperationInterface } from '../../shared/api';
import { InterfaceDiagram } from '../operation/InterfaceDiagram';
import { AttrField, ATTR_DEBOUNCE_MS } from './AttrField';
import { nodeWidth } from './layout';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const iface: OperationInterface = {
  class: 'Train',
  attributes: [{ name: 'epochs', type: 'int', default: 10, min: 1, max: 1000 }],
  references: [{ name: 'model', type: 'Architecture' }],
  inputs: [{ name: 'data', type: null }],
  outputs: [{ name: 'net' }],
  errors: [],
  syntaxError: null,
};

describe('InterfaceDiagram', () => {
  it('shows ports, attributes and references, and sends add/rename/remove/default edits', async () => {
    const onEdit = vi.fn(async () => true);
    render(<InterfaceDiagram name="Train" iface={iface} readOnly={false} onEdit={onEdit} />);
    expect(screen.getByTestId('iface-class').textContent).toBe('Train');
    expect(screen.getByTestId('iface-input').getAttribute('data-name')).toBe('data');
    expect(screen.getByTestId('iface-output').getAttribute('data-name')).toBe('net');
    expect(screen.getByTestId('iface-attribute').textContent).toContain('epochs: int = 10 [1…1000]');
    expect(screen.getByTestId('iface-reference').textContent).toContain('model: Architecture');

    fireEvent.click(screen.getByTestId('iface-add-input'));
    fireEvent.change(screen.getByTestId('iface-add-input-name'), { target: { value: 'labels' } });
    fireEvent.change(screen.getByTestId('iface-add-input-type'), { target: { value: 'numpy.ndarray' } });
    await act(async () => fireEvent.click(screen.getByTestId('iface-add-input-submit')));
    expect(onEdit).toHaveBeenLastCalledWith({ action: 'add_input', name: 'labels', type: 'numpy.ndarray' });
    expect(screen.queryByTestId('iface-add-input-name')).toBeNull();

    fireEvent.click(screen.getByTestId('iface-add-attribute'));
    fireEvent.change(screen.getByTestId('iface-add-attribute-name'), { target: { value: 'lr' } });
    fireEvent.change(screen.getByTestId('iface-add-attribute-default'), { target: { value: '0.01' } });
    await act(async () => fireEvent.click(screen.getByTestId('iface-add-attribute-submit')));
    expect(onEdit).toHaveBeenLastCalledWith({ action: 'add_attribute', name: 'lr', literal: '0.01' });

    const output = screen.getByTestId('iface-output');
    fireEvent.click(output.querySelector('[data-testid="iface-rename"]')!);
    fireEvent.change(screen.getByTestId('iface-rename-name'), { target: { value: 'model' } });
    await act(async () => fireEvent.click(screen.getByTestId('iface-rename-submit')));
    expect(onEdit).toHaveBeenLastCalledWith({ action: 'rename_output', name: 'net', to: 'model' });

    fireEvent.click(screen.getByTestId('iface-set-default'));
    fireEvent.change(screen.getByTestId('iface-default-value'), { target: { value: '3.0' } });
    await act(async () => fireEvent.click(screen.getByTestId('iface-default-submit')));
    expect(onEdit).toHaveBeenLastCalledWith({ action: 'set_default', name: 'epochs', literal: '3.0' });

    await act(async () => fireEvent.click(screen.getByTestId('iface-reference').querySelector('[data-testid="iface-remove"]')!));
    expect(onEdit).toHaveBeenLastCalledWith({ action: 'remove_reference', name: 'model' });
  });

  it('offers no edits when read-only', () => {
    render(<InterfaceDiagram name="Train" iface={iface} readOnly onEdit={vi.fn()} />);
    expect(screen.queryByTestId('iface-add-input')).toBeNull();
    expect(screen.queryByTestId('iface-remove')).toBeNull();
  });
});

describe('pipeline node width', () => {
  it('leaves room for every port label side by side', () => {
    const ports = (...names: string[]) => names.map((name) => ({ name, type: null }));
    expect(nodeWidth([], [])).toBe(160);
    // "training_data" and "testing_data" used to run into each other as "training_datatesting_data"
    const w = nodeWidth(ports('training_data', 'testing_data'), ports('model'));
    expect(w / 3).toBeGreaterThan('training_data'.length * 6);
    expect(nodeWidth(ports(...Array.from({ length: 30 }, (_, i) => `a_very_long_input_name_${i}`)), [])).toBe(480);
  });
});

describe('AttrField', () => {
  it('sends a valid number after a pause, refuses out-of-range values, and clears to the default', () => {
    vi.useFakeTimers();
    const onCommit = vi.fn();
    render(<AttrField attr={iface.attributes[0]} value={undefined} readOnly={false} onCommit={onCommit} />);
    const field = screen.getByTestId('attr-field') as HTMLInputElement;
    expect(field.getAttribute('data-attr')).toBe('epochs');
    expect(field.placeholder).toBe('10');
    expect(field.type).toBe('number');

    fireEvent.change(field, { target: { value: '5000' } });
    expect(screen.getByTestId('attr-error').textContent).toBe('epochs must be at most 1000');
    act(() => vi.advanceTimersByTime(ATTR_DEBOUNCE_MS * 2));
    expect(onCommit).not.toHaveBeenCalled();

    fireEvent.change(field, { target: { value: '50' } });
    expect(screen.queryByTestId('attr-error')).toBeNull();
    act(() => vi.advanceTimersByTime(ATTR_DEBOUNCE_MS - 1));
    expect(onCommit).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(onCommit).toHaveBeenLastCalledWith(50);

    fireEvent.change(field, { target: { value: '' } });
    fireEvent.blur(field);
    expect(onCommit).toHaveBeenLastCalledWith(undefined);
  });

  it('sends checkbox and choice changes at once', () => {
    const onCommit = vi.fn();
    const { rerender } = render(<AttrField attr={{ name: 'shuffle', type: 'bool', default: false }} value={undefined} readOnly={false} onCommit={onCommit} />);
    fireEvent.click(screen.getByTestId('attr-field'));
    expect(onCommit).toHaveBeenLastCalledWith(true);
    rerender(<AttrField attr={{ name: 'opt', type: 'choice', choices: ['adam', 'sgd'], default: 'adam' }} value="adam" readOnly={false} onCommit={onCommit} />);
    fireEvent.change(screen.getByTestId('attr-field'), { target: { value: 'sgd' } });
    expect(onCommit).toHaveBeenLastCalledWith('sgd');
  });
});
