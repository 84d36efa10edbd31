import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, errorMessage, type LibraryKind, type ProjectLibrary } from '../../shared/api';
import { confirmDialog, toast } from '../../shared/notify';
import { addableLibraries, describeUses } from './libraries';
import { useServerLibraries } from './useServerLibraries';

interface Props {
  project: string;
  /** Unset for a read-only view at a commit. */
  branch?: string;
  /** Changes when the branch moves: the list is read again. */
  head: string | null;
  readOnly: boolean;
}

/** What the server said when a removal was refused (its message names what still uses the library). */
interface Refusal { library: string; message: string }
type Action = 'add' | 'remove' | 'upgrade';

/** The project's libraries (version, kinds, upgrade, remove) and the server's others to add. */
export function LibrariesPlace({ project, branch, head, readOnly }: Props) {
  const [mine, setMine] = useState<ProjectLibrary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [pending, setPending] = useState<{ library: string; action: Action } | null>(null);
  const { libraries: server, error: serverError } = useServerLibraries();
  const kindsById = useMemo(() => new Map<string, LibraryKind>((server ?? []).flatMap((l) => l.kinds.map((k) => [k.id, k] as const))), [server]);

  const reload = useCallback(() => {
    api.projectLibraries(project, branch).then(
      (l) => {
        setMine(l);
        setLoadError(null);
      },
      (e) => setLoadError(errorMessage(e)),
    );
  }, [project, branch]);
  useEffect(() => {
    reload();
    setRefusal(null); // the branch moved: what was in the way may be gone
  }, [reload, head]);

  const act = async (library: string, action: Action, what: () => Promise<unknown>, done: string) => {
    setPending({ library, action });
    try {
      await what();
      toast(done, 'success');
      reload();
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setRefusal({ library, message: e.message });
      else toast(errorMessage(e), 'error');
      return false;
    } finally {
      setPending(null);
    }
  };

  const remove = async (l: ProjectLibrary) => {
    if (!branch || !(await confirmDialog(`Remove ${l.name} from this project, with its unchanged built-in operations?`, 'Remove'))) return;
    setRefusal(null);
    await act(l.id, 'remove', () => api.removeLibrary(project, branch, l.id), `${l.name} removed`);
  };
  const upgrade = (l: ProjectLibrary) =>
    branch && act(l.id, 'upgrade', () => api.upgradeLibrary(project, branch, l.id, l.upgrade), `${l.name} upgraded to ${l.upgrade}`);
  const add = (id: string, name: string) => branch && act(id, 'add', () => api.addLibrary(project, branch, id), `${name} added`);

  const disabled = readOnly || !branch || pending !== null;
  const doing = (library: string, action: Action) => pending?.library === library && pending.action === action;
  const others = mine && server ? addableLibraries(server, mine.map((l) => l.id)) : [];
  return (
    <section className="place libraries-place" data-testid="place-libraries">
      <header className="place-header">
        <h2>Libraries</h2>
      </header>
      <p className="muted place-intro">
        A library brings a framework to the project: the kinds of architecture it draws, its built-in operations and what its
        jobs import.
      </p>
      {loadError && (
        <p className="form-error" role="alert">
          Could not read the project's libraries: {loadError}
        </p>
      )}
      {!mine && !loadError && <p className="muted loading">Loading libraries…</p>}
      {mine && (
        <ul className="library-list" data-testid="project-libraries">
          {mine.map((l) => (
            <li key={l.id} className="library-card" data-testid="project-library" data-library-id={l.id}>
              <div className="library-head">
                <strong className="library-name">{l.name}</strong>
                <span className="badge" data-testid="library-version">
                  {l.version}
                </span>
                {!l.installed && (
                  <span className="form-error small-text" data-testid="library-missing">
                    not installed on this server{l.latest ? ` (it has ${l.latest})` : ''}
                  </span>
                )}
                <span className="spacer" />
                {l.upgrade && (
                  <button className="small" data-testid="library-upgrade" disabled={disabled} onClick={() => void upgrade(l)}>
                    {doing(l.id, 'upgrade') ? 'Upgrading…' : `Upgrade to ${l.upgrade}`}
                  </button>
                )}
                <button className="secondary small danger-text" data-testid="library-remove" disabled={disabled} onClick={() => void remove(l)}>
                  {doing(l.id, 'remove') ? 'Removing…' : 'Remove'}
                </button>
              </div>
              {l.kinds.length > 0 && (
                <div className="library-kinds">
                  {l.kinds.map((k) => (
                    <span key={k} className={`kind-tag kind-${k}`} data-testid="library-kind" data-kind={k} title={kindsById.get(k)?.description}>
                      {kindsById.get(k)?.name ?? k}
                    </span>
                  ))}
                </div>
              )}
              {l.usedBy.length > 0 && (
                <p className="muted small-text" data-testid="library-used-by">
                  Used by {describeUses(l.usedBy).join(', ')}
                </p>
              )}
              {refusal?.library === l.id && (
                <div className="form-error library-refusal" data-testid="library-remove-error" role="alert">
                  {refusal.message}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3 className="library-add-title">Add a library</h3>
      {serverError && (
        <p className="form-error" role="alert">
          Could not read the server's libraries: {serverError}
        </p>
      )}
      {mine && server && others.length === 0 && (
        <p className="muted" data-testid="library-add-none">
          The project has every library this server offers.
        </p>
      )}
      <ul className="library-list" data-testid="server-libraries">
        {others.map((l) => (
          <li key={l.id} className="library-card" data-testid="server-library" data-library-id={l.id}>
            <div className="library-head">
              <strong className="library-name">{l.name}</strong>
              <span className="badge">{l.version}</span>
              <span className="spacer" />
              <button className="small" data-testid="library-add" disabled={disabled} onClick={() => void add(l.id, l.name)}>
                {doing(l.id, 'add') ? 'Adding…' : `Add ${l.name}`}
              </button>
            </div>
            {l.description && <p className="small-text">{l.description}</p>}
            <div className="library-kinds">
              {l.kinds.map((k) => (
                <span key={k.id} className={`kind-tag kind-${k.id}`} title={k.description}>
                  {k.name}
                </span>
              ))}
              {l.operations.length > 0 && <span className="muted small-text">operations: {l.operations.join(', ')}</span>}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
