import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type Project } from '../../shared/api';
import { toast } from '../../shared/notify';
import { ExamplesPanel } from './ExamplesPanel';
import { ImportProjectForm } from './ImportProjectForm';
import { NewProjectForm } from './NewProjectForm';
import { ProjectRow } from './ProjectRow';
import { useAccounts } from '../../shared/session';
import { Link } from '../../shared/components/Link';
import { branchPath, navigate } from '../../shared/router';

/** The start page: every project, with create, import, rename, delete, export and open. */
export function ProjectList() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const accounts = useAccounts();

  const load = useCallback(async () => {
    try {
      setProjects(await api.listProjects());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  /** A project just made is where its maker wants to be: open it. */
  const opened = (p: Project, verb: string) => {
    toast(`${verb} project ${p.name}`, 'success');
    navigate(branchPath(p.id, p.defaultBranch || 'main'));
  };

  return (
    <main className="project-list">
      <header className="page-header">
        <span className="logo" aria-hidden="true">◆</span>
        <h1>DeepForge</h1>
        <span className="muted">Projects</span>
        <Link to="/api-reference" className="page-header-link" data-testid="api-reference-link">API reference</Link>
      </header>
      <section className="card">
        <h2>New project</h2>
        <NewProjectForm onCreated={(p) => opened(p, 'Created')} />
      </section>
      <section className="card">
        <h2>Your projects</h2>
        {error && (
          <p className="form-error" role="alert" data-testid="projects-error">
            {error} <button onClick={() => void load()}>Retry</button>
          </p>
        )}
        {projects === null && !error && <p className="muted">Loading…</p>}
        {projects !== null && projects.length === 0 && (
          <p className="empty" data-testid="projects-empty">
            No projects yet. Create one above or import a bundle.
          </p>
        )}
        {projects !== null && projects.length > 0 && (
          <table className="table" data-testid="project-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Description</th>
                <th>Default branch</th>
                {accounts && <th>Your role</th>}
                <th className="actions-col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((p) => (
                <ProjectRow key={p.id} project={p} onChanged={() => void load()} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2>Examples</h2>
        <ExamplesPanel onCreated={(p) => opened(p, 'Created example')} />
      </section>
      <section className="card">
        <h2>Import a project</h2>
        <ImportProjectForm onImported={(p) => opened(p, 'Imported')} />
      </section>
    </main>
  );
}
