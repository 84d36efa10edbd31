import { useMemo, useState } from 'react';
import type { Json } from '../../shared/patch';

/** More text than this (a 1,000-layer architecture is about 400,000 characters) costs the page more than it tells. */
const MAX_CHARS = 20_000;

interface Props {
  kind: string;
  id?: string;
  entry?: Json;
}

type Obj = Record<string, Json>;
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: Json | undefined) => (isObj(v) ? Object.keys(v).length : Array.isArray(v) ? v.length : 0);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What the selected entry is, in words: its name and what it holds; the raw JSON only on request. */
function facts(kind: string, entry: Obj): { facts: string[]; hint?: string } {
  switch (kind) {
    case 'pipelines':
      return { facts: [plural(count(entry.nodes), 'node'), plural(count(entry.connections), 'connection')], hint: 'Select a node to set its attributes and references.' };
    case 'architectures':
      return { facts: [plural(count(entry.layers), 'layer'), plural(count(entry.connections), 'connection')], hint: 'Select a layer to set its arguments.' };
    case 'operations':
      return { facts: [typeof entry.code === 'string' ? plural(entry.code.split('\n').length, 'line') + ' of code' : 'no code yet'] };
    default:
      return { facts: [] };
  }
}

/** The right-hand inspector when nothing inside the entry is selected: a summary, the JSON folded away. */
export function Inspector({ kind, id, entry }: Props) {
  // the JSON is written out only once asked for: a 1,000-layer architecture's is 400,000 characters
  const [jsonOpen, setJsonOpen] = useState(false);
  const text = useMemo(() => (entry === undefined || !jsonOpen ? '' : JSON.stringify(entry, null, 2)), [entry, jsonOpen]);
  const shown = text.length > MAX_CHARS ? text.slice(0, text.lastIndexOf('\n', MAX_CHARS)) : text;
  const about = useMemo(() => (isObj(entry) ? facts(kind, entry) : { facts: [] as string[] }), [kind, entry]);
  const name = isObj(entry) && typeof entry.name === 'string' ? entry.name : id;
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
          <div data-testid="inspector-summary">
            <h3 className="inspector-name">{name}</h3>
            {about.facts.length > 0 && <p>{about.facts.join(' · ')}</p>}
            {about.hint && <p className="muted">{about.hint}</p>}
          </div>
          <details className="inspector-json" open={jsonOpen}>
            <summary
              data-testid="inspector-json-toggle"
              onClick={(e) => {
                e.preventDefault();
                setJsonOpen((o) => !o);
              }}
            >
              JSON ({kind}/{id})
            </summary>
            <pre className="json" data-testid="inspector-json">
              {shown}
            </pre>
            {shown.length < text.length && (
              <p className="muted" data-testid="inspector-truncated">
                … and {(text.slice(shown.length).match(/\n/g)?.length ?? 0).toLocaleString('en-US')} more lines (the whole entry is in the repository, <code>/{kind}/{id}</code>).
              </p>
            )}
          </details>
        </>
      )}
    </aside>
  );
}
