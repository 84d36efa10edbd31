import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage, type Members, type Project } from '../../shared/api';
import { toast } from '../../shared/notify';

const ROLES = ['reader', 'writer', 'owner'] as const;

/** Who may use a project, and how: owners add users by name, change their role or remove them. */
export function SharingDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const [members, setMembers] = useState<Members | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('reader');
  const owner = project.role === 'owner';

  const load = useCallback(async () => {
    try {
      setMembers(await api.members(project.id));
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  }, [project.id]);
  useEffect(() => {
    void load();
  }, [load]);

  const apply = async (what: () => Promise<Members | void>) => {
    try {
      const m = await what();
      if (m) setMembers(m);
      else void load();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    await apply(() => api.setMember(project.id, name.trim(), role));
    setName('');
  };

  return (
    <div className="modal-backdrop">
      <div className="modal sharing-dialog" aria-modal="true" role="dialog" aria-label={`Share ${project.name}`} data-testid="sharing-dialog">
        <h2>Share “{project.name}”</h2>
        {members === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            <table className="table compact" data-testid="member-table">
              <tbody>
                {members.members.map((m) => (
                  <tr key={m.id} data-testid="member-row" data-user={m.user}>
                    <td>{m.user}</td>
                    <td>
                      <select
                        data-testid="member-role"
                        value={m.role}
                        disabled={!owner}
                        onChange={(e) => void apply(() => api.setMember(project.id, m.user, e.target.value))}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      {owner && (
                        <button className="danger" data-testid="member-remove" onClick={() => void apply(() => api.removeMember(project.id, m.user))}>
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {owner && (
              <>
                <form className="inline-form" onSubmit={(e) => void add(e)}>
                  <input data-testid="share-user" placeholder="User name" value={name} onChange={(e) => setName(e.target.value)} />
                  <select data-testid="share-role" value={role} onChange={(e) => setRole(e.target.value)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                  <button type="submit" data-testid="share-add" disabled={!name.trim()}>
                    Add
                  </button>
                </form>
                <label>
                  <input
                    type="checkbox"
                    data-testid="share-public"
                    checked={members.public}
                    onChange={(e) => void apply(() => api.setPublic(project.id, e.target.checked))}
                  />{' '}
                  Public: every signed-in user may read this project
                </label>
              </>
            )}
          </>
        )}
        <div className="actions">
          <button className="secondary" data-testid="sharing-close" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
