import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, type ArraySlice } from '../../shared/api';
import { formatNumber, heatmapPixels, viridis } from './colourScale';

interface Props {
  project: string;
  id: string;
  head: string;
  shape: number[];
}

/** Cells of the slice shown as numbers at most (the image shows all of the downsampled slice). */
const TABLE_SIDE = 12;

/** A 2-D slice of an N-D array: the leading axes' indices chosen, the slice drawn with a colour scale and as numbers. */
export function SliceViewer({ project, id, head, shape }: Props) {
  const lead = shape.length - 2;
  const [index, setIndex] = useState<number[]>(() => Array.from({ length: lead }, () => 0));
  const [slice, setSlice] = useState<ArraySlice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let stale = false;
    setError(null);
    api.artifactSlice(project, id, index, head).then(
      (s) => !stale && setSlice(s),
      (e) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [project, id, head, index]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !slice || slice.rows.length === 0) return;
    const h = slice.rows.length;
    const w = slice.rows[0].length;
    c.width = w;
    c.height = h;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(heatmapPixels(slice.rows, slice.min ?? 0, slice.max ?? 1), w, h), 0, 0);
  }, [slice]);

  const gradient = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => `rgb(${viridis(t).join(',')})`).join(', ')})`;
  return (
    <div className="slice-viewer" data-testid="slice-viewer">
      {lead > 0 && (
        <div className="slice-index">
          {index.map((v, axis) => (
            <label key={axis}>
              axis {axis}{' '}
              <input
                type="number"
                min={0}
                max={shape[axis] - 1}
                value={v}
                data-testid={`slice-index-${axis}`}
                aria-label={`Index of axis ${axis} (0 to ${shape[axis] - 1})`}
                onChange={(e) => {
                  const n = Math.trunc(Number(e.target.value));
                  if (Number.isFinite(n) && n >= 0 && n < shape[axis]) setIndex(index.map((old, a) => (a === axis ? n : old)));
                }}
              />
              <span className="muted"> / {shape[axis]}</span>
            </label>
          ))}
        </div>
      )}
      {error && <p className="form-error" role="alert" data-testid="slice-error">{error}</p>}
      {slice && (
        <div data-testid="slice" data-index={slice.index.join(',')}>
          <p className="muted small">
            slice [{[...slice.index.map(String), ':', ':'].join(', ')}] of {slice.shape.join(' × ')}
            {(slice.step[0] > 1 || slice.step[1] > 1) && ` (every ${slice.step[0]}th row, ${slice.step[1]}th column)`}
          </p>
          <canvas ref={canvas} className="slice-image" data-testid="slice-image" />
          <div className="colour-bar" data-testid="slice-colour-bar">
            <span>{formatNumber(slice.min)}</span>
            <span className="colour-bar-ramp" style={{ background: gradient }} />
            <span>{formatNumber(slice.max)}</span>
          </div>
          <div className="slice-table-wrap">
            <table className="table slice-table" data-testid="slice-table">
              <tbody>
                {slice.rows.slice(0, TABLE_SIDE).map((row, y) => (
                  <tr key={y}>
                    <th>{y * slice.step[0]}</th>
                    {row.slice(0, TABLE_SIDE).map((v, x) => (
                      <td key={x}>{formatNumber(v)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
