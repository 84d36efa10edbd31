import { useState } from 'react';
import type { Problem } from '../../shared/api';

interface Props {
  problems: Problem[];
  titles: Record<string, string>;
  onShow: (node: string) => void;
}

/** The bottom drawer: what stops this pipeline from running, and warnings from the code analysis (node and line). */
export function ProblemsDrawer({ problems, titles, onShow }: Props) {
  const [open, setOpen] = useState(true);
  return (
    <section className="drawer" data-testid="problems-drawer" aria-label="Problems">
      <button type="button" className="drawer-header" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? '▾' : '▸'} Problems <span className={`badge${problems.length ? ' status-removed' : ''}`} data-testid="problem-count">{problems.length}</span>
      </button>
      {open && (
        <ul className="problem-list">
          {problems.length === 0 && <li className="muted">No problems: the pipeline can run.</li>}
          {problems.length > 0 && problems.every((p) => p.severity === 'warning') && (
            <li className="muted">Warnings only: the pipeline can run, but the code may fail there.</li>
          )}
          {problems.map((p, i) => (
            <li
              key={`${p.node}-${p.port ?? ''}-${i}`}
              className={p.severity === 'warning' ? 'problem-warning' : undefined}
              data-testid="problem-row"
              data-node-id={p.node}
              data-kind={p.kind}
              data-severity={p.severity ?? 'error'}
              data-line={p.line}
            >
              <button type="button" className="link-button" title={`Show ${titles[p.node] ?? p.node}`} onClick={() => onShow(p.node)}>
                {p.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
