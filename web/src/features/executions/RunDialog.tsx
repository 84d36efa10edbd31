import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage, type AdapterInfo, type Problem, type SecretInfo } from '../../shared/api';
import { navigate, buildPath } from '../../shared/router';
import { SchemaForm, secretOption, type Values } from './SchemaForm';
import { SecretForm } from './SecretForm';
import { ClusterStatus } from './ClusterStatus';

/** The last configuration used per adapter, so a scientist does not type their partition every time. */
const remembered = (kind: string, adapter: string): Values => {
  try {
    return JSON.parse(localStorage.getItem(`deepforge.run.${kind}.${adapter}`) ?? '{}') as Values;
  } catch {
    return {};
  }
};
const remember = (kind: string, adapter: string, values: Values) => {
  try {
    localStorage.setItem(`deepforge.run.${kind}.${adapter}`, JSON.stringify(values));
    localStorage.setItem(`deepforge.run.${kind}`, adapter);
  } catch {
    // private windows: nothing remembered
  }
};
const lastAdapter = (kind: string) => {
  try {
    return localStorage.getItem(`deepforge.run.${kind}`) ?? 'local';
  } catch {
    return 'local';
  }
};

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
  const [computes, setComputes] = useState<AdapterInfo[]>([]);
  const [storages, setStorages] = useState<AdapterInfo[]>([]);
  const [secrets, setSecrets] = useState<SecretInfo[]>([]);
  const [compute, setCompute] = useState(() => lastAdapter('compute'));
  const [storage, setStorage] = useState(() => lastAdapter('storage'));
  const [computeValues, setComputeValues] = useState<Values>(() => remembered('compute', lastAdapter('compute')));
  const [storageValues, setStorageValues] = useState<Values>(() => remembered('storage', lastAdapter('storage')));
  const [addingSecret, setAddingSecret] = useState<string | null>(null);
  const [showStatus, setShowStatus] = useState(false);
  useEffect(() => {
    api.computeAdapters().then((list) => {
      setComputes(list);
      if (!list.some((a) => a.name === compute)) setCompute('local');
    }).catch(() => setComputes([]));
    api.storageAdapters().then((list) => {
      setStorages(list);
      if (!list.some((a) => a.name === storage)) setStorage('local');
    }).catch(() => setStorages([]));
    api.listSecrets().then(setSecrets).catch(() => setSecrets([]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const computeInfo = computes.find((a) => a.name === compute);
  const storageInfo = storages.find((a) => a.name === storage);
  // the kinds of credentials come with the adapters that declare them
  const secretKinds = [...computes, ...storages].flatMap((a) => (a.secret ? [a.secret] : []));
  const [ignoreCache, setIgnoreCache] = useState(false);
  const [seed, setSeed] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);

  const submit = async () => {
    if (seed.trim() && !(/^[0-9]{1,10}$/.test(seed.trim()) && Number(seed.trim()) <= 4294967295)) {
      setError('The seed is a whole number from 0 to 4294967295, or empty to draw one');
      return;
    }
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      remember('compute', compute, computeValues);
      remember('storage', storage, storageValues);
      const e = await api.runPipeline(project, pipelineId, {
        branch,
        compute: { ...computeValues, adapter: compute },
        storage: { ...storageValues, adapter: storage },
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(ignoreCache ? { ignoreCache: true } : {}),
        ...(seed.trim() ? { seed: Number(seed.trim()) } : {}),
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
          <div className="row">
            <select id="run-compute" data-testid="run-compute" value={compute} onChange={(e) => {
              setCompute(e.target.value);
              setComputeValues(remembered('compute', e.target.value));
              setShowStatus(false);
            }}>
              {computes.length === 0 && <option value="local">This machine</option>}
              {computes.map((a) => <option key={a.name} value={a.name}>{a.title}</option>)}
            </select>
            {compute !== 'local' && (
              <button type="button" className="secondary" data-testid="run-cluster-status" onClick={() => setShowStatus(!showStatus)}>
                {showStatus ? 'Hide status' : 'Cluster status'}
              </button>
            )}
          </div>
        </div>
        {showStatus && <ClusterStatus adapter={compute} />}
        {computeInfo && (
          <SchemaForm schema={computeInfo.schema} values={computeValues} onChange={setComputeValues} secrets={secrets} secretKinds={secretKinds}
            onAddSecret={setAddingSecret} prefix="run-compute" />
        )}
        <div className="field">
          <label htmlFor="run-storage">Storage</label>
          <select id="run-storage" data-testid="run-storage" value={storage} onChange={(e) => {
            setStorage(e.target.value);
            setStorageValues(remembered('storage', e.target.value));
          }}>
            {storages.length === 0 && <option value="local">This server's disk</option>}
            {storages.map((a) => <option key={a.name} value={a.name}>{a.title}</option>)}
          </select>
        </div>
        {storageInfo && (
          <SchemaForm schema={storageInfo.schema} values={storageValues} onChange={setStorageValues} secrets={secrets} secretKinds={secretKinds}
            onAddSecret={setAddingSecret} prefix="run-storage" />
        )}
        {addingSecret && (
          <SecretForm kind={addingSecret} onCancel={() => setAddingSecret(null)} onSaved={(name) => {
            setAddingSecret(null);
            api.listSecrets().then(setSecrets).catch(() => undefined);
            // the new secret fills the option that asked for it
            const inCompute = secretOption(computeInfo?.schema, addingSecret);
            const inStorage = secretOption(storageInfo?.schema, addingSecret);
            if (inStorage) setStorageValues({ ...storageValues, [inStorage]: name });
            else if (inCompute) setComputeValues({ ...computeValues, [inCompute]: name });
          }} />
        )}
        <div className="field">
          <label htmlFor="run-name">Name (optional)</label>
          <input id="run-name" data-testid="run-name" value={name} placeholder={pipelineName} onChange={(e) => setName(e.target.value)} autoFocus />
        </div>
        <div className="field">
          <label htmlFor="run-seed">Seed (optional)</label>
          <input id="run-seed" data-testid="run-seed" inputMode="numeric" pattern="[0-9]*" value={seed} placeholder="the last run's seed"
            title="Seeds Python's random, numpy and torch in every job (0 to 4294967295); the same seed gives the same results. Empty: the pipeline's last seed (drawn for its first run)"
            onChange={(e) => setSeed(e.target.value)} />
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
