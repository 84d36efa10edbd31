import { useEffect, useRef, useState } from 'react';
import { errorMessage, type Plot } from '../../shared/api';
import { toast } from '../../shared/notify';
import { fileName, saveBlob, svgSize, svgToPng } from './figure';
import { isScatter3D, Plot3D } from './Plot3D';

/** A plot with the optional `data` of 3-D scatter figures (shown rotatable). */
export type PlotWithData = Plot & { data?: unknown };

/** An SVG as an image source: the browser renders it without running anything in it. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The size an element has now, followed as it is resized. */
function useSize<T extends HTMLElement>(): [React.RefObject<T | null>, { width: number; height: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);
  return [ref, size];
}

/** The largest box of the figure's aspect ratio inside `room`. */
export function fit(figure: { width: number; height: number }, room: { width: number; height: number }): { width: number; height: number } {
  const scale = Math.min(room.width / figure.width, room.height / figure.height);
  return { width: Math.floor(figure.width * scale), height: Math.floor(figure.height * scale) };
}

/**
 * One figure: the image at its own aspect ratio, as wide as its room allows (never cropped), a
 * rotatable view for 3-D scatters, and buttons to open it full screen and save it as SVG or PNG.
 * `full` draws it as the full-screen dialog's content.
 */
export function Figure({ plot, full = false, onFullScreen }: { plot: PlotWithData; full?: boolean; onFullScreen?: () => void }) {
  const [box, room] = useSize<HTMLDivElement>();
  const size = svgSize(plot.svg);
  // full screen: as large as the dialog allows; in the list: as wide as the column (height from the ratio)
  const fitted = full && room.width > 0 && room.height > 0 ? fit(size, room) : null;
  const title = plot.title || `Figure ${plot.id}`;
  const image = (
    <img
      className="figure-image"
      src={svgDataUrl(plot.svg)}
      alt={title}
      data-testid="figure-image"
      width={Math.round(size.width)}
      height={Math.round(size.height)}
      style={fitted ? { width: fitted.width, height: fitted.height } : { aspectRatio: `${size.width} / ${size.height}` }}
    />
  );
  const png = async () => {
    try {
      saveBlob(await svgToPng(plot.svg), fileName(title, `figure-${plot.id}`, 'png'));
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };
  return (
    <figure className={`plot${full ? ' plot-full' : ''}`} data-testid={full ? 'figure-full' : 'plot'} data-plot-id={plot.id}
      data-aspect={(size.width / size.height).toFixed(4)}>
      <div className="plot-toolbar">
        {plot.title && <figcaption>{plot.title}</figcaption>}
        <span className="spacer" />
        {onFullScreen && (
          <button type="button" className="secondary small" data-testid="figure-fullscreen" onClick={onFullScreen} title="Open this figure full screen (Esc closes)">
            ⤢ Full screen
          </button>
        )}
        <button type="button" className="secondary small" data-testid="figure-download-svg" title="Save the figure as SVG"
          onClick={() => saveBlob(new Blob([plot.svg], { type: 'image/svg+xml' }), fileName(title, `figure-${plot.id}`, 'svg'))}>
          ⬇ SVG
        </button>
        <button type="button" className="secondary small" data-testid="figure-download-png" title="Save the figure as PNG (drawn from the SVG)" onClick={() => void png()}>
          ⬇ PNG
        </button>
      </div>
      <div className="plot-body" ref={box}>
        {isScatter3D(plot.data) ? <Plot3D data={plot.data} image={image} width={(fitted ? Math.min(room.width, (room.height - 40) * 1.2 + 90) : room.width) || undefined} /> : image}
      </div>
    </figure>
  );
}

/** A figure full screen, over everything; Esc or ✕ closes it. */
export function FigureDialog({ plot, onClose }: { plot: PlotWithData; onClose: () => void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    closeButton.current?.focus();
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div className="figure-dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="figure-dialog" role="dialog" aria-modal="true" aria-label={plot.title || `Figure ${plot.id}`} data-testid="figure-dialog">
        <button ref={closeButton} type="button" className="secondary small figure-dialog-close" data-testid="figure-dialog-close" onClick={onClose} aria-label="Close (Esc)">
          ✕
        </button>
        <Figure plot={plot} full />
      </div>
    </div>
  );
}
