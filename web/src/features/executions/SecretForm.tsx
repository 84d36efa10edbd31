import { useEffect, useState } from 'react';
import { api, errorMessage, type SecretKindInfo } from '../../shared/api';

interface Props {
  kind: string;
  onSaved: (name: string) => void;
  onCancel: () => void;
}

/**
 * Stores credentials in the server's sealed secret store; they are never shown again, only their name.
 * The fields are those the server's adapters declare for this kind of secret (GET /secret-kinds).
 */
export function SecretForm({ kind, onSaved, onCancel }: Props) {
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [info, setInfo] = useState<SecretKindInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.secretKinds().then((kinds) => {
      if (!live) return;
      const found = kinds.find((k) => k.kind === kind);
      if (found) setInfo(found);
      else setError(`this server keeps no credentials of kind "${kind}"; known kinds: ${kinds.map((k) => k.kind).join(', ') || 'none'}`);
    }).catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [kind]);
  const save = async () => {
    setError(null);
    try {
      await api.putSecret(name.trim(), { kind, ...values });
      onSaved(name.trim());
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <fieldset className="schema-form secret-form" data-testid="secret-form">
      <legend>New {info?.title ?? `${kind} credentials`}</legend>
      <div className="field">
        <label htmlFor="secret-name">Name</label>
        <input id="secret-name" data-testid="secret-name" value={name} placeholder="e.g. lab-bucket" onChange={(e) => setName(e.target.value)} />
      </div>
      {(info?.fields ?? []).map((f) => (
        <div className="field" key={f.name}>
          <label htmlFor={`secret-${f.name}`}>{f.label}</label>
          <input id={`secret-${f.name}`} data-testid={`secret-${f.name}`} type={f.secret ? 'password' : 'text'} autoComplete="off"
            value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
        </div>
      ))}
      <small className="field-help">Kept encrypted on the server for your account only; jobs never receive them.</small>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        <button type="button" data-testid="secret-save" disabled={!info} onClick={() => void save()}>Save credentials</button>
      </div>
    </fieldset>
  );
}
