import { useMemo, useState, type DragEvent, type RefObject } from 'react';
import type { Catalog, LayerSpec } from './model';

export const LAYER_DRAG_TYPE = 'application/x-deepforge-layer';

interface Props {
  catalog: Catalog | null;
  disabled: boolean;
  searchRef: RefObject<HTMLInputElement | null>;
  /** Set while a layer is being chosen to insert on a connection. */
  inserting: string | null;
  onCancelInsert: () => void;
  onAdd: (type: string) => void;
}

/** The layer catalog by category, searchable; drag a layer onto the canvas or click it to add it. */
export function LayerPalette({ catalog, disabled, searchRef, inserting, onCancelInsert, onAdd }: Props) {
  const [search, setSearch] = useState('');
  const [closed, setClosed] = useState<Set<string>>(() => new Set());
  const q = search.trim().toLowerCase();

  const groups = useMemo(() => {
    const all = [...(catalog?.language ?? []), ...(catalog?.layers ?? [])];
    const byCategory = new Map<string, LayerSpec[]>();
    for (const l of all) byCategory.set(l.category || 'Other', [...(byCategory.get(l.category || 'Other') ?? []), l]);
    const names = [...byCategory.keys()].sort((a, b) => (a === 'Language' ? -1 : b === 'Language' ? 1 : a.localeCompare(b)));
    return names.map((c) => ({ category: c, layers: byCategory.get(c)!.slice().sort((a, b) => a.name.localeCompare(b.name)) }));
  }, [catalog]);

  const match = (l: LayerSpec) => !q || l.name.toLowerCase().includes(q) || l.category.toLowerCase().includes(q) || (l.doc ?? '').toLowerCase().includes(q);
  const visible = groups.map((g) => ({ ...g, layers: g.layers.filter(match) })).filter((g) => g.layers.length > 0);
  const exact = visible.flatMap((g) => g.layers).find((l) => l.name.toLowerCase() === q);

  const dragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(LAYER_DRAG_TYPE, type);
    e.dataTransfer.setData('text/plain', type);
    e.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <aside className="palette layer-palette" data-testid="layer-palette" aria-label="Layers">
      {inserting && (
        <div className="palette-insert" data-testid="insert-mode">
          Choose the layer to insert on {inserting}
          <button type="button" className="link-button" onClick={onCancelInsert}>
            cancel
          </button>
        </div>
      )}
      <input
        ref={searchRef}
        type="search"
        data-testid="layer-palette-search"
        placeholder="Search layers ( / )"
        aria-label="Search the layers"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setSearch('');
            if (inserting) onCancelInsert();
            (e.target as HTMLInputElement).blur();
          } else if (e.key === 'Enter' && !disabled) {
            const first = exact ?? visible[0]?.layers[0];
            if (first) onAdd(first.name);
          }
        }}
      />
      {!catalog && <p className="muted small-text">Loading the layer catalog…</p>}
      <div className="palette-groups">
        {visible.map((g) => {
          const open = !!q || !closed.has(g.category);
          return (
            <section key={g.category} className="palette-category" data-category={g.category}>
              <button
                type="button"
                className="palette-category-header"
                aria-expanded={open}
                onClick={() =>
                  setClosed((s) => {
                    const n = new Set(s);
                    if (n.has(g.category)) n.delete(g.category);
                    else n.add(g.category);
                    return n;
                  })
                }
              >
                {open ? '▾' : '▸'} {g.category} <span className="muted">{g.layers.length}</span>
              </button>
              {open && (
                <ul className="palette-list">
                  {g.layers.map((l) => (
                    <li key={l.name}>
                      <button
                        type="button"
                        className="palette-item"
                        data-testid="layer-palette-item"
                        data-type={l.name}
                        draggable={!disabled && !inserting}
                        disabled={disabled}
                        title={`${l.name}: ${l.doc ?? ''}\n(${inserting ? 'click to insert' : 'drag onto the canvas, or click to add'})`}
                        onDragStart={(ev) => dragStart(ev, l.name)}
                        onClick={() => onAdd(l.name)}
                      >
                        {l.name}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
      {catalog && visible.length === 0 && <p className="muted small-text">No layer matches “{search}”.</p>}
    </aside>
  );
}
