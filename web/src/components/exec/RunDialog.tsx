import { useState } from 'react';
import { api, ApiError, errorMessage, type Problem } from '../../api';
import { navigate, buildPath } from '../../router';

interface Props {
  project: string;
  branch: string;
  pipelineId: string;
  pipelineName: string;
  onClose: () => void;
}

/** Starts an execution of the open pipeline: compute, storage, name, ignore cache. */
export function RunDialog({ project, branch, pipelineId, pipelineName, onClose }: Props) {
  const [name, setName] = useState('');
  const [compute, setCompute] = useState('local');
  const [storage, setStorage] = useState('local');
  const [ignoreCache, setIgnoreCache] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);

  const submit = async () => {
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      const e = await api.runPipeline(project, pipelineId, {
        branch,
        compute: { adapter: compute },
        storage: { adapter: storage },
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(ignoreCache ? { ignoreCache: true } : {}),
      });
      onClose();
      navigate(buildPath({ page: 'workbench', project, branch, place: 'executions', id: e.id }));
    } catch (e) {
      setError(errorMessage(e));
      if (e instanceof ApiError && e.problems) setProblems(e.problems);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form
        className="modal run-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="run-dialog-title"
        data-testid="run-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="run-dialog-title">Run {pipelineName}</h2>
        <div className="field">
          <label htmlFor="run-compute">Compute</label>
          <select id="run-compute" data-testid="run-compute" value={compute} onChange={(e) => setCompute(e.target.value)}>
            <option value="local">Local (this server)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="run-storage">Storage</label>
          <select id="run-storage" data-testid="run-storage" value={storage} onChange={(e) => setStorage(e.target.value)}>
            <option value="local">Local (this server)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="run-name">Name (optional)</label>
          <input id="run-name" data-testid="run-name" value={name} placeholder={pipelineName} onChange={(e) => setName(e.target.value)} autoFocus />
        </div>
        <label className="switch">
          <input type="checkbox" data-testid="run-ignore-cache" checked={ignoreCache} onChange={(e) => setIgnoreCache(e.target.checked)} />
          Ignore cache (run every job again)
        </label>
        {error && (
          <div className="run-problems" data-testid="run-problems" role="alert">
            <p className="form-error">{error}</p>
            {problems.length > 0 && (
              <ul>
                {problems.map((p, i) => (
                  <li key={i} data-testid="run-problem">
                    {p.node && <code>{p.node}</code>} {p.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="secondary" data-testid="run-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" data-testid="run-submit" disabled={busy}>
            {busy ? 'Starting…' : '▶ Run'}
          </button>
        </div>
      </form>
    </div>
  );
}
