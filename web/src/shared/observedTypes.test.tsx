import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ObservedType, OperationInterface } from './api';
import { InterfaceDiagram } from '../features/operation/InterfaceDiagram';
import { outputLabel } from './observedTypes';

afterEach(cleanup);

const seen: ObservedType = { type: 'torch.nn.Module', execution: 'e123', job: 'train', at: '2026-12-06T07:00:00Z' };

describe('outputLabel', () => {
  it('shows an untyped output with the type its last run produced, marked as from the last run', () => {
    const l = outputLabel({ name: 'model' }, seen);
    expect(l).toEqual({
      text: 'model: torch.nn.Module',
      title: 'model: torch.nn.Module (from the last run), execution e123; untyped: connects to anything',
      observed: true,
    });
  });

  it('keeps a declared type and names a different observed one only in the tooltip', () => {
    const l = outputLabel({ name: 'model', type: 'Module', typeFrom: 'annotation' }, seen, 'annotation');
    expect(l.text).toBe('model: Module');
    expect(l.observed).toBe(false);
    expect(l.title).toBe('model: Module (type from the annotation); last run produced torch.nn.Module (from the last run), execution e123');
    expect(outputLabel({ name: 'model', type: 'torch.nn.Module' }, seen).title).toBe('model: torch.nn.Module');
  });

  it('says an untyped output that never ran connects to anything', () => {
    expect(outputLabel({ name: 'x', type: null }, undefined)).toEqual({
      text: 'x',
      title: 'x: any type (untyped: connects to anything)',
      observed: false,
    });
  });
});

describe('InterfaceDiagram with observed types', () => {
  it('marks only the untyped output whose type came from the last run', () => {
    const iface: OperationInterface = {
      class: 'Train',
      attributes: [],
      references: [],
      inputs: [],
      outputs: [{ name: 'model' }, { name: 'loss', type: 'float', typeFrom: 'annotation' }],
      errors: [],
      syntaxError: null,
    };
    render(<InterfaceDiagram name="Train" iface={iface} readOnly onEdit={vi.fn()} observed={{ model: seen, loss: { ...seen, type: 'float' } }} />);
    const [model, loss] = screen.getAllByTestId('iface-output');
    expect(model.textContent).toBe('model: torch.nn.Module');
    expect(model.getAttribute('data-observed')).toBe('true');
    expect(model.className).toContain('type-observed');
    expect(model.getAttribute('title')).toContain('(from the last run)');
    expect(loss.textContent).toBe('loss: float');
    expect(loss.getAttribute('data-observed')).toBeNull();
    expect(loss.getAttribute('title')).toBe('output loss: float (type from the annotation)');
  });
});
