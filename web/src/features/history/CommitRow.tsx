import { useState } from 'react';
import { api, ApiError, errorMessage, type Commit, type Conflict } from '../../shared/api';
import { relativeTime, shortId } from '../../shared/format';
import { confirmDialog, toast } from '../../shared/notify';
import { ConflictList } from './ConflictList';
import { DiffView } from './DiffView';
import { InlineForm } from '../../shared/components/InlineForm';
import { validateBranchName } from './BranchSwitcher';

interface Props {
  project: string;
  commit: Commit;
  /** The branch the history is of; undefined in a read-only commit view. */
  branch?: string;
  readOnly: boolean;
  onOpen: (commit: string) => void;
  onChanged: () => void;
  onBranchCreated: (name: string) => void;
}

const MAX_PATHS = 6;

export function CommitRow({ project, commit, branch, readOnly, onOpen, onChanged, onBranchCreated }: Props) {
  const [showDiff, setShowDiff] = useState(false);
  const [branching, setBranching] = useState(false);
  const [conflicts, setConflicts] = useState<Conflict[] | null>(null);
  const [sides, setSides] = useState<{ ours: string; theirs: string } | undefined>(undefined);
  const parent = commit.parents[0];
  const paths = commit.paths ?? [];

  const createBranch = async (name: string) => {
    try {
      await api.createBranch(project, name, commit.id);
      toast(`Created branch ${name} at ${shortId(commit.id)}`, 'success');
      setBranching(false);
      onBranchCreated(name);
      return true;
    } catch (e) {
      toast(errorMessage(e), 'error');
      return false;
    }
  };

  const revert = async () => {
    if (!branch) return;
    if (!(await confirmDialog(`Revert commit ${shortId(commit.id)} "${commit.message}" on ${branch}?`, 'Revert'))) return;
    setConflicts(null);
    try {
      const r = await api.revert(project, commit.id, branch);
      toast(`Reverted ${shortId(commit.id)} as ${shortId(r.commit)}`, 'success');
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.conflicts) {
        setConflicts(e.conflicts);
        setSides(e.sides);
      } else toast(errorMessage(e), 'error');
    }
  };

  return (
    <li className="commit-row" data-testid="commit-row" data-commit={commit.id}>
      <div className="commit-main">
        <code className="commit-id" title={commit.id}>
          {shortId(commit.id)}
        </code>
        <span className="commit-message">{commit.message}</span>
        <span className="muted commit-meta">
          {commit.author?.name ?? 'unknown'} · <time dateTime={commit.time} title={commit.time}>{relativeTime(commit.time)}</time>
        </span>
      </div>
      {paths.length > 0 && (
        <ul className="commit-paths" aria-label="Changed paths">
          {paths.slice(0, MAX_PATHS).map((p) => (
            <li key={p}>
              <code>{p}</code>
            </li>
          ))}
          {paths.length > MAX_PATHS && <li className="muted">and {paths.length - MAX_PATHS} more</li>}
        </ul>
      )}
      <div className="commit-actions">
        <button className="secondary small" data-testid="commit-open" onClick={() => onOpen(commit.id)}>
          Open
        </button>
        <button
          className="secondary small"
          data-testid="commit-diff"
          disabled={!parent}
          title={parent ? `Diff with ${shortId(parent)}` : 'The first commit has no parent'}
          aria-pressed={showDiff}
          onClick={() => setShowDiff((s) => !s)}
        >
          Diff with parent
        </button>
        <button className="secondary small" data-testid="commit-branch" onClick={() => setBranching((b) => !b)}>
          Branch from here
        </button>
        <button
          className="secondary small"
          data-testid="commit-revert"
          disabled={readOnly || !branch || !parent}
          onClick={() => void revert()}
        >
          Revert
        </button>
      </div>
      {branching && (
        <InlineForm
          inputTestId="commit-branch-name"
          submitTestId="commit-branch-create"
          cancelTestId="commit-branch-cancel"
          placeholder="New branch name"
          submitLabel="Create branch"
          autoFocus
          validate={validateBranchName}
          onSubmit={createBranch}
          onCancel={() => setBranching(false)}
        />
      )}
      {conflicts && <ConflictList conflicts={conflicts} sides={sides} testId="revert-conflicts" />}
      {showDiff && parent && <DiffView project={project} from={parent} to={commit.id} />}
    </li>
  );
}
