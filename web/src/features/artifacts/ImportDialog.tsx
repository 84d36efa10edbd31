import { useEffect, useState } from 'react';
import { api, errorMessage, type AdapterInfo, type SecretInfo } from '../../shared/api';
import { SchemaForm, type Values } from '../executions/SchemaForm';
import { SecretForm } from '../executions/SecretForm';
import { UPLOAD_TYPES } from './ArtifactsPlace';

interface Props {
  project: string;
  branch: string;
  onClose: () => void;
  onImported: (id: string) => void;
}

/** Registers data already in a bucket as an artifact, without copying it (it is read once for its sha256). */
export function ImportDialog({ project, branch, onClose, onImported }: Props) {
  const [storages, setStorages] = useState<AdapterInfo[]>([]);
  const [secrets, setSecrets] = useState<SecretInfo[]>([]);
  const [adapter, setAdapter] = useState('');
  const [values, setValues] = useState<Values>({});
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [type, setType] = useState('file');
  const [addingSecret, setAddingSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.storageAdapters().then((list) => {
      const remote = list.filter((a) => a.imports);
      setStorages(remote);
      if (remote.length) setAdapter(remote[0].name);
    }).catch((e) => setError(errorMessage(e)));
    api.listSecrets().then(setSecrets).catch(() => setSecrets([]));
  }, []);
  const info = storages.find((a) => a.name === adapter);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.importArtifact(project, branch, {
        name: name.trim() || key.split('/').pop() || key, type, key: key.trim(), storage: { ...values, adapter },
      });
      onImported(r.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form className="modal run-dialog" role="dialog" aria-modal="true" aria-labelledby="import-title" data-testid="import-dialog"
        onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && onClose()}
        onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <h2 id="import-title">Import existing data</h2>
        <p className="muted small-text">The object stays where it is; DeepForge reads it once to record its sha256 and size.</p>
        {storages.length === 0 && !error && <p className="muted">This server offers no remote storage.</p>}
        {storages.length > 1 && (
          <div className="field">
            <label htmlFor="import-adapter">Storage</label>
            <select id="import-adapter" value={adapter} onChange={(e) => { setAdapter(e.target.value); setValues({}); }}>
              {storages.map((a) => <option key={a.name} value={a.name}>{a.title}</option>)}
            </select>
          </div>
        )}
        {info && (
          <SchemaForm schema={info.schema} values={values} onChange={setValues} secrets={secrets} onAddSecret={setAddingSecret} prefix="import-storage" />
        )}
        {addingSecret && (
          <SecretForm kind={addingSecret} onCancel={() => setAddingSecret(null)} onSaved={(saved) => {
            setAddingSecret(null);
            api.listSecrets().then(setSecrets).catch(() => undefined);
            setValues({ ...values, credentials: saved });
          }} />
        )}
        <div className="field">
          <label htmlFor="import-key">Object key</label>
          <input id="import-key" data-testid="import-key" value={key} placeholder="datasets/galaxies.fits" onChange={(e) => setKey(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="import-name">Name (optional)</label>
          <input id="import-name" data-testid="import-name" value={name} placeholder={key.split('/').pop() || 'artifact name'} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="import-type">Type</label>
          <select id="import-type" data-testid="import-type" value={type} onChange={(e) => setType(e.target.value)}>
            {UPLOAD_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </div>
        {error && <p className="form-error" role="alert" data-testid="import-error">{error}</p>}
        <div className="modal-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" data-testid="import-submit" disabled={busy || !info || !key.trim()}>{busy ? 'Reading…' : 'Import'}</button>
        </div>
      </form>
    </div>
  );
}
