import { useState } from 'react';
import type { HistoryEntry } from '../../shared/api';
import { relativeTime, shortId } from '../../shared/format';
import { CommitRow } from './CommitRow';
import { DiffView } from './DiffView';

interface Props {
  project: string;
  entry: HistoryEntry;
  branch?: string;
  readOnly: boolean;
  onOpen: (commit: string) => void;
  onChanged: () => void;
  onBranchCreated: (name: string) => void;
}

const KIND: Record<HistoryEntry['kind'], string> = {
  edits: 'edits',
  checkpoint: 'checkpoint',
  merge: 'merge',
  revert: 'revert',
  created: 'created',
};

/** One notebook entry: a checkpoint or a person's run of edits, what it changed in users' names, its diff and commits. */
export function HistoryEntryRow({ project, entry, branch, readOnly, onOpen, onChanged, onBranchCreated }: Props) {
  const [showDiff, setShowDiff] = useState(false);
  const [showCommits, setShowCommits] = useState(false);
  const n = entry.commits.length;
  const edits = entry.kind === 'checkpoint' ? n - 1 : n;
  return (
    <li className={`history-entry kind-${entry.kind}`} data-testid="history-entry" data-kind={entry.kind} data-commits={n} data-to={entry.to}>
      <div className="commit-main">
        <span className="badge">{KIND[entry.kind]}</span>
        <span className="commit-message" data-testid="history-entry-title">
          {entry.title}
        </span>
        <span className="muted commit-meta">
          {entry.author.name} · <time dateTime={entry.end} title={`${entry.start} – ${entry.end}`}>{relativeTime(entry.end)}</time>
          {edits > 1 && <> · {edits} edits</>}
        </span>
      </div>
      {entry.changes.length > 1 || (entry.changes.length === 1 && entry.title !== entry.changes[0]) ? (
        <ul className="entry-changes" aria-label="What changed">
          {entry.changes.map((c, i) => (
            <li key={i} data-testid="history-entry-change">
              {c}
            </li>
          ))}
          {entry.moreChanges > 0 && <li className="muted">and {entry.moreChanges} more</li>}
        </ul>
      ) : null}
      <div className="commit-actions">
        <button className="secondary small" data-testid="history-entry-open" onClick={() => onOpen(entry.to)}>
          Open
        </button>
        <button
          className="secondary small"
          data-testid="history-entry-diff"
          disabled={!entry.from}
          aria-pressed={showDiff}
          title={entry.from ? `Changes from ${shortId(entry.from)} to ${shortId(entry.to)}` : 'The first commit has nothing before it'}
          onClick={() => setShowDiff((s) => !s)}
        >
          Show changes
        </button>
        <button className="secondary small" data-testid="history-entry-commits" aria-pressed={showCommits} onClick={() => setShowCommits((s) => !s)}>
          {n === 1 ? '1 commit' : `${n} commits`}
        </button>
      </div>
      {showDiff && entry.from && <DiffView project={project} from={entry.from} to={entry.to} />}
      {showCommits && (
        <ul className="commit-list nested">
          {entry.commits.map((c) => (
            <CommitRow
              key={c.id}
              project={project}
              commit={c}
              branch={branch}
              readOnly={readOnly}
              onOpen={onOpen}
              onChanged={onChanged}
              onBranchCreated={onBranchCreated}
            />
          ))}
        </ul>
      )}
    </li>
  );
}
