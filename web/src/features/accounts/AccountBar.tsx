import { api, errorMessage, setCsrfToken } from '../../shared/api';
import { toast } from '../../shared/notify';
import { useMe } from '../../shared/session';
import { Link } from '../../shared/components/Link';

/** Who is signed in, with links to the account and admin pages and sign-out (accounts mode only). */
export function AccountBar({ onSignedOut }: { onSignedOut: () => void }) {
  const me = useMe();
  if (!me || me.mode !== 'accounts') return null;
  const signOut = async () => {
    try {
      await api.logout();
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
    setCsrfToken(null);
    onSignedOut();
  };
  return (
    <nav className="account-bar" data-testid="account-bar" aria-label="Account">
      <span data-testid="account-name">{me.name}</span>
      <Link to="/" data-testid="projects-link">Projects</Link>
      <Link to="/account" data-testid="account-link">Account</Link>
      <Link to="/api-reference" data-testid="account-api-link">API</Link>
      {me.admin && (
        <Link to="/admin" data-testid="admin-link">Admin</Link>
      )}
      <button className="secondary" data-testid="sign-out" onClick={() => void signOut()}>
        Sign out
      </button>
    </nav>
  );
}
