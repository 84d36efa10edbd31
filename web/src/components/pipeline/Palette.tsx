import { useEffect, useMemo, useRef, useState, type DragEvent, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import type { EntryMap } from '../../api';
import type { PaletteItem } from '../../pipeline/edits';
import { entryLabel } from '../places';

export const DRAG_TYPE = 'application/x-deepforge-node';

/** When the last HTML5 drop landed on the canvas (the pointer fallback must not add a second node). */
let lastNativeDrop = 0;
export function noteNativeDrop(): void {
  lastNativeDrop = Date.now();
}

interface Props {
  operations: EntryMap;
  pipelines: EntryMap;
  /** The open pipeline (it cannot contain itself). */
  current: string;
  disabled: boolean;
  searchRef: RefObject<HTMLInputElement | null>;
  onAdd: (item: PaletteItem) => void;
  /** Adds at a point of the screen (a drag released over the canvas). */
  onDropAt: (item: PaletteItem, clientX: number, clientY: number) => void;
}

interface Entry { key: string; label: string; item: PaletteItem; hint?: string }

/** Operations, Input, Output and other pipelines, to drag onto the canvas (or click to add at the centre). */
export function Palette({ operations, pipelines, current, disabled, searchRef, onAdd, onDropAt }: Props) {
  const [search, setSearch] = useState('');
  const ghost = usePointerDrag(onDropAt);
  const [showPipelines, setShowPipelines] = useState(false);
  const q = search.trim().toLowerCase();

  const entries = useMemo(() => {
    const ops: Entry[] = Object.keys(operations)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => {
        const doc = (operations[name]?.interface as { docstring?: string } | undefined)?.docstring;
        return { key: name, label: name, item: { kind: 'operation', name }, hint: typeof doc === 'string' ? doc : undefined };
      });
    const io: Entry[] = [
      { key: 'Input', label: 'Input', item: { kind: 'input' }, hint: 'An artifact fed into the pipeline' },
      { key: 'Output', label: 'Output', item: { kind: 'output' }, hint: 'Saves a result as an artifact' },
    ];
    const subs: Entry[] = Object.keys(pipelines)
      .filter((id) => id !== current)
      .map((id) => ({ key: `pipeline:${id}`, label: entryLabel(id, pipelines[id]), item: { kind: 'pipeline', id } as PaletteItem }))
      .sort((a, b) => a.label.localeCompare(b.label));
    return { ops, io, subs };
  }, [operations, pipelines, current]);

  const match = (e: Entry) => !q || e.label.toLowerCase().includes(q);
  const visible = [...entries.io, ...entries.ops].filter(match);
  const subs = entries.subs.filter(match);

  const dragStart = (e: DragEvent, item: PaletteItem) => {
    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(item));
    e.dataTransfer.setData('text/plain', JSON.stringify(item));
    e.dataTransfer.effectAllowed = 'copy';
  };

  const row = (e: Entry) => (
    <li key={e.key}>
      <button
        type="button"
        className="palette-item"
        data-testid="palette-item"
        data-name={e.key}
        draggable={!disabled}
        disabled={disabled}
        title={e.hint ? `${e.hint}\n(drag onto the canvas, or click to add)` : 'Drag onto the canvas, or click to add'}
        onDragStart={(ev) => dragStart(ev, e.item)}
        onPointerDown={(ev) => !disabled && ghost.start(ev, e.item, e.label)}
        onClick={() => !ghost.justDropped() && onAdd(e.item)}
      >
        {e.label}
      </button>
    </li>
  );

  return (
    <aside className="palette" data-testid="palette" aria-label="Palette">
      <input
        ref={searchRef}
        type="search"
        data-testid="palette-search"
        placeholder="Search ( / )"
        aria-label="Search the palette"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setSearch('');
            (e.target as HTMLInputElement).blur();
          } else if (e.key === 'Enter' && !disabled) {
            const first = visible[0] ?? subs[0];
            if (first) onAdd(first.item);
          }
        }}
      />
      <ul className="palette-list">
        {visible.map(row)}
        <li>
          <button
            type="button"
            className="palette-item palette-group"
            data-testid="palette-pipelines"
            aria-expanded={showPipelines || !!q}
            onClick={() => setShowPipelines((s) => !s)}
          >
            Pipeline…
          </button>
          {(showPipelines || (q && subs.length > 0)) && (
            <ul className="palette-list nested">
              {subs.length === 0 ? <li className="muted small-text">No other pipelines</li> : subs.map(row)}
            </ul>
          )}
        </li>
      </ul>
      {visible.length === 0 && subs.length === 0 && <p className="muted small-text">Nothing matches “{search}”.</p>}
      {ghost.view}
    </aside>
  );
}

interface PointerDrag { item: PaletteItem; label: string; x0: number; y0: number; x: number; y: number; moving: boolean }

/**
 * Dragging with plain pointer events, for input that never starts an HTML5 drag (synthetic input in
 * tests, some pens). A native drag cancels the pointer (pointercancel), so the two never both add.
 */
function usePointerDrag(onDropAt: Props['onDropAt']) {
  const [drag, setDrag] = useState<PointerDrag | null>(null);
  const dragRef = useRef<PointerDrag | null>(null);
  const dropped = useRef(0);
  const onDrop = useRef(onDropAt);
  onDrop.current = onDropAt;

  const set = (d: PointerDrag | null) => {
    dragRef.current = d;
    setDrag(d);
  };

  useEffect(() => {
    if (!drag) return;
    const move = (e: PointerEvent) => {
      const d = dragRef.current;
      if (!d) return;
      const moving = d.moving || Math.hypot(e.clientX - d.x0, e.clientY - d.y0) > 6;
      set({ ...d, x: e.clientX, y: e.clientY, moving });
    };
    const up = (e: PointerEvent) => {
      const d = dragRef.current;
      set(null);
      if (!d?.moving || Date.now() - lastNativeDrop < 1000) return;
      const over = document.elementFromPoint(e.clientX, e.clientY);
      if (over?.closest('[data-testid="pipeline-canvas"]')) {
        dropped.current = Date.now();
        onDrop.current(d.item, e.clientX, e.clientY);
      }
    };
    const cancel = () => set(null);
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', cancel);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', cancel);
    };
    // listeners live for one drag: from pointerdown until up or cancel
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [drag !== null]);

  return {
    start: (e: ReactPointerEvent, item: PaletteItem, label: string) => {
      if (e.button !== 0 || e.pointerType === 'touch') return;
      set({ item, label, x0: e.clientX, y0: e.clientY, x: e.clientX, y: e.clientY, moving: false });
    },
    /** True right after a pointer drop (its click must not add the node again). */
    justDropped: () => Date.now() - dropped.current < 500,
    view: drag?.moving ? (
      <div className="palette-ghost" style={{ left: drag.x + 8, top: drag.y + 8 }} aria-hidden="true">
        {drag.label}
      </div>
    ) : null,
  };
}
