import type { Json } from '../patch';

interface Props {
  kind: string;
  id?: string;
  entry?: Json;
}

/** The right-hand inspector; for now the selection's JSON, read-only. */
export function Inspector({ kind, id, entry }: Props) {
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector">
      <h2>Inspector</h2>
      {!id && <p className="muted">Select an entry to see it here.</p>}
      {id && entry === undefined && (
        <p className="muted" data-testid="inspector-missing">
          {kind}/{id} does not exist in this version.
        </p>
      )}
      {id && entry !== undefined && (
        <>
          <p className="muted">
            <code>
              /{kind}/{id}
            </code>
          </p>
          <pre className="json" data-testid="inspector-json">
            {JSON.stringify(entry, null, 2)}
          </pre>
        </>
      )}
    </aside>
  );
}
