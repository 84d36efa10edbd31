import { useEffect, useState } from 'react';
import { api } from '../../shared/api';
import type { WsClient } from '../../shared/ws';
import { Figure, FigureDialog, type PlotWithData } from './Figure';

export { svgDataUrl } from './Figure';

/** The job's figures: fetched, then replaced in place by live `plot` messages of the same id. */
export function PlotsTab({ executionId, jobId, ws }: { executionId: string; jobId: string; ws: WsClient }) {
  const [plots, setPlots] = useState<Record<string, PlotWithData>>({});
  const [loaded, setLoaded] = useState(false);
  const [full, setFull] = useState<string | null>(null);
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
  const open = full ? plots[full] : undefined;
  return (
    <div className="plots">
      {list.length === 0 && <p className="muted">{loaded ? 'No figures yet.' : 'Loading figures…'}</p>}
      {list.map((p) => (
        <Figure key={p.id} plot={p} onFullScreen={() => setFull(p.id)} />
      ))}
      {open && <FigureDialog plot={open} onClose={() => setFull(null)} />}
    </div>
  );
}
