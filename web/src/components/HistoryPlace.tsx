import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type Branch, type Commit } from '../api';
import { CommitRow } from './CommitRow';
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

/** Commits newest first, paged, with open / diff / branch / revert per commit and Merge…. */
export function HistoryPlace(props: Props) {
  const { project, head } = props;
  const [commits, setCommits] = useState<Commit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const page = await api.listCommits(project, { ref: head, limit: PAGE, after });
        setCommits((old) => (after ? [...old, ...page.commits] : page.commits));
        setNext(page.next);
        setError(null);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [project, head],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <section className="place history" data-testid="place-history">
      <header className="place-header">
        <h2>History</h2>
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
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ul className="commit-list" data-testid="commit-list">
        {commits.map((c) => (
          <CommitRow
            key={c.id}
            project={project}
            commit={c}
            branch={props.branch}
            readOnly={props.readOnly}
            onOpen={props.onOpenCommit}
            onChanged={props.onChanged}
            onBranchCreated={props.onBranchesChanged}
          />
        ))}
      </ul>
      {loading && <p className="muted">Loading…</p>}
      {next && !loading && (
        <button className="secondary" data-testid="history-load-more" onClick={() => void load(next)}>
          Load more
        </button>
      )}
    </section>
  );
}
