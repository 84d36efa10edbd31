import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../shared/testing';
import { LibrariesPlace } from './LibrariesPlace';
import { ConfirmDialog } from '../../shared/components/ConfirmDialog';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const kinds = { pytorch: [{ id: 'pytorch', name: 'Neural network (PyTorch)', description: '', template: {} }], sklearn: [{ id: 'sklearn-pipeline', name: 'Estimator pipeline (scikit-learn)', description: '', template: {} }] };
const server = [
  { id: 'pytorch', name: 'PyTorch', version: '1.1.0', versions: ['1.0.0', '1.1.0'], description: '', kinds: kinds.pytorch, operations: ['Train'], examples: [], requirements: [] },
  { id: 'sklearn', name: 'scikit-learn', version: '1.0.0', versions: ['1.0.0'], description: 'Estimator pipelines', kinds: kinds.sklearn, operations: ['FitEstimator'], examples: [], requirements: [] },
];
const mine = [
  { id: 'pytorch', name: 'PyTorch', version: '1.0.0', installed: true, latest: '1.1.0', upgrade: '1.1.0', kinds: ['pytorch'], usedBy: [{ kind: 'architecture', id: 'a', name: 'convnet', architectureKind: 'pytorch' }] },
];

describe('the Libraries place', () => {
  it('lists the project libraries with an upgrade, and adds another of the server', async () => {
    const { calls } = mockFetch((c) => {
      if (c.url === '/api/v1/libraries') return { body: server };
      if (c.method === 'GET' && c.url === '/api/v1/projects/p/libraries?branch=main') return { body: mine };
      if (c.method === 'POST') return { status: 201, body: { commit: 'abc' } };
    });
    render(<LibrariesPlace project="p" branch="main" head="h1" readOnly={false} />);
    const row = await screen.findByTestId('project-library');
    await waitFor(() => expect(row.textContent).toContain('Neural network (PyTorch)'));
    expect(row.textContent).toContain('Neural network (PyTorch)');
    expect(row.textContent).toContain('Used by architecture "convnet"');
    fireEvent.click(await screen.findByText('Upgrade to 1.1.0'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/projects/p/libraries/pytorch/upgrade?branch=main')).toBe(true));
    expect(calls.find((c) => c.url.endsWith('/upgrade?branch=main'))?.body).toEqual({ version: '1.1.0' });
    const add = await screen.findByTestId('library-add');
    await waitFor(() => expect((add as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(add);
    await waitFor(() => expect(calls.find((c) => c.method === 'POST' && c.url === '/api/v1/projects/p/libraries?branch=main')?.body).toEqual({ id: 'sklearn' }));
  });

  it('shows why a removal was refused, naming what still uses the library', async () => {
    mockFetch((c) => {
      if (c.url === '/api/v1/libraries') return { body: server };
      if (c.method === 'GET') return { body: mine };
      if (c.method === 'DELETE')
        return { status: 409, body: { error: 'PyTorch is still used: architecture convnet', detail: { usedBy: ['architecture convnet'] } } };
    });
    render(
      <>
        <LibrariesPlace project="p" branch="main" head="h1" readOnly={false} />
        <ConfirmDialog />
      </>,
    );
    fireEvent.click(await screen.findByTestId('library-remove'));
    await act(async () => fireEvent.click(await screen.findByTestId('confirm-ok')));
    const refusal = await screen.findByTestId('library-remove-error');
    expect(refusal.textContent).toContain('PyTorch is still used: architecture convnet');
  });
});
