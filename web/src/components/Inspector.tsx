import { useMemo } from 'react';
import type { Json } from '../patch';

/** More text than this (a 1,000-layer architecture is about 400,000 characters) costs the page more than it tells. */
const MAX_CHARS = 20_000;

interface Props {
  kind: string;
  id?: string;
  entry?: Json;
}

/** The right-hand inspector; for now the selection's JSON, read-only. */
export function Inspector({ kind, id, entry }: Props) {
  const text = useMemo(() => (entry === undefined ? '' : JSON.stringify(entry, null, 2)), [entry]);
  const shown = text.length > MAX_CHARS ? text.slice(0, text.lastIndexOf('\n', MAX_CHARS)) : text;
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
            {shown}
          </pre>
          {shown.length < text.length && (
            <p className="muted" data-testid="inspector-truncated">
              … and {(text.slice(shown.length).match(/\n/g)?.length ?? 0).toLocaleString('en-US')} more lines (the whole entry is in the repository, <code>/{kind}/{id}</code>).
            </p>
          )}
        </>
      )}
    </aside>
  );
}
