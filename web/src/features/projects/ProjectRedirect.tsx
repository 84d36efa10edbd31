import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../shared/api';
import { branchPath, navigate } from '../../shared/router';
import { Link } from '../../shared/components/Link';

/** /p/<project> opens the project's default branch. */
export function ProjectRedirect({ project }: { project: string }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.getProject(project).then(
      (p) => live && navigate(branchPath(project, p.defaultBranch), { replace: true }),
      (e) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [project]);
  if (!error) return <p className="muted loading">Opening project…</p>;
  return (
    <div className="empty-state" role="alert" data-testid="project-error">
      <h2>Cannot open project {project}</h2>
      <p>{error}</p>
      <Link to="/">All projects</Link>
    </div>
  );
}
