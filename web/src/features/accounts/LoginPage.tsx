import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage, setCsrfToken, type Me } from '../../shared/api';

/** Sign-in (and sign-up where the server allows it) for accounts mode. */
export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [signup, setSignup] = useState(false);
  const [signupAllowed, setSignupAllowed] = useState(false);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.authOptions().then((o) => setSignupAllowed(o.signup), () => undefined);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (signup && password !== repeat) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = signup ? await api.signup(name.trim(), password) : await api.login(name.trim(), password);
      setCsrfToken(me.csrf);
      onSignedIn(me);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="project-list login-page" data-testid="login-page">
      <header className="page-header">
        <span className="logo" aria-hidden="true">◆</span>
        <h1>DeepForge</h1>
        <span className="muted">{signup ? 'Create an account' : 'Sign in'}</span>
      </header>
      <section className="card">
        <form onSubmit={(e) => void submit(e)} className="stacked-form">
          <label>
            User name
            <input data-testid="login-name" autoComplete="username" value={name} autoFocus onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Password
            <input
              data-testid="login-password"
              type="password"
              autoComplete={signup ? 'new-password' : 'current-password'}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {signup && (
            <label>
              Repeat the password
              <input
                data-testid="login-repeat"
                type="password"
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
              />
            </label>
          )}
          {error && (
            <p className="form-error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="submit" data-testid="login-submit" disabled={busy || !name || !password}>
              {signup ? 'Create account' : 'Sign in'}
            </button>
            {signupAllowed && (
              <button
                type="button"
                className="secondary"
                data-testid="login-toggle"
                onClick={() => {
                  setSignup(!signup);
                  setError(null);
                }}
              >
                {signup ? 'I have an account' : 'Create an account'}
              </button>
            )}
          </div>
        </form>
      </section>
    </main>
  );
}
