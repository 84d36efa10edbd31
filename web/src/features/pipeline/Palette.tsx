import { useMemo, useState, type DragEvent, type RefObject } from 'react';
import type { EntryMap } from '../../shared/api';
import type { PaletteItem } from './edits';
import { entryLabel } from '../workbench/places';

export const DRAG_TYPE = 'application/x-deepforge-node';

interface Props {
  operations: EntryMap;
  pipelines: EntryMap;
  /** The open pipeline (it cannot contain itself). */
  current: string;
  disabled: boolean;
  searchRef: RefObject<HTMLInputElement | null>;
  onAdd: (item: PaletteItem) => void;
}

interface Entry { key: string; label: string; item: PaletteItem; hint?: string }

/** Operations, Input, Output and other pipelines, to drag onto the canvas (or click to add at the centre). */
export function Palette({ operations, pipelines, current, disabled, searchRef, onAdd }: Props) {
  const [search, setSearch] = useState('');
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
        onClick={() => onAdd(e.item)}
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
    </aside>
  );
}

