import { useEffect, useState } from 'react';
import { api, type Plot } from '../../shared/api';
import type { WsClient } from '../../shared/ws';
import { isScatter3D, Plot3D } from './Plot3D';

/** A plot with the optional `data` of 3-D scatter figures (shown rotatable). */
type PlotWithData = Plot & { data?: unknown };

/** An SVG as an image source: the browser renders it without running anything in it. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The job's figures: fetched, then replaced in place by live `plot` messages of the same id. */
export function PlotsTab({ executionId, jobId, ws }: { executionId: string; jobId: string; ws: WsClient }) {
  const [plots, setPlots] = useState<Record<string, PlotWithData>>({});
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let stale = false;
    const live = new Set<string>();
    api.jobPlots(executionId, jobId).then(
      (list) => {
        if (stale) return;
        setPlots((cur) => {
          const out = { ...cur };
          // a live message is newer than what the fetch saw
          for (const p of Array.isArray(list) ? list : []) if (!live.has(p.id)) out[p.id] = p;
          return out;
        });
        setLoaded(true);
      },
      () => !stale && setLoaded(true),
    );
    const off = ws.watch(executionId, (m) => {
      if (m.type !== 'plot' || m.job !== jobId) return;
      live.add(m.id);
      setPlots((cur) => ({ ...cur, [m.id]: { id: m.id, title: m.title, svg: m.svg, data: (m as { data?: unknown }).data } }));
    });
    return () => {
      stale = true;
      off();
    };
  }, [ws, executionId, jobId]);

  const list = Object.values(plots).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  return (
    <div className="plots">
      {list.length === 0 && <p className="muted">{loaded ? 'No figures yet.' : 'Loading figures…'}</p>}
      {list.map((p) => (
        <figure key={p.id} className="plot" data-testid="plot" data-plot-id={p.id}>
          {isScatter3D(p.data) ? (
            <Plot3D data={p.data} image={<img src={svgDataUrl(p.svg)} alt={p.title || `Figure ${p.id}`} />} />
          ) : (
            <img src={svgDataUrl(p.svg)} alt={p.title || `Figure ${p.id}`} />
          )}
          {p.title && <figcaption>{p.title}</figcaption>}
        </figure>
      ))}
    </div>
  );
}
