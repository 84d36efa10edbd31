import { useState } from 'react';
import { api, errorMessage, type Deletion } from '../../shared/api';
import { toast } from '../../shared/notify';

interface Props {
  project: string;
  /** The executions to delete (one from its page, several from the list). */
  ids: string[];
  disabled?: boolean;
  onDeleted: (d: Deletion) => void;
}

/** Whole bytes as people read them: 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** "Delete": asks the server what deleting would free and keep (a dry run), shows it, and deletes once confirmed. */
export function DeleteExecutions({ project, ids, disabled, onDeleted }: Props) {
  const [preview, setPreview] = useState<Deletion | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = (dryRun: boolean) =>
    ids.length === 1 ? api.deleteExecution(ids[0], dryRun) : api.deleteExecutions(project, { ids, dryRun });

  const open = async () => {
    try {
      setPreview(await ask(true));
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      const done = await ask(false);
      setPreview(null);
      toast(`Deleted ${done.deleted.length} execution${done.deleted.length === 1 ? '' : 's'}: freed ${formatBytes(done.freed.folderDiskBytes + done.freed.bytes - done.freed.folderBytes)}`, 'info');
      onDeleted(done);
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  const n = preview?.deleted.length ?? 0;
  return (
    <>
      <button className="secondary small danger-text" data-testid="delete-executions" disabled={disabled || ids.length === 0} onClick={() => void open()}>
        Delete{ids.length > 1 ? ` (${ids.length})` : ''}
      </button>
      {preview && (
        <div className="modal-backdrop">
          <div className="modal" role="dialog" aria-modal="true" aria-label="Delete executions" data-testid="delete-executions-dialog">
            <h2>Delete {n} execution{n === 1 ? '' : 's'}?</h2>
            <p data-testid="delete-frees">
              Frees {formatBytes(preview.freed.folderDiskBytes)} of disk ({preview.freed.folderFiles} files, {formatBytes(preview.freed.folderBytes)} of
              data) in run folders, with their console, metrics, plots and run tags. This cannot be undone.
            </p>
            {preview.kept.length > 0 && (
              <p className="muted" data-testid="delete-keeps">
                Kept: {preview.kept.map((k) => `“${k.name}”`).join(', ')} — artifacts these runs made are in a branch; they, their data and
                their provenance stay.
              </p>
            )}
            {(preview.skipped ?? []).length > 0 && (
              <p className="muted" data-testid="delete-skipped">
                Not deleted: {(preview.skipped ?? []).map((s) => `${s.id} (${s.reason})`).join('; ')}
              </p>
            )}
            <div className="modal-actions">
              <button className="secondary" onClick={() => setPreview(null)}>Cancel</button>
              <button className="danger" data-testid="delete-executions-confirm" disabled={busy || n === 0} onClick={() => void confirm()}>
                Delete
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
