import { useEffect, useState } from 'react';
import { api, errorMessage, type AdapterInfo, type SecretInfo, type Session } from '../../shared/api';
import { SchemaForm, type Values } from '../executions/SchemaForm';

interface Props {
  project: string;
  branch: string;
  onStarted: (session: Session) => void;
}

/** Starts a session on the chosen compute adapter (with the adapter's own settings) at the branch shown. */
export function StartSession({ project, branch, onStarted }: Props) {
  const [adapters, setAdapters] = useState<AdapterInfo[]>([]);
  const [adapter, setAdapter] = useState('local');
  const [values, setValues] = useState<Values>({});
  const [secrets, setSecrets] = useState<SecretInfo[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.computeAdapters().then(setAdapters, (e) => setError(errorMessage(e)));
    api.listSecrets().then(setSecrets, () => setSecrets([]));
  }, []);
  const info = adapters.find((a) => a.name === adapter);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      onStarted(await api.startSession(project, { compute: { adapter, config: values }, branch }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="start-session" data-testid="session-start-form" onSubmit={(e) => { e.preventDefault(); void start(); }}>
      <label>
        Compute{' '}
        <select data-testid="session-adapter" value={adapter} onChange={(e) => { setAdapter(e.target.value); setValues({}); }}>
          {adapters.length === 0 && <option value="local">This machine</option>}
          {adapters.map((a) => <option key={a.name} value={a.name}>{a.title}</option>)}
        </select>
      </label>
      {info && Object.keys(info.schema?.properties ?? {}).length > 0 && (
        <SchemaForm schema={info.schema} values={values} onChange={setValues} secrets={secrets} secretKinds={adapters.flatMap((a) => (a.secret ? [a.secret] : []))} prefix="session-compute" />
      )}
      <button type="submit" data-testid="session-start" disabled={busy}>{busy ? 'Starting…' : 'Start session'}</button>
      {error && <span className="form-error" data-testid="session-start-error" role="alert">{error}</span>}
    </form>
  );
}
