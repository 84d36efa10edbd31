import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage, type UserRow } from '../../shared/api';
import { LoadMore } from '../../shared/components/LoadMore';
import { confirmDialog, toast } from '../../shared/notify';
import { usePagedList } from '../../shared/usePagedList';

/** Server administration: users (create, disable, enable, delete) and the audit log. */
export function AdminPage() {
  const [users, setUsers] = useState<UserRow[]>([]);
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const auditFilter = { user: actor.trim() || undefined, action: action.trim() || undefined };
  const auditKey = JSON.stringify(auditFilter);
  const fetchAudit = useCallback((cursor: string | null) => api.audit(JSON.parse(auditKey), cursor), [auditKey]);
  const audit = usePagedList(auditKey, fetchAudit);
  const refreshAudit = audit.refresh;
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);

  const load = useCallback(async () => {
    try {
      setUsers(await api.listUsers());
      await refreshAudit();
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  }, [refreshAudit]);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.createUser(name.trim(), password, admin);
      toast(`Created user ${name.trim()}`, 'success');
      setName('');
      setPassword('');
      setAdmin(false);
      void load();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      toast(done, 'success');
      void load();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const remove = async (u: UserRow) => {
    if (!(await confirmDialog(`Delete user "${u.name}"? Their roles and tokens go too.`, 'Delete'))) return;
    await act(() => api.deleteUser(u.name), `Deleted user ${u.name}`);
  };

  return (
    <main className="project-list admin-page" data-testid="admin-page">
      <header className="page-header">
        <span className="logo" aria-hidden="true">◆</span>
        <h1>Administration</h1>
      </header>
      <section className="card">
        <h2>Users</h2>
        <form className="inline-form" onSubmit={(e) => void create(e)}>
          <input data-testid="user-name" placeholder="User name" value={name} onChange={(e) => setName(e.target.value)} />
          <input
            data-testid="user-password"
            type="password"
            autoComplete="new-password"
            placeholder="Initial password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <label>
            <input type="checkbox" data-testid="user-admin" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> admin
          </label>
          <button type="submit" data-testid="user-create" disabled={!name.trim() || !password}>
            Create user
          </button>
        </form>
        <table className="table" data-testid="user-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>E-mail</th>
              <th>Created</th>
              <th>Status</th>
              <th className="actions-col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid="user-row" data-user={u.name}>
                <td>
                  {u.name} {u.admin && <span className="muted">(admin)</span>}
                </td>
                <td>{u.email}</td>
                <td>{u.created.slice(0, 10)}</td>
                <td data-testid="user-status">{u.disabled ? 'disabled' : 'active'}</td>
                <td>
                  <div className="actions">
                    {u.disabled ? (
                      <button className="secondary" data-testid="user-enable" onClick={() => void act(() => api.setUserDisabled(u.name, false), `Enabled ${u.name}`)}>
                        Enable
                      </button>
                    ) : (
                      <button className="secondary" data-testid="user-disable" onClick={() => void act(() => api.setUserDisabled(u.name, true), `Disabled ${u.name}`)}>
                        Disable
                      </button>
                    )}
                    <button className="danger" data-testid="user-delete" onClick={() => void remove(u)}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>Audit log</h2>
        <div className="executions-filters" role="search">
          <label>
            User <input data-testid="audit-filter-user" value={actor} placeholder="anyone" size={12} onChange={(e) => setActor(e.target.value)} />
          </label>
          <label>
            Action <input data-testid="audit-filter-action" value={action} placeholder="any (e.g. user, token.created)" size={24}
              onChange={(e) => setAction(e.target.value)} />
          </label>
        </div>
        {audit.error && <p className="form-error" role="alert">{audit.error}</p>}
        <table className="table compact" data-testid="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Detail</th>
              <th>Address</th>
            </tr>
          </thead>
          <tbody>
            {(audit.items ?? []).map((a) => (
              <tr key={a.id} data-testid="audit-row">
                <td>{a.time.slice(0, 19).replace('T', ' ')}</td>
                <td>{a.actor}</td>
                <td>{a.action}</td>
                <td>{a.target}</td>
                <td>{a.detail}</td>
                <td>{a.address}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore more={audit.next !== null} loading={audit.loading} onMore={audit.loadMore} testId="audit-more" />
      </section>
    </main>
  );
}
