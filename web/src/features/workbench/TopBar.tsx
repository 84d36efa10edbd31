import type { Branch } from '../../shared/api';
import type { Place } from '../../shared/router';
import type { PresenceUser } from '../../shared/ws';
import { BranchSwitcher } from '../history/BranchSwitcher';
import { Link } from '../../shared/components/Link';
import { PresenceAvatars } from './PresenceAvatars';

interface Props {
  project: string;
  projectName: string;
  branch?: string;
  commit?: string;
  head: string | null;
  branches: Branch[];
  defaultBranch?: string;
  place: Place;
  users: PresenceUser[];
  onBranchesChanged: () => void;
  /** Runs the open pipeline; absent when there is nothing to run (no pipeline open, or a commit view). */
  onRun?: () => void;
}

export function TopBar(props: Props) {
  return (
    <header className="topbar">
      <Link to="/" className="brand" data-testid="home-link" title="All projects">
        <span className="logo" aria-hidden="true">◆</span> DeepForge
      </Link>
      <span className="divider" aria-hidden="true">/</span>
      <span className="project-name" data-testid="project-name">
        {props.projectName}
      </span>
      <BranchSwitcher
        project={props.project}
        branch={props.branch}
        commit={props.commit}
        head={props.head}
        branches={props.branches}
        defaultBranch={props.defaultBranch}
        place={props.place}
        onBranchesChanged={props.onBranchesChanged}
      />
      <span className="spacer" />
      <PresenceAvatars users={props.users} />
      {props.branch && (
        <button
          data-testid="run-button"
          className="run-button"
          disabled={!props.onRun}
          onClick={props.onRun}
          title={props.onRun ? 'Run the open pipeline (Shift-Enter)' : 'Open a pipeline to run it'}
        >
          ▶ Run
        </button>
      )}
    </header>
  );
}
