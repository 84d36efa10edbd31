import { useState } from 'react';
import { api, errorMessage, type Project } from '../../shared/api';
import { confirmDialog, toast } from '../../shared/notify';
import { buildPath } from '../../shared/router';
import { useAccounts } from '../../shared/session';
import { InlineForm } from '../../shared/components/InlineForm';
import { Link } from '../../shared/components/Link';
import { SharingDialog } from './SharingDialog';

export function ProjectRow({ project, onChanged }: { project: Project; onChanged: () => void }) {
  const [renaming, setRenaming] = useState(false);
  const [sharing, setSharing] = useState(false);
  const accounts = useAccounts();
  const canWrite = project.role === 'writer' || project.role === 'owner';
  const canOwn = project.role === 'owner';
  const open = buildPath({ page: 'project', project: project.id });

  const rename = async (name: string) => {
    try {
      await api.updateProject(project.id, { name });
      setRenaming(false);
      toast(`Renamed to ${name}`, 'success');
      onChanged();
      return true;
    } catch (e) {
      toast(errorMessage(e), 'error');
      return false;
    }
  };

  const remove = async () => {
    if (!(await confirmDialog(`Delete project "${project.name}" and all its history? This cannot be undone.`, 'Delete')))
      return;
    try {
      await api.deleteProject(project.id);
      toast(`Deleted project ${project.name}`, 'success');
      onChanged();
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };

  return (
    <tr data-testid="project-row" data-project-id={project.id}>
      <td>
        {renaming ? (
          <InlineForm
            inputTestId="rename-input"
            submitTestId="rename-save"
            cancelTestId="rename-cancel"
            placeholder="New name"
            submitLabel="Save"
            initial={project.name}
            autoFocus
            onSubmit={rename}
            onCancel={() => setRenaming(false)}
          />
        ) : (
          <Link to={open} data-testid="project-open" className="strong">
            {project.name}
          </Link>
        )}
      </td>
      <td className="muted">{project.description}</td>
      <td>
        <code>{project.defaultBranch}</code>
      </td>
      {accounts && <td data-testid="project-role">{project.role}</td>}
      <td>
        <div className="actions">
        <Link to={open} className="button" data-testid="project-open-button">
          Open
        </Link>
        <button className="secondary" data-testid="project-rename" onClick={() => setRenaming(true)}
          disabled={renaming || !canWrite} title={canWrite ? undefined : 'Readers cannot rename the project'}>
          Rename
        </button>
        <a
          className="button secondary"
          data-testid="project-export"
          href={api.exportUrl(project.id)}
          download={`${project.name}.bundle`}
        >
          Export
        </a>
        {accounts && (
          <button className="secondary" data-testid="project-share" onClick={() => setSharing(true)}>
            {canOwn ? 'Share' : 'Members'}
          </button>
        )}
        <button className="danger" data-testid="project-delete" onClick={() => void remove()} disabled={!canOwn}
          title={canOwn ? undefined : 'Only an owner can delete the project'}>
          Delete
        </button>
        {sharing && <SharingDialog project={project} onClose={() => setSharing(false)} />}
        </div>
      </td>
    </tr>
  );
}
