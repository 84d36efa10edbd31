import { useState } from 'react';
import { api, errorMessage, type Branch } from '../../shared/api';
import { shortId } from '../../shared/format';
import { confirmDialog, toast } from '../../shared/notify';
import { branchPath, navigate, type Place } from '../../shared/router';
import { InlineForm } from '../../shared/components/InlineForm';

interface Props {
  project: string;
  branch?: string;
  commit?: string;
  head: string | null;
  branches: Branch[];
  defaultBranch?: string;
  place: Place;
  onBranchesChanged: () => void;
}

const NAME_RE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
export const validateBranchName = (name: string) =>
  NAME_RE.test(name) && !name.includes('..') && !name.endsWith('.lock')
    ? null
    : 'Use letters, digits, ".", "_", "-" (and "/" between parts)';

/** Branch select plus create-from-head and delete. */
export function BranchSwitcher(props: Props) {
  const { project, branch, commit, head, branches, defaultBranch, place } = props;
  const [creating, setCreating] = useState(false);
  const names = branches.map((b) => b.name);
  if (branch && !names.includes(branch)) names.unshift(branch);

  const create = async (name: string) => {
    if (!head) return false;
    try {
      await api.createBranch(project, name, head);
      toast(`Created branch ${name}`, 'success');
      setCreating(false);
      props.onBranchesChanged();
      navigate(branchPath(project, name, place));
      return true;
    } catch (e) {
      toast(errorMessage(e), 'error');
      return false;
    }
  };

  const remove = async () => {
    if (!branch || !defaultBranch) return;
    if (!(await confirmDialog(`Delete branch "${branch}"? Commits only on it become unreachable.`, 'Delete branch')))
      return;
    try {
      await api.deleteBranch(project, branch);
      toast(`Deleted branch ${branch}`, 'success');
      props.onBranchesChanged();
      navigate(branchPath(project, defaultBranch, place));
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };

  return (
    <div className="branch-switcher">
      <label className="sr-only" htmlFor="branch-switcher">
        Branch
      </label>
      <select
        id="branch-switcher"
        data-testid="branch-switcher"
        value={commit !== undefined ? '' : branch}
        onFocus={props.onBranchesChanged}
        onChange={(e) => e.target.value && navigate(branchPath(project, e.target.value, place))}
      >
        {commit !== undefined && (
          <option value="" disabled data-testid="branch-option-commit">
            @{shortId(commit)} (read-only)
          </option>
        )}
        {names.map((n) => (
          <option key={n} value={n} data-testid="branch-option">
            {n}
          </option>
        ))}
      </select>
      {creating ? (
        <InlineForm
          inputTestId="new-branch-name"
          submitTestId="new-branch-create"
          cancelTestId="new-branch-cancel"
          placeholder="New branch name"
          submitLabel="Create"
          autoFocus
          validate={(v) => (names.includes(v) ? 'A branch with that name exists' : validateBranchName(v))}
          onSubmit={create}
          onCancel={() => setCreating(false)}
        />
      ) : (
        <button
          className="secondary"
          data-testid="new-branch"
          title={`New branch from ${head ? shortId(head) : 'the current commit'}`}
          disabled={!head}
          onClick={() => setCreating(true)}
        >
          New branch
        </button>
      )}
      <button
        className="secondary danger-text"
        data-testid="branch-delete"
        title={branch === defaultBranch ? 'The default branch cannot be deleted' : `Delete branch ${branch ?? ''}`}
        disabled={!branch || !defaultBranch || branch === defaultBranch}
        onClick={() => void remove()}
      >
        Delete branch
      </button>
    </div>
  );
}
