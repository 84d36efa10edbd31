import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type Branch, type Commit, type HistoryEntry } from '../../shared/api';
import { shortId } from '../../shared/format';
import { toast } from '../../shared/notify';
import { CloneHint } from './CloneHint';
import { CommitRow } from './CommitRow';
import { HistoryEntryRow } from './HistoryEntryRow';
import { MergePanel } from './MergePanel';

interface Props {
  project: string;
  branch?: string;
  /** The commit the workbench shows; the list starts there and reloads when it moves. */
  head: string;
  branches: Branch[];
  readOnly: boolean;
  onOpenCommit: (commit: string) => void;
  onChanged: () => void;
  onBranchesChanged: () => void;
}

const PAGE = 50;
const ENTRY_PAGE = 30;

type Mode = 'notebook' | 'commits';
const MODE_KEY = 'deepforge.historyMode';

/** The view the person chose last time (notebook unless they switched to every commit). */
function savedMode(): Mode {
  try {
    return localStorage.getItem(MODE_KEY) === 'commits' ? 'commits' : 'notebook';
  } catch {
    return 'notebook';
  }
}

/**
 * The history as a lab notebook (a person's consecutive edits grouped, checkpoints titling their work) or
 * commit by commit; a checkpoint form writes the user's own message; Merge… merges another branch in.
 */
export function HistoryPlace(props: Props) {
  const { project, head } = props;
  const [mode, setModeState] = useState<Mode>(savedMode);
  const setMode = (m: Mode) => {
    setModeState(m);
    try {
      localStorage.setItem(MODE_KEY, m);
    } catch {
      // storage unavailable: the choice lasts as long as this view
    }
  };
  const [commits, setCommits] = useState<Commit[]>([]);
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        if (mode === 'commits') {
          const page = await api.listCommits(project, { ref: head, limit: PAGE, after });
          setCommits((old) => (after ? [...old, ...page.commits] : page.commits));
          setNext(page.next);
        } else {
          const page = await api.history(project, { ref: head, limit: ENTRY_PAGE, after });
          setEntries((old) => (after ? [...old, ...page.entries] : page.entries));
          setNext(page.next);
        }
        setError(null);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [project, head, mode],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const checkpoint = async () => {
    if (!props.branch || !message.trim()) return;
    setSaving(true);
    try {
      const r = await api.checkpoint(project, props.branch, message.trim());
      toast(`Checkpoint ${shortId(r.commit)}: ${message.trim()}`, 'success');
      setMessage('');
      props.onChanged();
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setSaving(false);
    }
  };

  const rowProps = {
    project,
    branch: props.branch,
    readOnly: props.readOnly,
    onOpen: props.onOpenCommit,
    onChanged: props.onChanged,
    onBranchCreated: props.onBranchesChanged,
  };

  return (
    <section className="place history" data-testid="place-history">
      <header className="place-header">
        <h2>History</h2>
        <div className="segmented" role="group" aria-label="Show the history">
          <button
            className={mode === 'notebook' ? 'small' : 'secondary small'}
            data-testid="history-mode-notebook"
            aria-pressed={mode === 'notebook'}
            onClick={() => setMode('notebook')}
          >
            Notebook
          </button>
          <button
            className={mode === 'commits' ? 'small' : 'secondary small'}
            data-testid="history-mode-commits"
            aria-pressed={mode === 'commits'}
            onClick={() => setMode('commits')}
          >
            Every commit
          </button>
        </div>
        {props.branch && (
          <MergePanel
            project={project}
            branch={props.branch}
            branches={props.branches}
            disabled={props.readOnly}
            onMerged={props.onChanged}
          />
        )}
      </header>
      {props.branch && !props.readOnly && (
        <form
          className="checkpoint-form"
          onSubmit={(e) => {
            e.preventDefault();
            void checkpoint();
          }}
        >
          <input
            data-testid="checkpoint-message"
            placeholder="Checkpoint: say what the work so far does, e.g. “lr 0.01 converges”"
            value={message}
            maxLength={2000}
            onChange={(e) => setMessage(e.target.value)}
            aria-label="Checkpoint message"
          />
          <button data-testid="checkpoint-save" disabled={!message.trim() || saving}>
            Write checkpoint
          </button>
        </form>
      )}
      <CloneHint project={project} />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {mode === 'notebook' ? (
        <ul className="commit-list" data-testid="history-entries">
          {entries.map((e) => (
            <HistoryEntryRow key={e.to} entry={e} {...rowProps} />
          ))}
        </ul>
      ) : (
        <ul className="commit-list" data-testid="commit-list">
          {commits.map((c) => (
            <CommitRow key={c.id} commit={c} {...rowProps} />
          ))}
        </ul>
      )}
      {loading && <p className="muted">Loading…</p>}
      {next && !loading && (
        <button className="secondary" data-testid="history-load-more" onClick={() => void load(next)}>
          Load more
        </button>
      )}
    </section>
  );
}
