import { useEffect, useMemo, useRef, useState } from 'react';
import { formatNumber } from '../artifacts/colourScale';
import { LineChart } from '../executions/LineChart';
import { Scatter3DCanvas, type Scatter3DAxes } from '../executions/Plot3D';
import { formatShape, type Describe, type Plot } from './outputs';
import { lineSeries, scatterAxes } from './plots';
import { Scatter2D } from './Scatter2D';

/** What `df.load` or `df.explore` said about a value: type, shape, dtype, summary, preview and its plot. */
export function DescribeView({ describe }: { describe: Describe }) {
  const { summary } = describe;
  return (
    <div className="describe" data-testid="describe" data-expression={describe.expression}>
      <dl className="facts">
        <dt>Expression</dt>
        <dd className="mono" data-testid="describe-expression">{describe.expression}</dd>
        <dt>Type</dt>
        <dd className="mono" data-testid="describe-type">{describe.type}</dd>
        {describe.shape && (
          <>
            <dt>Shape</dt>
            <dd data-testid="describe-shape">{formatShape(describe.shape)}</dd>
          </>
        )}
        {describe.dtype && (
          <>
            <dt>dtype</dt>
            <dd className="mono" data-testid="describe-dtype">{describe.dtype}</dd>
          </>
        )}
        {describe.columns && (
          <>
            <dt>Columns</dt>
            <dd>{describe.columns.join(', ')}</dd>
          </>
        )}
      </dl>
      {summary && (
        <table className="table compact describe-summary" data-testid="describe-summary">
          <thead>
            <tr>{(['min', 'max', 'mean', 'std', 'nan'] as const).map((k) => <th key={k}>{k}</th>)}</tr>
          </thead>
          <tbody>
            <tr>{(['min', 'max', 'mean', 'std', 'nan'] as const).map((k) => <td key={k}>{formatNumber(summary[k])}</td>)}</tr>
          </tbody>
        </table>
      )}
      {describe.plot && <PlotView plot={describe.plot} title={describe.expression} />}
      {describe.preview && <pre className="describe-preview" data-testid="describe-preview">{describe.preview}</pre>}
    </div>
  );
}

function PlotView({ plot, title }: { plot: Plot; title: string }) {
  const series = useMemo(() => (plot.kind === 'line' ? lineSeries(plot, title) : []), [plot, title]);
  const axes = useMemo(() => (plot.kind === 'scatter' ? scatterAxes(plot, title) : null), [plot, title]);
  if (plot.kind === 'line') return <LineChart title={title} series={series} testid="explore-line" height={200} />;
  if (plot.kind === 'image') {
    // a small slice (8 × 8, say) is drawn larger, its pixels kept sharp
    const zoom = Math.max(1, Math.min(32, Math.floor(256 / Math.max(plot.width, plot.height, 1))));
    return (
      <figure className="explore-image" data-testid="explore-image" data-width={plot.width} data-height={plot.height}>
        <img src={`data:image/png;base64,${plot.png}`} alt={title} width={plot.width * zoom} height={plot.height * zoom} />
        <figcaption className="muted small-text">
          {plot.width} × {plot.height} · min <span data-testid="explore-image-min">{formatNumber(plot.min)}</span> · max{' '}
          <span data-testid="explore-image-max">{formatNumber(plot.max)}</span>
        </figcaption>
      </figure>
    );
  }
  if (!axes) return null;
  if (plot.dims === 3) return <Scatter3D axes={axes} />;
  return <Scatter2D axes={axes} />;
}

/** Room for the colour bar beside a 3-D view. */
const BAR_ROOM = 90;

/** The 3-D view as wide as its panel allows (at most 420 pixels), 5:6 high. */
function Scatter3D({ axes }: { axes: Scatter3DAxes }) {
  const box = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState(420 + BAR_ROOM);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const seen = new ResizeObserver(() => setRoom(el.clientWidth));
    seen.observe(el);
    return () => seen.disconnect();
  }, []);
  const width = Math.max(200, Math.min(420, room - BAR_ROOM));
  return (
    <div ref={box} data-testid="explore-scatter" data-dims="3" data-points={axes.series[0].x.length}>
      <Scatter3DCanvas axes={axes} width={width} height={Math.round((width * 5) / 6)} />
    </div>
  );
}
