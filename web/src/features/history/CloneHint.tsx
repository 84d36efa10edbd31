import { toast } from '../../shared/notify';

/**
 * The command that clones this project's history with plain git (read-only; docs/versioning.md "Clone over git").
 * In accounts mode git asks for a user name and a personal API token as the password.
 */
export function CloneHint({ project }: { project: string }) {
  const command = `git clone ${window.location.origin}/git/${project}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      toast('Clone command copied', 'success');
    } catch {
      toast('Copy failed: select the command and copy it by hand', 'error');
    }
  };
  return (
    <details className="clone-hint" data-testid="clone-hint">
      <summary>Clone with git</summary>
      <p>
        <code data-testid="clone-command">{command}</code>{' '}
        <button type="button" className="secondary small" onClick={() => void copy()}>
          Copy
        </button>
      </p>
      <p className="muted">
        A read-only copy of this project’s history for any git tool; <code>git fetch</code> brings later edits. Where
        the server has accounts, git asks for your user name and a personal API token (Account page) as the password.
      </p>
    </details>
  );
}
