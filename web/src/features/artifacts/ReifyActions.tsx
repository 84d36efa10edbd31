import { useEffect, useState } from 'react';
import { api, errorMessage, type Reproduction } from '../../shared/api';
import { buildPath, navigate } from '../../shared/router';

interface Props {
  project: string;
  id: string;
  name: string;
  execution: string;
}

/** A branch name from the artifact's name and run: letters, digits, - and _ only. */
export function suggestedBranch(name: string, execution: string): string {
  const base = `reproduce-${name}-${execution}`.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-+/g, '-').replace(/-$/, '');
  return base.slice(0, 60);
}

/** What the verdict of a reproduction says, in one line. */
export function verdictText(r: Reproduction): string {
  switch (r.verdict) {
    case 'running':
      return 'Reproducing…';
    case 'identical':
      return '✓ identical';
    case 'missing':
      return `✗ ${r.message ?? 'the run saved nothing under this name'}`;
    default:
      return r.firstDivergedJob
        ? `✗ differs — first diverged at job ${r.firstDivergedJob}${r.firstDivergedOperation ? ` (${r.firstDivergedOperation})` : ''}`
        : '✗ differs';
  }
}

/**
 * "Open as pipeline" and "Reproduce" for an artifact a run saved: both rebuild the pipeline that made it on the branch
 * named here; Reproduce also runs it with the recorded seed and says whether the output is byte-identical.
 */
export function ReifyActions({ project, id, name, execution }: Props) {
  const [branch, setBranch] = useState(() => suggestedBranch(name, execution));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reproducing, setReproducing] = useState<string | null>(null);
  const [result, setResult] = useState<Reproduction | null>(null);

  useEffect(() => {
    setBranch(suggestedBranch(name, execution));
    setError(null);
    setReproducing(null);
    setResult(null);
  }, [id, name, execution]);

  useEffect(() => {
    if (!reproducing) return;
    let stopped = false;
    const look = () =>
      api.reproduction(project, id, reproducing).then(
        (r) => {
          if (stopped) return;
          setResult(r);
          if (r.verdict !== 'running') stopped = true;
        },
        (e) => !stopped && setError(errorMessage(e)),
      );
    look();
    const timer = window.setInterval(() => {
      if (!stopped) look();
    }, 1000);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [project, id, reproducing]);

  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const opened = await api.openAsPipeline(project, id, branch.trim());
      navigate(buildPath({ page: 'workbench', project, branch: opened.branch, place: 'pipelines', id: opened.pipeline }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const reproduce = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const run = await api.reproduceArtifact(project, id, branch.trim());
      setReproducing(run.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="reify" data-testid="reify">
      <h3>Rebuild</h3>
      <label>
        Branch for the pipeline{' '}
        <input
          data-testid="reify-branch"
          value={branch}
          onChange={(e) => setBranch(e.target.value)}
          aria-label="Branch for the rebuilt pipeline"
        />
      </label>
      <div className="actions">
        <button type="button" data-testid="open-as-pipeline" disabled={busy || !branch.trim()} onClick={open}
          title="Rebuild the pipeline that made this artifact, with the code, attributes and architectures it ran with">
          Open as pipeline
        </button>
        <button type="button" data-testid="reproduce" disabled={busy || !branch.trim() || (!!reproducing && result?.verdict === 'running')}
          onClick={reproduce} title="Rebuild the pipeline, run it with the recorded seed and compare the output's SHA-256">
          Reproduce
        </button>
      </div>
      {error && <p className="form-error" data-testid="reify-error">{error}</p>}
      {reproducing && (
        <p data-testid="reproduction" data-verdict={result?.verdict ?? 'running'}>
          {result ? verdictText(result) : 'Reproducing…'}{' '}
          <a href={buildPath({ page: 'workbench', project, branch: branch.trim(), place: 'executions', id: reproducing })}
            onClick={(e) => {
              e.preventDefault();
              navigate(buildPath({ page: 'workbench', project, branch: branch.trim(), place: 'executions', id: reproducing }));
            }}>
            run {reproducing}
          </a>
        </p>
      )}
    </div>
  );
}
