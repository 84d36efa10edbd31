import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage, type Deletion, type RetentionPolicy } from '../../shared/api';
import { toast } from '../../shared/notify';
import { formatBytes } from './DeleteExecutions';

interface Props {
  project: string;
  onClose: () => void;
  onApplied: () => void;
}

const count = (s: string) => (s.trim() === '' ? null : Number(s));

/** The project's retention policy: keep the last N executions, those of the last D days, and those that made a kept artifact. */
export function RetentionPanel({ project, onClose, onApplied }: Props) {
  const [keepLast, setKeepLast] = useState('');
  const [keepDays, setKeepDays] = useState('');
  const [producers, setProducers] = useState(true);
  const [preview, setPreview] = useState<Deletion | null>(null);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    api
      .retentionPolicy(project)
      .then((p) => {
        setKeepLast(p.keepLast?.toString() ?? '');
        setKeepDays(p.keepDays?.toString() ?? '');
        setProducers(p.keepArtifactProducers);
        setLoaded(true);
      })
      .catch((e) => toast(errorMessage(e), 'error'));
  }, [project]);

  const policy = (): RetentionPolicy => ({ keepLast: count(keepLast), keepDays: count(keepDays), keepArtifactProducers: producers });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.setRetentionPolicy(project, policy());
      setPreview(await api.applyRetention(project, true));
      toast('Retention policy saved: it applies whenever an execution ends', 'info');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const apply = async () => {
    try {
      const done = await api.applyRetention(project, false);
      toast(`Deleted ${done.deleted.length} execution(s): freed ${formatBytes(done.freed.folderDiskBytes + done.freed.bytes - done.freed.folderBytes)}`, 'info');
      setPreview(null);
      onApplied();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  return (
    <div className="modal-backdrop">
      <form className="modal retention-panel" role="dialog" aria-modal="true" aria-label="Retention policy" data-testid="retention-panel" onSubmit={(e) => void save(e)}>
        <h2>Keep executions</h2>
        <p className="muted">Executions no rule keeps are deleted whenever one ends (running ones never). Leave both counts empty to keep everything.</p>
        <label>
          The last <input type="number" min={1} data-testid="retention-keep-last" value={keepLast} onChange={(e) => setKeepLast(e.target.value)} /> executions
        </label>
        <label>
          Those of the last <input type="number" min={1} data-testid="retention-keep-days" value={keepDays} onChange={(e) => setKeepDays(e.target.value)} /> days
        </label>
        <label>
          <input type="checkbox" data-testid="retention-keep-producers" checked={producers} onChange={(e) => setProducers(e.target.checked)} /> Every
          execution that made an artifact still in a branch
        </label>
        {preview && (
          <p data-testid="retention-preview">
            Applied now, it deletes {preview.deleted.length} execution(s) and frees {formatBytes(preview.freed.folderDiskBytes)} of disk.
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="secondary" onClick={onClose}>Close</button>
          {preview && preview.deleted.length > 0 && (
            <button type="button" className="danger" data-testid="retention-apply" onClick={() => void apply()}>Apply now</button>
          )}
          <button type="submit" data-testid="retention-save" disabled={!loaded}>Save</button>
        </div>
      </form>
    </div>
  );
}
