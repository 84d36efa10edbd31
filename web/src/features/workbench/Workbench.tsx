import { FieldConflictDialog } from './FieldConflictDialog';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Branch, type Project } from '../../shared/api';
import { presenceNode } from './live';
import { toast } from '../../shared/notify';
import { branchPath, buildPath, commitPath, navigate, type WorkbenchRoute } from '../../shared/router';
import { useWorkbench } from './useWorkbench';
import { wsClient, type WsClient } from '../../shared/ws';
import { ArtifactsPlace } from '../artifacts/ArtifactsPlace';
import { EntryPlace } from './EntryPlace';
import { RunDialog } from '../executions/RunDialog';
import { entryLabel } from './places';
import { isTyping } from '../../shared/keys';
import { ExecutionsPlace } from '../executions/ExecutionsPlace';
import { HistoryPlace } from '../history/HistoryPlace';
import { Inspector } from './Inspector';
import { Link } from '../../shared/components/Link';
import { OperationsPlace } from '../operation/OperationsPlace';
import { PipelinesPlace } from '../pipeline/PipelinesPlace';
import type { EntryKind } from './places';
import { ArchitecturesPlace } from '../architecture/ArchitecturesPlace';
import { Rail } from './Rail';
import { WorkspacePlace } from '../workspace/WorkspacePlace';
import { LibrariesPlace } from '../libraries/LibrariesPlace';
import { ReadOnlyBanner } from './ReadOnlyBanner';
import { TopBar } from './TopBar';

/** The workbench of one project at a branch (editable, live) or at a commit (read-only). */
export function Workbench({ route, ws = wsClient() }: { route: WorkbenchRoute; ws?: WsClient }) {
  const { project, branch, commit, place, id } = route;
  const [info, setInfo] = useState<Project | null>(null);
  const [branches, setBranches] = useState<Branch[]>([]);

  const refreshBranches = useCallback(() => {
    api.listBranches(project).then(setBranches, () => undefined);
  }, [project]);

  useEffect(() => {
    setInfo(null);
    api.getProject(project).then(setInfo, () => undefined);
    refreshBranches();
  }, [project, refreshBranches]);

  const defaultBranch = info?.defaultBranch;
  const onBranchDeleted = useCallback(() => {
    toast(`Branch ${branch} was deleted`, 'error');
    refreshBranches();
    if (defaultBranch && defaultBranch !== branch) navigate(branchPath(project, defaultBranch, place), { replace: true });
  }, [branch, defaultBranch, project, place, refreshBranches]);

  const wb = useWorkbench(project, { branch, commit }, ws, onBranchDeleted, refreshBranches);

  const node = presenceNode(place, id);
  useEffect(() => {
    if (branch) ws.presence(project, branch, node);
  }, [ws, project, branch, node]);

  const select = (entry: string | undefined) => navigate(buildPath({ ...route, id: entry }));

  // the pipeline the Run button (and Shift-Enter) runs: the open one, on a branch
  const [running, setRunning] = useState(false);
  const runnable = branch && place === 'pipelines' && id !== undefined && wb.model?.pipelines?.[id] ? id : undefined;
  const openRun = useRef<(() => void) | undefined>(undefined);
  openRun.current = runnable ? () => setRunning(true) : undefined;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || !e.shiftKey || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || !openRun.current) return;
      e.preventDefault();
      openRun.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => setRunning(false), [project, branch, place, id]);
  const backBranch = route.returnBranch ?? defaultBranch;
  const projectName = info?.name ?? wb.model?.project?.name ?? project;

  let centre;
  if (wb.error && !wb.model) {
    centre = (
      <div className="empty-state" data-testid="workbench-error" role="alert">
        <h2>Cannot open {commit ? `commit ${commit}` : `branch ${branch}`}</h2>
        <p>{wb.error}</p>
        <p>
          <Link to="/">All projects</Link>
          {defaultBranch && defaultBranch !== branch && (
            <>
              {' · '}
              <Link to={branchPath(project, defaultBranch)}>Open {defaultBranch}</Link>
            </>
          )}
        </p>
      </div>
    );
  } else if (!wb.model || !wb.head) {
    centre = <p className="muted loading">Loading model…</p>;
  } else if (place === 'executions') {
    centre = <ExecutionsPlace project={project} branch={branch ?? route.returnBranch} id={id} model={wb.model} ws={ws} />;
  } else if (place === 'artifacts') {
    centre = <ArtifactsPlace project={project} branch={branch} id={id} model={wb.model} head={wb.head} wb={wb} onSelect={select} />;
  } else if (place === 'workspace') {
    centre = <WorkspacePlace project={project} branch={branch ?? route.returnBranch ?? defaultBranch} id={id} model={wb.model} head={wb.head} ws={ws} />;
  } else if (place === 'libraries') {
    centre = <LibrariesPlace project={project} branch={branch} head={wb.head} readOnly={wb.readOnly} />;
  } else if (place === 'history') {
    centre = (
      <HistoryPlace
        project={project}
        branch={branch}
        head={wb.head}
        branches={branches}
        readOnly={wb.readOnly}
        onOpenCommit={(c) => navigate(commitPath(project, c, 'pipelines', branch ?? route.returnBranch))}
        onChanged={() => void wb.reload()}
        onBranchesChanged={refreshBranches}
      />
    );
  } else if (place === 'pipelines') {
    centre = <PipelinesPlace project={project} branch={branch} id={id} model={wb.model} head={wb.head} wb={wb} onSelect={select} />;
  } else if (place === 'architectures') {
    centre = <ArchitecturesPlace project={project} branch={branch} id={id} model={wb.model} head={wb.head} wb={wb} onSelect={select} />;
  } else if (place === 'operations') {
    centre = <OperationsPlace project={project} branch={branch} id={id} model={wb.model} head={wb.head} wb={wb} onSelect={select} />;
  } else {
    // a place with no editor of its own (none at present): the plain list
    const kind = place as EntryKind;
    const entries = wb.model[kind] ?? {};
    centre = (
      <div className="split">
        <EntryPlace
          kind={kind}
          entries={entries}
          selected={id}
          readOnly={wb.readOnly}
          onSelect={select}
          applyChange={wb.applyChange}
        />
        <Inspector kind={kind} id={id} entry={id !== undefined ? entries[id] : undefined} />
      </div>
    );
  }

  return (
    <div className="workbench">
      <TopBar
        project={project}
        projectName={projectName}
        branch={branch}
        commit={commit}
        head={wb.head}
        branches={branches}
        defaultBranch={defaultBranch}
        place={place}
        users={wb.users}
        onBranchesChanged={refreshBranches}
        onRun={runnable ? () => setRunning(true) : undefined}
      />
      {running && runnable && branch && wb.model && (
        <RunDialog
          project={project}
          branch={branch}
          pipelineId={runnable}
          pipelineName={entryLabel(runnable, wb.model.pipelines[runnable])}
          onClose={() => setRunning(false)}
        />
      )}
      {commit && (
        <ReadOnlyBanner
          commit={wb.head ?? commit}
          backLabel={backBranch ? `Back to ${backBranch}` : 'Back to branch'}
          onBack={() => backBranch && navigate(branchPath(project, backBranch, place))}
        />
      )}
      {info?.role === 'reader' && (
        <div className="reader-banner" data-testid="reader-banner" role="status">
          You are a reader of this project: you can look at everything, but changes need writer rights from an owner.
        </div>
      )}
      <div className="workbench-body">
        <Rail route={route} />
        <main className="centre">{centre}</main>
      </div>
      {wb.fieldConflict && wb.resolveFieldConflict && <FieldConflictDialog conflict={wb.fieldConflict} onChoose={(mine) => void wb.resolveFieldConflict?.(mine)} />}
    </div>
  );
}
