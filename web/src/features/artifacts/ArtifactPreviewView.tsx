import { useEffect, useState } from 'react';
import { api, errorMessage, type ArtifactPreview, type PreviewBody } from '../../shared/api';
import type { Json } from '../../shared/patch';
import { formatSize } from '../executions/status';
import { formatNumber } from './colourScale';
import { SliceViewer } from './SliceViewer';

interface Props {
  project: string;
  id: string;
  head: string;
}

const cell = (v: Json | undefined): string =>
  v === null || v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? v : JSON.stringify(v);

/** What the selected artifact holds, as the server's sandboxed preview found it; a model also shows how to load it. */
export function ArtifactPreviewView({ project, id, head }: Props) {
  const [preview, setPreview] = useState<ArtifactPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    setPreview(null);
    setError(null);
    api.artifactPreview(project, id, head).then(
      (p) => !stale && setPreview(p),
      (e) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [project, id, head]);

  if (error) return <p className="form-error" role="alert" data-testid="preview-error">{error}</p>;
  if (!preview) return <p className="muted" data-testid="preview-loading">Looking into the artifact…</p>;
  return (
    <div className="artifact-preview" data-testid="artifact-preview" data-kind={preview.preview.kind}>
      <Body project={project} id={id} head={head} body={preview.preview} />
      {preview.load && (
        <div className="load-snippet">
          <p>
            Downloads as <code>{preview.fileName}</code>, which loads with plain PyTorch (no DeepForge needed):
          </p>
          <pre data-testid="model-load-snippet">{preview.load}</pre>
          <div className="actions">
            <button type="button" className="secondary small" data-testid="model-load-copy"
              onClick={() => void navigator.clipboard?.writeText(preview.load ?? '')}>
              Copy
            </button>
            <a className="button secondary small" data-testid="model-download" href={api.artifactDataUrl(project, id, head)} download>
              ⇩ {preview.fileName}
            </a>
            <a className="button secondary small" data-testid="model-download-original" href={api.artifactDataUrl(project, id, head, 'original')} download
              title="The model as the job saved it (a whole-module pickle): it loads only where its architecture module is importable">
              ⇩ as saved
            </a>
          </div>
        </div>
      )}
    </div>
  );
}

function Body({ project, id, head, body }: { project: string; id: string; head: string; body: PreviewBody }) {
  switch (body.kind) {
    case 'array':
      return (
        <>
          <dl className="facts">
            <dt>Shape</dt>
            <dd data-testid="preview-shape">{body.shape.length === 0 ? 'scalar' : body.shape.join(' × ')}</dd>
            <dt>dtype</dt>
            <dd data-testid="preview-dtype"><code>{body.dtype}</code></dd>
            <dt>Statistics</dt>
            <dd data-testid="preview-stats">
              min {formatNumber(body.stats.min)}, max {formatNumber(body.stats.max)}, mean {formatNumber(body.stats.mean)}
              {body.stats.exact === false && <span className="muted"> (estimated from a sample)</span>}
              {body.stats.nan ? <span className="muted">, {body.stats.nan} NaN</span> : null}
            </dd>
          </dl>
          {body.image && body.shape.length !== 2 && <img className="preview-image" src={body.image} alt="the array as an image" data-testid="preview-image" />}
          {/* a 2-D array is drawn by the slice viewer, with its colour bar */}
          {body.shape.length >= 2 && <SliceViewer project={project} id={id} head={head} shape={body.shape} />}
          {body.values && (
            <p className="preview-values" data-testid="preview-values">
              {body.values.map(cell).join(', ')}
              {body.shape[0] > body.values.length && ' …'}
            </p>
          )}
          {body.value !== undefined && <p data-testid="preview-values">{cell(body.value)}</p>}
        </>
      );
    case 'table':
      return (
        <div className="slice-table-wrap">
          <table className="table" data-testid="preview-table">
            <thead>
              <tr>{body.columns.map((c) => <th key={c}>{c}</th>)}</tr>
            </thead>
            <tbody>
              {body.rows.map((row, i) => (
                <tr key={i}>{row.map((v, j) => <td key={j}>{cell(v)}</td>)}</tr>
              ))}
            </tbody>
          </table>
          {body.total > body.rows.length && <p className="muted small">first {body.rows.length} of {body.total}</p>}
        </div>
      );
    case 'text':
      return (
        <>
          <pre className="preview-text" data-testid="preview-text">{body.text}</pre>
          {body.truncated && <p className="muted small">first {formatSize(body.text.length)} shown</p>}
        </>
      );
    case 'image':
      return <img className="preview-image" src={body.image} alt="the image" data-testid="preview-image" />;
    case 'fits':
      return (
        <div data-testid="preview-fits">
          {body.hdus.map((hdu, i) => (
            <details key={i} open={i === 0}>
              <summary>
                HDU {i} <code>{hdu.name}</code> {hdu.kind}
                {hdu.shape && ` ${hdu.shape.join(' × ')}`}
              </summary>
              <table className="table fits-header">
                <tbody>
                  {hdu.cards.map(([k, v, comment], j) => (
                    <tr key={j}><th>{k}</th><td>{cell(v)}</td><td className="muted">{comment}</td></tr>
                  ))}
                </tbody>
              </table>
            </details>
          ))}
        </div>
      );
    case 'model':
      return (
        <>
          <dl className="facts">
            <dt>Class</dt>
            <dd><code>{body.class}</code></dd>
            <dt>Parameters</dt>
            <dd data-testid="preview-parameters">
              {body.parameters.toLocaleString('en')}
              {body.trainable !== body.parameters && <span className="muted"> ({body.trainable.toLocaleString('en')} trainable)</span>}
            </dd>
          </dl>
          <table className="table model-tree" data-testid="preview-modules">
            <thead>
              <tr><th>Module</th><th>Type</th><th>Out</th><th>Parameters</th></tr>
            </thead>
            <tbody>
              {body.modules.map((m) => (
                <tr key={m.name}>
                  <td style={{ paddingLeft: `${0.5 + m.depth}em` }}><code>{m.name}</code></td>
                  <td>{m.type}</td>
                  <td>{m.out ?? ''}</td>
                  <td>{m.parameters ? m.parameters.toLocaleString('en') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      );
    case 'value':
      return <p data-testid="preview-values"><code>{cell(body.value)}</code> <span className="muted">({body.type})</span></p>;
    default:
      return (
        <p className="muted" data-testid="preview-other">
          {body.type}{body.bytes !== undefined && `, ${formatSize(body.bytes)}`}{body.text && `: ${body.text}`}
        </p>
      );
  }
}
