import { useState } from 'react';
import { errorMessage, type Requirements } from '../../shared/api';
import { InlineForm } from '../../shared/components/InlineForm';

interface Props {
  requirements: string[];
  readOnly: boolean;
  onChange: (next: string[], message: string) => Promise<boolean>;
  onCheck: () => Promise<Requirements>;
}

/** The Python packages an operation needs, and a check against the server's Python. */
export function RequirementsEditor({ requirements, readOnly, onChange, onCheck }: Props) {
  const [result, setResult] = useState<Requirements | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const check = async () => {
    setChecking(true);
    setError(null);
    try {
      setResult(await onCheck());
    } catch (e) {
      setResult(null);
      setError(errorMessage(e));
    } finally {
      setChecking(false);
    }
  };
  return (
    <section className="requirements" data-testid="op-requirements">
      <h3>Requirements</h3>
      {requirements.length === 0 ? (
        <p className="muted small-text">No packages beyond the standard set.</p>
      ) : (
        <ul className="req-list">
          {requirements.map((r) => (
            <li key={r} data-testid="req-item" data-name={r}>
              <code>{r}</code>
              {result && result.missing.includes(r) && <span className="badge status-removed">missing</span>}
              {!readOnly && (
                <button
                  type="button"
                  className="secondary small danger-text"
                  data-testid="req-remove"
                  title={`Remove ${r}`}
                  onClick={() => void onChange(requirements.filter((x) => x !== r), `Remove requirement ${r}`)}
                >
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <InlineForm
          inputTestId="req-add-name"
          submitTestId="req-add"
          placeholder="package, e.g. scikit-learn>=1.0"
          submitLabel="Add"
          validate={(v) => (requirements.includes(v) ? `${v} is listed already` : /\s/.test(v) ? 'One package per entry' : null)}
          onSubmit={(v) => onChange([...requirements, v], `Add requirement ${v}`)}
        />
      )}
      <p>
        <button type="button" className="secondary small" data-testid="req-check" disabled={checking} onClick={() => void check()}>
          {checking ? 'Checking…' : 'Check'}
        </button>
      </p>
      {error && <p className="form-error">{error}</p>}
      {result && (
        <div data-testid="req-result">
          {result.missing.length === 0 ? (
            <p className="status-added">All packages are installed on the server.</p>
          ) : (
            <>
              <p className="status-removed">Missing on the server:</p>
              <ul>
                {result.missing.map((m) => (
                  <li key={m} data-testid="req-missing">
                    {m}
                  </li>
                ))}
              </ul>
            </>
          )}
          {Object.keys(result.found).length > 0 && (
            <p className="muted small-text">
              Found: {Object.entries(result.found).map(([k, v]) => `${k} ${v}`).join(', ')}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
