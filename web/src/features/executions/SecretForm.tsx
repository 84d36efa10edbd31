import { useState } from 'react';
import { api, errorMessage } from '../../shared/api';

const FIELDS: Record<string, { name: string; label: string; secret: boolean }[]> = {
  s3: [
    { name: 'accessKeyId', label: 'Access key id', secret: false },
    { name: 'secretAccessKey', label: 'Secret access key', secret: true },
  ],
};

interface Props {
  kind: string;
  onSaved: (name: string) => void;
  onCancel: () => void;
}

/** Stores credentials in the server's sealed secret store; they are never shown again, only their name. */
export function SecretForm({ kind, onSaved, onCancel }: Props) {
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const fields = FIELDS[kind] ?? [];
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
      <legend>New {kind.toUpperCase()} credentials</legend>
      <div className="field">
        <label htmlFor="secret-name">Name</label>
        <input id="secret-name" data-testid="secret-name" value={name} placeholder="e.g. lab-bucket" onChange={(e) => setName(e.target.value)} />
      </div>
      {fields.map((f) => (
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
        <button type="button" data-testid="secret-save" onClick={() => void save()}>Save credentials</button>
      </div>
    </fieldset>
  );
}
