import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type ModelView } from '../../shared/api';
import { formatSize, formatTime } from '../executions/status';
import { uploadFile } from '../executions/upload';
import { toast } from '../../shared/notify';
import { pointer } from '../../shared/patch';
import { buildPath } from '../../shared/router';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { Link } from '../../shared/components/Link';
import { LoadMore } from '../../shared/components/LoadMore';
import { usePagedList } from '../../shared/usePagedList';
import { ImportDialog } from './ImportDialog';
import { ProvenancePanel } from './ProvenancePanel';

interface Props {
  project: string;
  branch?: string;
  id?: string;
  model: ModelView;
  head: string;
  wb: WorkbenchModel;
  onSelect: (id: string | undefined) => void;
}

export const UPLOAD_TYPES = ['file', 'numpy.ndarray', 'pickle'] as const;

/** The artifacts at the shown commit: upload, download, rename, delete, provenance. */
export function ArtifactsPlace({ project, branch, id, model, head, wb, onSelect }: Props) {
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [type, setType] = useState<string>('file');
  const [progress, setProgress] = useState<{ name: string; fraction: number } | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);

  // the search applies once typing pauses
  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim()), 300);
    return () => clearTimeout(t);
  }, [searchText]);
  const fetchPage = useCallback((cursor: string | null) => api.listArtifacts(project, head, search, cursor), [project, head, search]);
  const { items: rows, next, loading, error, loadMore } = usePagedList(JSON.stringify([project, head, search]), fetchPage);

  const upload = async (file: File) => {
    if (!branch) return;
    setProgress({ name: file.name, fraction: 0 });
    try {
      const r = await uploadFile(api.artifactUploadUrl(project, branch, file.name, type), file, (fraction) => setProgress({ name: file.name, fraction }));
      toast(`Uploaded ${file.name}`, 'success');
      await wb.reload();
      onSelect(r.id);
    } catch (e) {
      toast(`Upload of ${file.name} failed: ${errorMessage(e)}`, 'error');
    } finally {
      setProgress(null);
    }
  };

  const rename = async (artifact: string, name: string) => {
    if (await wb.applyChange([{ op: 'replace', path: pointer('artifacts', artifact, 'name'), value: name }], `Rename artifact ${name}`)) setRenaming(null);
  };

  const remove = async (artifact: string, data: boolean) => {
    if (!branch) return;
    try {
      const r = await api.deleteArtifact(project, branch, artifact, data);
      toast(data && !r.dataDeleted ? `Artifact deleted; its data is kept: ${r.reason ?? 'another artifact uses it'}` : 'Artifact deleted', 'info');
      setDeleting(null);
      if (artifact === id) onSelect(undefined);
      await wb.reload();
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };

  const readOnly = wb.readOnly || !branch;
  const selected = id !== undefined ? model.artifacts?.[id] : undefined;
  return (
    <div className="split">
      <section className="place" data-testid="place-artifacts">
        <div className="place-header">
          <h2>Artifacts</h2>
          {!readOnly && (
            <div className="upload-form">
              <label>
                Type{' '}
                <select data-testid="artifact-upload-type" value={type} onChange={(e) => setType(e.target.value)}>
                  {UPLOAD_TYPES.map((t) => (
                    <option key={t} value={t}>{t}</option>
                  ))}
                </select>
              </label>
              <label className="button secondary">
                ⇪ Upload…
                <input
                  type="file"
                  className="file-input"
                  data-testid="artifact-upload"
                  disabled={progress !== null}
                  onChange={(e) => {
                    const f = e.target.files?.[0];
                    e.target.value = '';
                    if (f) void upload(f);
                  }}
                />
              </label>
              <button type="button" className="secondary" data-testid="artifact-import" onClick={() => setImporting(true)}>
                Import from a bucket…
              </button>
            </div>
          )}
          {importing && branch && (
            <ImportDialog project={project} branch={branch} onClose={() => setImporting(false)} onImported={(imported) => {
              setImporting(false);
              toast('Imported without copying', 'success');
              void wb.reload().then(() => onSelect(imported));
            }} />
          )}
        </div>
        {progress && (
          <div className="upload-progress" data-testid="upload-progress" data-fraction={progress.fraction.toFixed(2)}>
            <span>Uploading {progress.name}</span>
            <progress max={1} value={progress.fraction} />
            <span>{Math.round(progress.fraction * 100)} %</span>
          </div>
        )}
        <div className="executions-filters" role="search">
          <label>
            Search <input data-testid="artifacts-search" value={searchText} placeholder="name or type" size={20}
              onChange={(e) => setSearchText(e.target.value)} />
          </label>
        </div>
        {error && <p className="form-error" role="alert">{error}</p>}
        {rows === null ? (
          <p className="muted">Loading artifacts…</p>
        ) : rows.length === 0 ? (
          <p className="empty" data-testid="artifacts-empty">
            {search ? `No artifact's name or type contains “${search}”.` : 'No artifacts yet: upload a file, or run a pipeline with an Output node.'}
          </p>
        ) : (
          <table className="table artifacts-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Storage</th>
                <th>Size</th>
                <th>Created</th>
                <th>Execution</th>
                <th className="actions-col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid="artifact-row" data-artifact-id={a.id} className={a.id === id ? 'selected' : undefined}>
                  <td>
                    {renaming === a.id ? (
                      <form
                        className="inline-form"
                        onSubmit={(e) => {
                          e.preventDefault();
                          const v = String(new FormData(e.currentTarget).get('name') ?? '').trim();
                          if (v) void rename(a.id, v);
                        }}
                      >
                        <input name="name" defaultValue={a.name} data-testid="artifact-rename-input" autoFocus aria-label="New name" />
                        <button className="small" data-testid="artifact-rename-save">Save</button>
                        <button type="button" className="secondary small" onClick={() => setRenaming(null)}>Cancel</button>
                      </form>
                    ) : (
                      <button className="entry-open" data-testid="artifact-open" onClick={() => onSelect(a.id)}>
                        {a.name}
                      </button>
                    )}
                  </td>
                  <td><code>{a.type}</code></td>
                  <td data-testid="artifact-storage">{a.adapter === 'local' ? <span className="muted">this server</span> : a.adapter}</td>
                  <td>{formatSize(a.size)}</td>
                  <td title={a.created ?? ''}>{formatTime(a.created)}</td>
                  <td>
                    {a.execution ? (
                      <Link to={buildPath({ page: 'workbench', project, branch, commit: branch ? undefined : head, place: 'executions', id: a.execution })}>
                        {a.execution}
                      </Link>
                    ) : (
                      <span className="muted">{a.adapter === 'local' ? 'uploaded' : 'imported'}</span>
                    )}
                  </td>
                  <td>
                    <div className="actions">
                      <a className="button secondary small" data-testid="artifact-download" href={api.artifactDataUrl(project, a.id, head)} download>
                        ⇩ Download
                      </a>
                      {!readOnly && (
                        <>
                          <button className="secondary small" data-testid="artifact-rename" onClick={() => setRenaming(a.id)}>Rename</button>
                          <button className="secondary small danger-text" data-testid="artifact-delete" onClick={() => setDeleting(a.id)}>Delete</button>
                        </>
                      )}
                    </div>
                    {deleting === a.id && <DeleteForm name={a.name} onCancel={() => setDeleting(null)} onDelete={(data) => void remove(a.id, data)} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore more={next !== null} loading={loading} onMore={loadMore} testId="artifacts-more" />
      </section>
      {id !== undefined && selected ? (
        <ProvenancePanel project={project} branch={branch} head={head} id={id} artifact={selected} />
      ) : (
        <aside className="inspector" data-testid="inspector">
          <p className="muted">Select an artifact to see where it came from.</p>
        </aside>
      )}
    </div>
  );
}

function DeleteForm({ name, onCancel, onDelete }: { name: string; onCancel: () => void; onDelete: (data: boolean) => void }) {
  const [data, setData] = useState(false);
  return (
    <div className="delete-form" data-testid="artifact-delete-form" role="group" aria-label={`Delete ${name}`}>
      <label className="switch">
        <input type="checkbox" data-testid="artifact-delete-data" checked={data} onChange={(e) => setData(e.target.checked)} />
        also delete the data
      </label>
      <button className="danger small" data-testid="artifact-delete-confirm" onClick={() => onDelete(data)}>Delete {name}</button>
      <button className="secondary small" onClick={onCancel}>Cancel</button>
    </div>
  );
}
