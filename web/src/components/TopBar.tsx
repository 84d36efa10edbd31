import type { Branch } from '../api';
import type { Place } from '../router';
import type { PresenceUser } from '../ws';
import { BranchSwitcher } from './BranchSwitcher';
import { Link } from './Link';
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
    </header>
  );
}
