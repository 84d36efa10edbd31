import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type ModelView, type Session } from '../../shared/api';
import { buildPath, navigate } from '../../shared/router';
import type { WsClient } from '../../shared/ws';
import { SessionRow } from './SessionRow';
import { SessionView } from './SessionView';
import { StartSession } from './StartSession';

interface Props {
  project: string;
  /** The branch sessions start from and save to (a commit view gives the branch it came from). */
  branch?: string;
  /** The open session. */
  id?: string;
  model: ModelView;
  head: string;
  ws: WsClient;
}

/** Interactive sessions (docs/sessions.md): start one, see the live ones, and work in the open one. */
export function WorkspacePlace({ project, branch, id, model, head, ws }: Props) {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // with sessions to work in, the start form (and its adapter settings) waits behind a button, leaving the room to the panels
  const [starting, setStarting] = useState(false);
  const refresh = useCallback(
    () => api.listSessions(project).then((r) => { setSessions(r.items); setError(null); }, (e) => setError(errorMessage(e))),
    [project],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const onStatus = useCallback((s: Session) => setSessions((list) => list?.map((x) => (x.id === s.id ? s : x)) ?? list), []);
  const open = (sessionId?: string) => branch && navigate(buildPath({ page: 'workbench', project, branch, place: 'workspace', id: sessionId }));

  if (!branch) return <p className="empty-state">Open a branch to work in a session.</p>;
  return (
    <div className="place workspace" data-testid="workspace">
      <div className="place-header">
        <h2>Workspace</h2>
        {sessions && sessions.length > 0 && !starting ? (
          <button type="button" className="secondary" data-testid="session-new" onClick={() => setStarting(true)}>New session…</button>
        ) : (
          <StartSession project={project} branch={branch} onStarted={(s) => {
            setSessions((list) => [...(list ?? []).filter((x) => x.id !== s.id), s]);
            setStarting(false);
            open(s.id);
          }} />
        )}
      </div>
      {error && <p className="form-error" data-testid="sessions-error" role="alert">{error}</p>}
      {sessions && sessions.length === 0 && <p className="muted" data-testid="sessions-empty">No live sessions: start one to get a Python console on this project.</p>}
      {sessions && sessions.length > 0 && (
        <ul className="session-list plain-list" data-testid="sessions">
          {sessions.map((s) => (
            <SessionRow key={s.id} session={s} project={project} branch={branch} selected={s.id === id}
              onChanged={(changed) => {
                if (changed) onStatus(changed);
                else {
                  if (s.id === id) open(undefined);
                  void refresh();
                }
              }} />
          ))}
        </ul>
      )}
      {id && <SessionView key={id} project={project} branch={branch} head={head} sessionId={id} architectures={model.architectures ?? {}} ws={ws} onStatus={onStatus} />}
    </div>
  );
}
