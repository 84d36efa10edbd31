import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage, setCsrfToken, type ApiToken } from '../../shared/api';
import { toast } from '../../shared/notify';
import { useMe } from '../../shared/session';

/** One's own account: change the password; create (shown once), list and revoke personal API tokens. */
export function AccountPage() {
  const me = useMe();
  return (
    <main className="project-list account-page" data-testid="account-page">
      <header className="page-header">
        <span className="logo" aria-hidden="true">◆</span>
        <h1>Account</h1>
        <span className="muted">{me?.name}</span>
      </header>
      <PasswordForm />
      <TokensSection />
    </main>
  );
}

function PasswordForm() {
  const [old, setOld] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const me = await api.changePassword(old, password);
      if (me?.csrf) setCsrfToken(me.csrf);
      setOld('');
      setPassword('');
      toast('Password changed; your other sessions were signed out', 'success');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="card">
      <h2>Password</h2>
      <form className="stacked-form" onSubmit={(e) => void submit(e)}>
        <label>
          Current password
          <input data-testid="password-old" type="password" autoComplete="current-password" value={old} onChange={(e) => setOld(e.target.value)} />
        </label>
        <label>
          New password (at least 10 characters)
          <input data-testid="password-new" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="password-error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" data-testid="password-save" disabled={!old || !password}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

function TokensSection() {
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
  const [days, setDays] = useState('90');
  const [fresh, setFresh] = useState<ApiToken | null>(null);

  const load = useCallback(async () => {
    try {
      setTokens(await api.listTokens());
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const n = Number.parseInt(days, 10);
      const t = await api.createToken(name.trim(), scope, Number.isFinite(n) && n > 0 ? n : undefined);
      setFresh(t);
      setName('');
      void load();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const revoke = async (t: ApiToken) => {
    try {
      await api.revokeToken(t.id);
      toast(`Revoked token ${t.name}`, 'success');
      if (fresh?.id === t.id) setFresh(null);
      void load();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const copy = async () => {
    if (!fresh?.token) return;
    try {
      await navigator.clipboard.writeText(fresh.token);
      toast('Token copied', 'success');
    } catch {
      toast('Copy failed: select the token and copy it by hand', 'error');
    }
  };

  return (
    <section className="card">
      <h2>API tokens</h2>
      <p className="muted">
        Scripts send a token as <code>Authorization: Bearer &lt;token&gt;</code>. A read token can only read.
      </p>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <input data-testid="token-name" placeholder="Token name, e.g. laptop script" value={name} onChange={(e) => setName(e.target.value)} />
        <select data-testid="token-scope" value={scope} onChange={(e) => setScope(e.target.value as 'read' | 'write')}>
          <option value="read">read</option>
          <option value="write">write</option>
        </select>
        <label>
          expires in{' '}
          <input data-testid="token-days" className="narrow" value={days} onChange={(e) => setDays(e.target.value)} size={4} /> days
        </label>
        <button type="submit" data-testid="token-create" disabled={!name.trim()}>
          Create token
        </button>
      </form>
      {fresh?.token && (
        <div className="token-once" data-testid="token-created" role="status">
          <p>
            Your new token <strong>{fresh.name}</strong> — copy it now, it is shown only once:
          </p>
          <code data-testid="token-value">{fresh.token}</code>{' '}
          <button className="secondary" data-testid="token-copy" onClick={() => void copy()}>
            Copy
          </button>{' '}
          <button className="secondary" data-testid="token-dismiss" onClick={() => setFresh(null)}>
            Done
          </button>
        </div>
      )}
      {tokens.length > 0 && (
        <table className="table" data-testid="token-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th className="actions-col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-testid="token-row" data-token-id={t.id}>
                <td>{t.name}</td>
                <td>{t.scope}</td>
                <td>{t.created.slice(0, 16).replace('T', ' ')}</td>
                <td>{t.expires ? t.expires.slice(0, 10) : 'never'}</td>
                <td>{t.lastUsed ? t.lastUsed.slice(0, 16).replace('T', ' ') : '—'}</td>
                <td>
                  {t.revoked ? (
                    <span className="muted" data-testid="token-revoked">revoked</span>
                  ) : (
                    <button className="danger" data-testid="token-revoke" onClick={() => void revoke(t)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
