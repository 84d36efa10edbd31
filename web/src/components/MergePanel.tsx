import { useState } from 'react';
import { api, ApiError, errorMessage, type Branch, type Conflict } from '../api';
import { shortId } from '../format';
import { toast } from '../notify';
import { ConflictList } from './ConflictList';

interface Props {
  project: string;
  branch: string;
  branches: Branch[];
  disabled: boolean;
  onMerged: () => void;
}

/** "Merge…": pick a source branch and merge it into the current one. */
export function MergePanel({ project, branch, branches, disabled, onMerged }: Props) {
  const [open, setOpen] = useState(false);
  const [source, setSource] = useState('');
  const [pending, setPending] = useState(false);
  const [conflicts, setConflicts] = useState<Conflict[] | null>(null);
  const sources = branches.filter((b) => b.name !== branch);

  const merge = async () => {
    if (!source) return;
    setPending(true);
    setConflicts(null);
    try {
      const r = await api.merge(project, source, branch);
      toast(
        r.fastForward ? `Fast-forwarded ${branch} to ${source}` : `Merged ${source} into ${branch} (${shortId(r.commit)})`,
        'success',
      );
      setOpen(false);
      setSource('');
      onMerged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.conflicts) setConflicts(e.conflicts);
      else toast(errorMessage(e), 'error');
    } finally {
      setPending(false);
    }
  };

  if (!open)
    return (
      <button className="secondary" data-testid="merge-open" disabled={disabled} onClick={() => setOpen(true)}>
        Merge…
      </button>
    );

  return (
    <div className="merge-panel" data-testid="merge-panel">
      <label>
        Merge branch{' '}
        <select data-testid="merge-source" value={source} onChange={(e) => setSource(e.target.value)}>
          <option value="">Choose a branch…</option>
          {sources.map((b) => (
            <option key={b.name} value={b.name} data-testid="merge-source-option">
              {b.name}
            </option>
          ))}
        </select>{' '}
        into <code>{branch}</code>
      </label>
      <button data-testid="merge-submit" disabled={!source || pending || disabled} onClick={() => void merge()}>
        Merge
      </button>
      <button className="secondary" data-testid="merge-cancel" onClick={() => (setOpen(false), setConflicts(null))}>
        Cancel
      </button>
      {conflicts && <ConflictList conflicts={conflicts} testId="merge-conflicts" />}
    </div>
  );
}
