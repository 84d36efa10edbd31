import { describe, expect, it } from 'vitest';
import { buildPath, parseRoute, type Route } from './router';

describe('parseRoute', () => {
  it('parses the project list and the project shortcut', () => {
    expect(parseRoute('/')).toEqual({ page: 'projects' });
    expect(parseRoute('')).toEqual({ page: 'projects' });
    expect(parseRoute('/p/demo')).toEqual({ page: 'project', project: 'demo' });
  });

  it('parses the API reference page, and builds its path back', () => {
    expect(parseRoute('/api-reference')).toEqual({ page: 'api' });
    expect(buildPath({ page: 'api' })).toBe('/api-reference');
  });

  it('parses branch workbench routes, defaulting the place to pipelines', () => {
    expect(parseRoute('/p/demo/main')).toEqual({ page: 'workbench', project: 'demo', branch: 'main', place: 'pipelines' });
    expect(parseRoute('/p/demo/main/history/')).toEqual({ page: 'workbench', project: 'demo', branch: 'main', place: 'history' });
    expect(parseRoute('/p/demo/main/pipelines/abc123')).toEqual({
      page: 'workbench',
      project: 'demo',
      branch: 'main',
      place: 'pipelines',
      id: 'abc123',
    });
  });

  it('decodes encoded segments, so branches may contain / and start with @', () => {
    expect(parseRoute('/p/my%20proj/feature%2Fx/operations')).toMatchObject({ project: 'my proj', branch: 'feature/x' });
    expect(parseRoute('/p/demo/%40odd/operations')).toMatchObject({ branch: '@odd' });
  });

  it('parses read-only commit routes with an optional return branch', () => {
    expect(parseRoute('/p/demo/@abc1234/architectures', '?branch=dev')).toEqual({
      page: 'workbench',
      project: 'demo',
      commit: 'abc1234',
      returnBranch: 'dev',
      place: 'architectures',
    });
  });

  it('rejects unknown places, bad commits and other paths', () => {
    expect(parseRoute('/p/demo/main/nowhere').page).toBe('notfound');
    expect(parseRoute('/p/demo/@xyz/pipelines').page).toBe('notfound');
    expect(parseRoute('/p/demo/main/pipelines/a/b').page).toBe('notfound');
    expect(parseRoute('/other').page).toBe('notfound');
    expect(parseRoute('/p/%E0%A4%A/main').page).toBe('notfound');
  });

  it('round-trips through buildPath', () => {
    const routes: Route[] = [
      { page: 'projects' },
      { page: 'project', project: 'p 1' },
      { page: 'workbench', project: 'p1', branch: 'feat/x', place: 'history' },
      { page: 'workbench', project: 'p1', branch: '@weird', place: 'pipelines', id: 'id_1' },
      { page: 'workbench', project: 'p1', commit: 'deadbeef', place: 'operations', returnBranch: 'main' },
    ];
    for (const r of routes) {
      const path = buildPath(r);
      const q = path.indexOf('?');
      const parsed = q < 0 ? parseRoute(path) : parseRoute(path.slice(0, q), path.slice(q));
      expect(parsed).toEqual(r);
    }
    expect(buildPath(routes[3])).toBe('/p/p1/%40weird/pipelines/id_1');
  });
});
