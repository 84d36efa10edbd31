import { useEffect, useState } from 'react';
import type { EntryMap, Session } from '../../shared/api';
import type { WsClient } from '../../shared/ws';
import { ConsolePanel } from './ConsolePanel';
import { ExplorerPanel } from './ExplorerPanel';
import { Panel } from './Panel';
import { TrainerPanel } from './TrainerPanel';
import { useSession } from './useSession';

interface Props {
  project: string;
  branch: string;
  head: string;
  sessionId: string;
  architectures: EntryMap;
  ws: WsClient;
  /** The session's status as it changes, for the list above. */
  onStatus: (session: Session) => void;
}

type PanelId = 'console' | 'explorer' | 'trainer';

/** The three tiles that share one session: console, artifact explorer and network trainer; any one can be maximised. */
export function SessionView({ project, branch, head, sessionId, architectures, ws, onStatus }: Props) {
  const model = useSession(sessionId, ws);
  const [maximised, setMaximised] = useState<PanelId | null>(null);
  const { session } = model;
  useEffect(() => {
    if (session) onStatus(session);
  }, [session, onStatus]);

  if (model.error && !session) {
    return <p className="form-error" data-testid="session-view-error" role="alert">{model.error}</p>;
  }
  const toggle = (id: PanelId) => () => setMaximised((m) => (m === id ? null : id));
  // the other panels are hidden, not unmounted: what is typed in them stays
  const hidden = (id: PanelId) => maximised !== null && maximised !== id;
  return (
    <div className={`ws-grid${maximised ? ' has-maximised' : ''}`} data-testid="session-view" data-session={sessionId} data-state={session?.state ?? ''}>
      {model.error && <p className="form-error ws-grid-error" data-testid="session-view-error" role="alert">{model.error}</p>}
      <Panel id="console" title="Console" maximised={maximised === 'console'} hidden={hidden('console')} onToggle={toggle('console')}>
        <ConsolePanel project={project} branch={branch} model={model} />
      </Panel>
      <Panel id="explorer" title="Artifact explorer" maximised={maximised === 'explorer'} hidden={hidden('explorer')} onToggle={toggle('explorer')}>
        <ExplorerPanel project={project} head={head} model={model} />
      </Panel>
      <Panel id="trainer" title="Network trainer" maximised={maximised === 'trainer'} hidden={hidden('trainer')} onToggle={toggle('trainer')}>
        <TrainerPanel project={project} branch={branch} architectures={architectures} model={model} />
      </Panel>
    </div>
  );
}
