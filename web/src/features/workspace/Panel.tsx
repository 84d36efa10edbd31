import type { ReactNode } from 'react';

interface Props {
  id: string;
  title: string;
  maximised: boolean;
  /** Another panel is maximised. */
  hidden: boolean;
  onToggle: () => void;
  children: ReactNode;
}

/** A tile of the workspace with a title bar; its button fills the workspace with it (and gives the room back). */
export function Panel({ id, title, maximised, hidden, onToggle, children }: Props) {
  return (
    <section className={`ws-panel ws-panel-${id}${maximised ? ' maximised' : ''}`} data-testid={`panel-${id}`} aria-label={title} hidden={hidden}>
      <header className="ws-panel-header">
        <h3>{title}</h3>
        <span className="spacer" />
        <button type="button" className="secondary small" data-testid={`panel-${id}-maximise`} aria-pressed={maximised}
          title={maximised ? 'Show all panels' : 'Fill the workspace with this panel'} onClick={onToggle}>
          {maximised ? '⤡ Restore' : '⤢ Maximise'}
        </button>
      </header>
      <div className="ws-panel-body">{children}</div>
    </section>
  );
}
