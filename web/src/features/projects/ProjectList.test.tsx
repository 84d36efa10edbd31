import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../shared/testing';
import { App } from '../../App';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

const demo = { id: 'demo', name: 'Demo', description: 'A demo', defaultBranch: 'main', created: '', role: 'owner' };

describe('project list', () => {
  it('lists projects with open and export links', async () => {
    mockFetch((c) => (c.url === '/api/v1/projects' ? { body: [demo] } : undefined));
    render(<App />);
    const row = await screen.findByTestId('project-row');
    expect(row.getAttribute('data-project-id')).toBe('demo');
    expect(row.textContent).toContain('A demo');
    expect(row.textContent).toContain('main');
    expect(screen.getByTestId('project-open').getAttribute('href')).toBe('/p/demo');
    expect(screen.getByTestId('project-export').getAttribute('href')).toBe('/api/v1/projects/demo/export');
  });

  it('creates a project and shows a toast', async () => {
    let projects: (typeof demo)[] = [];
    const { calls } = mockFetch((c) => {
      if (c.method === 'GET' && c.url === '/api/v1/projects') return { body: projects };
      if (c.method === 'POST' && c.url === '/api/v1/projects') {
        projects = [{ ...demo, name: 'New one', id: 'new-one' }];
        return { status: 201, body: projects[0] };
      }
    });
    render(<App />);
    await screen.findByTestId('projects-empty');
    fireEvent.change(screen.getByTestId('new-project-name'), { target: { value: 'New one' } });
    fireEvent.click(screen.getByTestId('new-project-create'));
    // the new project opens
    await waitFor(() => expect(window.location.pathname).toBe('/p/new-one/main/pipelines'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'New one' });
    expect(screen.getAllByTestId('toast')[0].textContent).toContain('Created project New one');
  });

  it('creates a project from an example', async () => {
    let projects: (typeof demo)[] = [];
    const { calls } = mockFetch((c) => {
      if (c.method === 'GET' && c.url === '/api/v1/projects') return { body: projects };
      if (c.method === 'GET' && c.url === '/api/v1/examples')
        return { body: [{ id: 'digits', name: 'Digits classifier', description: 'Fig. 3b' }] };
      if (c.method === 'POST' && c.url === '/api/v1/examples/digits') {
        projects = [{ ...demo, name: 'Digits classifier', id: 'd1' }];
        return { status: 201, body: projects[0] };
      }
    });
    render(<App />);
    const example = await screen.findByTestId('example');
    expect(example.textContent).toContain('Digits classifier');
    fireEvent.click(screen.getByTestId('example-create'));
    await waitFor(() => expect(window.location.pathname).toBe('/p/d1/main/pipelines'));
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/examples/digits')).toBe(true);
  });

  it('deletes only after the in-page confirmation', async () => {
    const { calls } = mockFetch((c) => {
      if (c.method === 'GET') return { body: [demo] };
      if (c.method === 'DELETE') return { status: 204 };
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId('project-delete'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('Demo');
    fireEvent.click(screen.getByTestId('confirm-cancel'));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(screen.getByTestId('project-delete'));
    await act(async () => fireEvent.click(screen.getByTestId('confirm-ok')));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/v1/projects/demo')).toBe(true));
  });

  it('shows the server error when listing fails', async () => {
    mockFetch(() => ({ status: 500, body: { error: 'Disk full', id: 'i1' } }));
    render(<App />);
    expect((await screen.findByTestId('projects-error')).textContent).toContain('Disk full (incident i1)');
  });
});
