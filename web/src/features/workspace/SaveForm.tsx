import { useState } from 'react';
import { api, errorMessage, type SavedArtifact } from '../../shared/api';
import { isPythonIdentifier } from '../../shared/format';
import { buildPath } from '../../shared/router';
import { Link } from '../../shared/components/Link';

interface Props {
  project: string;
  branch: string;
  session: string;
  /** What is saved: a console variable (typed here) or a training's model. */
  what: { variable: true } | { training: string };
  testid: string;
}

/** Saves a session variable or a training's model as a project artifact, and links to it (its provenance is on its page). */
export function SaveForm({ project, branch, session, what, testid }: Props) {
  const [name, setName] = useState('');
  const [variable, setVariable] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<SavedArtifact | null>(null);
  const save = async () => {
    if (!name.trim()) return setError('Name the artifact');
    if ('variable' in what && !isPythonIdentifier(variable.trim())) return setError('The variable is a Python name, such as model');
    setBusy(true);
    setError(null);
    try {
      const body = 'variable' in what ? { name: name.trim(), variable: variable.trim() } : { name: name.trim(), training: what.training };
      setSaved(await api.saveFromSession(session, { ...body, branch }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="save-form" data-testid={testid} onSubmit={(e) => { e.preventDefault(); void save(); }}>
      {'variable' in what && (
        <input data-testid={`${testid}-variable`} aria-label="Variable" placeholder="variable" value={variable} onChange={(e) => setVariable(e.target.value)} />
      )}
      <input data-testid={`${testid}-name`} aria-label="Artifact name" placeholder="artifact name" value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="secondary" data-testid={`${testid}-submit`} disabled={busy}>
        {busy ? 'Saving…' : 'Save as artifact'}
      </button>
      {error && <span className="form-error" data-testid={`${testid}-error`} role="alert">{error}</span>}
      {saved && (
        <span data-testid={`${testid}-saved`} data-artifact={saved.artifact.id}>
          Saved{' '}
          <Link to={buildPath({ page: 'workbench', project, branch, place: 'artifacts', id: saved.artifact.id })} data-testid={`${testid}-link`}>
            {saved.artifact.name}
          </Link>{' '}
          <span className="muted small-text">({saved.artifact.type}, commit {saved.commit.slice(0, 8)})</span>
        </span>
      )}
    </form>
  );
}
