import { useState } from 'react';
import { api, ApiError, errorMessage, type Branch, type Conflict, type Resolution } from '../../shared/api';
import { shortId } from '../../shared/format';
import { toast } from '../../shared/notify';
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
  const [sides, setSides] = useState<{ ours: string; theirs: string } | undefined>(undefined);
  const sources = branches.filter((b) => b.name !== branch);

  const merge = async (resolutions?: Resolution[]) => {
    if (!source) return;
    setPending(true);
    if (!resolutions) setConflicts(null);
    try {
      const r = await api.merge(project, source, branch, undefined, resolutions);
      toast(
        r.upToDate
          ? `${branch} already has everything from ${source}`
          : r.fastForward
            ? `Fast-forwarded ${branch} to ${source}`
            : `Merged ${source} into ${branch} (${shortId(r.commit)})`,
        'success',
      );
      setOpen(false);
      setSource('');
      setConflicts(null);
      onMerged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.conflicts) {
        setConflicts(e.conflicts);
        setSides(e.sides ?? { ours: branch, theirs: source });
      } else toast(errorMessage(e), 'error');
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
        <select data-testid="merge-source" value={source} onChange={(e) => (setSource(e.target.value), setConflicts(null))}>
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
      {conflicts && (
        <ConflictList
          key={conflicts.map((c) => c.path).join('|')}
          conflicts={conflicts}
          sides={sides}
          testId="merge-conflicts"
          onResolve={disabled ? undefined : (resolutions) => merge(resolutions)}
        />
      )}
    </div>
  );
}
