import { useState } from 'react';
import { api, errorMessage, type Session } from '../../shared/api';
import { confirmDialog } from '../../shared/notify';
import { useMe } from '../../shared/session';
import { buildPath } from '../../shared/router';
import { Link } from '../../shared/components/Link';
import { StatusChip } from '../executions/StatusChip';
import { formatSize } from '../executions/status';
import { isLive, stateColour } from './states';

interface Props {
  session: Session;
  project: string;
  branch: string;
  selected: boolean;
  onChanged: (session: Session | null) => void;
}

/** "1 h 30 min" */
function formatIdle(seconds: number): string {
  if (!(seconds > 0)) return 'never';
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || `${seconds} s`;
}

/** One live session: its state, where it runs, what it uses, and the actions on it (sharing for its owner only). */
export function SessionRow({ session, project, branch, selected, onChanged }: Props) {
  const me = useMe();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const owner = !me || me.mode === 'local' || session.owner === me.id || session.owner === me.name;
  const r = session.resources;
  const act = async (what: () => Promise<Session | void>) => {
    setBusy(true);
    setError(null);
    try {
      onChanged((await what()) ?? null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const live = isLive(session.state);
  return (
    <li className={`session-row${selected ? ' active' : ''}`} data-testid="session-row" data-session={session.id} data-state={session.state}>
      <Link to={buildPath({ page: 'workbench', project, branch, place: 'workspace', id: session.id })} data-testid="session-open" className="mono">
        {session.id.slice(0, 8)}
      </Link>
      <StatusChip status={stateColour(session.state)} label={session.state} testid="session-state" />
      <span className="muted small-text" data-testid="session-facts">
        {session.adapter} · {session.owner}
        {r?.rssBytes !== undefined && ` · ${formatSize(r.rssBytes)}`}
        {r?.cpuSeconds !== undefined && ` · CPU ${r.cpuSeconds.toFixed(1)} s`}
        {r?.cuda !== undefined && ` · ${r.cuda ? 'CUDA' : 'no CUDA'}`}
        {` · idle timeout ${formatIdle(session.idleTimeoutSeconds)}`}
      </span>
      {session.reason && <span className="muted small-text"> ({session.reason})</span>}
      <span className="spacer" />
      <button type="button" className="secondary small" data-testid="session-interrupt" disabled={busy || !live} title="KeyboardInterrupt in the running cell"
        onClick={() => void act(() => api.interruptSession(session.id))}>Interrupt</button>
      <button type="button" className="secondary small" data-testid="session-restart" disabled={busy || !live} title="A fresh kernel: the variables are gone"
        onClick={async () => {
          if (await confirmDialog('Restart the kernel? Its variables are lost; the cells stay.', 'Restart')) void act(() => api.restartSession(session.id));
        }}>Restart</button>
      <button type="button" className="secondary small danger-text" data-testid="session-stop" disabled={busy}
        onClick={async () => {
          if (await confirmDialog(`Stop session ${session.id.slice(0, 8)}? Its variables and anything not saved as an artifact are lost.`, 'Stop session'))
            void act(() => api.stopSession(session.id));
        }}>Stop</button>
      {owner && (
        <label className="switch small-text" title="Let the project's writers use this session">
          <input type="checkbox" data-testid="session-share" checked={session.shared} disabled={busy}
            onChange={(e) => void act(() => api.shareSession(session.id, e.target.checked))} />
          shared
        </label>
      )}
      {error && <span className="form-error" data-testid="session-error" role="alert">{error}</span>}
    </li>
  );
}
