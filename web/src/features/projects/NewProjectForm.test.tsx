import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../shared/testing';
import { NewProjectForm } from './NewProjectForm';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const lib = (id: string, name: string) => ({ id, name, version: '1.0.0', versions: ['1.0.0'], description: '', kinds: [], operations: [], examples: [], requirements: [] });
const made = { id: 'x', name: 'X', description: '', defaultBranch: 'main', created: '', role: 'owner' };

describe('the new project form', () => {
  it('makes a PyTorch project unless other libraries are chosen', async () => {
    const { calls } = mockFetch((c) => (c.url === '/api/v1/libraries' ? { body: [lib('pytorch', 'PyTorch'), lib('sklearn', 'scikit-learn')] } : { status: 201, body: made }));
    const onCreated = vi.fn();
    render(<NewProjectForm onCreated={onCreated} />);
    fireEvent.change(screen.getByTestId('new-project-name'), { target: { value: 'X' } });
    const boxes = await screen.findAllByTestId('new-project-library');
    expect(boxes.map((b) => [b.getAttribute('data-library-id'), (b as HTMLInputElement).checked])).toEqual([
      ['pytorch', true],
      ['sklearn', false],
    ]);
    fireEvent.click(screen.getByTestId('new-project-create'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'X' });

    fireEvent.change(screen.getByTestId('new-project-name'), { target: { value: 'Y' } });
    fireEvent.click(boxes[1]);
    fireEvent.click(boxes[0]);
    fireEvent.click(screen.getByTestId('new-project-create'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(2));
    expect(calls.filter((c) => c.method === 'POST')[1].body).toEqual({ name: 'Y', libraries: ['sklearn'] });
    // none chosen: nothing to create
    fireEvent.click(boxes[1]);
    expect((screen.getByTestId('new-project-create') as HTMLButtonElement).disabled).toBe(true);
  });
});
