import { lazy, Suspense, useEffect, useState } from 'react';
import { api, errorMessage, type Lineage } from '../../shared/api';
import { formatSize, formatTime } from '../executions/status';
import type { Json } from '../../shared/patch';
import { buildPath } from '../../shared/router';
import { Link } from '../../shared/components/Link';
import { ReifyActions } from './ReifyActions';
import { ArtifactPreviewView } from './ArtifactPreviewView';
import { SessionProvenance } from './SessionProvenance';

const LineageGraph = lazy(() => import('./LineageGraph'));

interface Props {
  project: string;
  branch?: string;
  head: string;
  id: string;
  artifact: Record<string, Json>;
}

const obj = (v: Json | undefined): Record<string, Json> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {});
const text = (v: Json | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Where the selected artifact came from: its provenance in the model and its lineage graph. */
export function ProvenancePanel({ project, branch, head, id, artifact }: Props) {
  const [lineage, setLineage] = useState<Lineage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    setLineage(null);
    setError(null);
    api.lineage(project, id, head).then(
      (l) => !stale && setLineage(l),
      (e) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [project, id, head]);

  const storage = obj(artifact.storage);
  const prov = obj(artifact.provenance);
  const hasProv = Object.keys(prov).length > 0;
  const execution = text(prov.execution);
  const env = obj(prov.environment);
  const attrs = obj(prov.attributes);
  const kind = text(prov.kind);
  const fromSession = kind === 'training' || kind === 'console';
  return (
    <aside className="inspector provenance" data-testid="provenance-panel" data-artifact-id={id}>
      <h2>{text(artifact.name) || id}</h2>
      <dl className="facts">
        <dt>Type</dt>
        <dd><code>{text(artifact.type)}</code></dd>
        <dt>Size</dt>
        <dd>{typeof storage.size === 'number' ? formatSize(storage.size) : ''}</dd>
        <dt>SHA-256</dt>
        <dd><code className="hash" data-testid="artifact-sha256">{text(storage.sha256)}</code></dd>
        <dt>Created</dt>
        <dd>{formatTime(text(artifact.created) || text(prov.created))}</dd>
      </dl>
      <h3>Preview</h3>
      <ArtifactPreviewView project={project} id={id} head={head} />
      <h3>Provenance</h3>
      {!hasProv ? (
        <p className="muted" data-testid="provenance-uploaded">Uploaded by a user; no job made it.</p>
      ) : fromSession ? (
        <SessionProvenance provenance={prov} />
      ) : (
        <dl className="facts" data-testid="provenance">
          <dt>Operation</dt>
          <dd data-testid="provenance-operation">{text(prov.operation)} <span className="muted">(job {text(prov.job)}, port {text(prov.port)})</span></dd>
          <dt>Execution</dt>
          <dd>
            {execution ? (
              <Link to={buildPath({ page: 'workbench', project, branch, commit: branch ? undefined : head, place: 'executions', id: execution })} data-testid="provenance-execution">
                {execution}
              </Link>
            ) : (
              '—'
            )}
          </dd>
          <dt>Commit</dt>
          <dd><code>{text(prov.commit).slice(0, 10)}</code></dd>
          <dt>Seed</dt>
          <dd data-testid="provenance-seed">{prov.seed === undefined || prov.seed === null ? <span className="muted">not recorded</span> : <code>{text(prov.seed)}</code>}</dd>
          <dt>Code hash</dt>
          <dd><code className="hash">{text(prov.codeSha256)}</code></dd>
          <dt>Attributes</dt>
          <dd>
            {Object.keys(attrs).length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <ul className="plain-list">
                {Object.entries(attrs).map(([k, v]) => (
                  <li key={k}><code>{k}</code> = <code>{text(v)}</code></li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Environment</dt>
          <dd>
            <ul className="plain-list">
              {Object.entries(env).map(([k, v]) => (
                <li key={k}>{k} <code>{text(v)}</code></li>
              ))}
            </ul>
          </dd>
          {Array.isArray(prov.nondeterministic) && prov.nondeterministic.length > 0 && (
            <>
              <dt>Not deterministic</dt>
              <dd data-testid="provenance-nondeterministic">
                <ul className="plain-list">
                  {prov.nondeterministic.map((n, i) => (
                    <li key={i}>{text(n)}</li>
                  ))}
                </ul>
              </dd>
            </>
          )}
        </dl>
      )}
      {hasProv && (kind === 'job' || fromSession) && (
        <ReifyActions project={project} id={id} name={text(artifact.name) || id} execution={execution} />
      )}
      <h3>Lineage</h3>
      {error && <p className="form-error">{error}</p>}
      {!lineage && !error && <p className="muted">Loading the lineage…</p>}
      {lineage && (
        <Suspense fallback={<p className="muted">Loading the lineage…</p>}>
          <LineageGraph lineage={lineage} />
        </Suspense>
      )}
    </aside>
  );
}
