import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../shared/api';
import { CellView } from './CellView';
import { CodeInput } from './CodeInput';
import { SaveForm } from './SaveForm';
import type { SessionModel } from './useSession';
import { isLive } from './states';

interface Props {
  project: string;
  branch: string;
  model: SessionModel;
}

/** The session's cells with their outputs, newest at the bottom, and the code box that runs the next one. */
export function ConsolePanel({ project, branch, model }: Props) {
  const { session, cells } = model;
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  const last = cells[cells.length - 1];
  const lastKey = last ? `${last.id}:${last.state}:${last.outputs.length}` : '';
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastKey]);

  const run = async (code: string) => {
    if (!session) return false;
    setError(null);
    try {
      model.addCell(await api.runCell(session.id, code));
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    }
  };
  return (
    <div className="console-panel" data-testid="console-panel">
      <div className="cells" ref={list} data-testid="cells">
        {cells.length === 0 && <p className="muted">No cells yet: type Python below and press Shift+Enter.</p>}
        {cells.map((c) => <CellView key={c.id} cell={c} />)}
      </div>
      {error && <p className="form-error" data-testid="console-error" role="alert">{error}</p>}
      <CodeInput disabled={!session || !isLive(session.state)} onRun={run} />
      <div className="panel-footer">
        <button type="button" className="secondary small" data-testid="console-save-toggle" aria-expanded={saving} onClick={() => setSaving((s) => !s)}>
          Save a variable…
        </button>
        {saving && session && <SaveForm project={project} branch={branch} session={session.id} what={{ variable: true }} testid="console-save" />}
      </div>
    </div>
  );
}
