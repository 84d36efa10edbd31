import { useState } from 'react';
import type { Conflict, ConflictChunk, Resolution } from '../../shared/api';
import type { Json } from '../../shared/patch';

interface Props {
  conflicts: Conflict[];
  testId: string;
  /** What "ours" and "theirs" are, e.g. { ours: 'main', theirs: 'tuning' }. */
  sides?: { ours: string; theirs: string };
  /** Given: the conflicts can be resolved here, and this completes the merge with the choices. */
  onResolve?: (resolutions: Resolution[]) => Promise<void>;
}

type Take = 'ours' | 'theirs' | 'both';

/** A value as people read it: code as text, everything else as JSON on one line. */
function show(v: Json | undefined): string {
  if (v === undefined) return '(deleted)';
  if (typeof v === 'string') return v.includes('\n') ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/** The text a line-by-line choice makes: agreed lines, and per conflicting run the chosen side's lines. */
export function mergeChunks(chunks: ConflictChunk[], takes: Record<number, Take>): string {
  let out = '';
  chunks.forEach((c, i) => {
    if (c.same) out += c.same.join('');
    else {
      const t = takes[i];
      if (t === 'ours' || t === 'both') out += (c.ours ?? []).join('');
      if (t === 'theirs' || t === 'both') out += (c.theirs ?? []).join('');
    }
  });
  return out;
}

/**
 * The conflicts of a merge or revert, each named as users name things ("Train and score ▸ Train ▸ epochs")
 * with both values side by side; with `onResolve`, the person chooses field by field (and code line by line)
 * and completes the merge. Nothing is applied until then.
 */
export function ConflictList({ conflicts, testId, sides, onResolve }: Props) {
  const [choices, setChoices] = useState<Record<string, Take>>({});
  const [lineChoices, setLineChoices] = useState<Record<string, Record<number, Take>>>({});
  const [pending, setPending] = useState(false);
  const ours = sides?.ours ?? 'ours';
  const theirs = sides?.theirs ?? 'theirs';

  const conflictRuns = (c: Conflict) => (c.chunks ?? []).map((ch, i) => (ch.same ? -1 : i)).filter((i) => i >= 0);
  const decided = (c: Conflict) =>
    c.chunks && c.chunks.length > 0 ? conflictRuns(c).every((i) => lineChoices[c.path]?.[i]) : Boolean(choices[c.path]);
  const ready = conflicts.every(decided);

  const resolve = async () => {
    if (!onResolve || !ready) return;
    const resolutions: Resolution[] = conflicts.map((c) =>
      c.chunks && c.chunks.length > 0
        ? { path: c.path, value: mergeChunks(c.chunks, lineChoices[c.path] ?? {}) }
        : { path: c.path, take: choices[c.path] === 'theirs' ? 'theirs' : 'ours' },
    );
    setPending(true);
    try {
      await onResolve(resolutions);
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="conflicts" data-testid={testId} role={onResolve ? 'dialog' : 'alert'} aria-label="Conflicts">
      <p>
        {conflicts.length} conflict{conflicts.length === 1 ? '' : 's'}: <strong>{ours}</strong> and <strong>{theirs}</strong> changed the
        same {conflicts.length === 1 ? 'thing' : 'things'} differently. Nothing was applied
        {onResolve ? '; choose what to keep for each, then complete the merge.' : '.'}
      </p>
      {conflicts.map((c) => (
        <section key={c.path} className="conflict" data-testid="conflict-row" data-path={c.path}>
          <h4 data-testid="conflict-label" title={c.path}>
            {c.label ?? c.path}
          </h4>
          {(c.operation || c.field) && (
            <p className="muted small-text" data-testid="conflict-what">
              {c.operation && (
                <>
                  operation <strong>{c.operation}</strong>
                </>
              )}
              {c.operation && c.field && ', '}
              {c.field && (
                <>
                  {c.path.includes('/attributes/') ? 'attribute' : 'field'} <strong>{c.field}</strong>
                </>
              )}
            </p>
          )}
          {c.chunks && c.chunks.length > 0 ? (
            <div className="conflict-lines" data-testid="conflict-lines">
              {c.chunks.map((ch, i) =>
                ch.same ? (
                  <pre key={i} className="conflict-same muted">
                    {ch.same.join('')}
                  </pre>
                ) : (
                  <div key={i} className="conflict-run" data-testid="conflict-run" data-run={i}>
                    <div className="conflict-sides">
                      <label className={lineChoices[c.path]?.[i] === 'ours' ? 'chosen' : ''}>
                        <input
                          type="radio"
                          name={`${c.path}#${i}`}
                          data-testid="run-take-ours"
                          disabled={!onResolve}
                          checked={lineChoices[c.path]?.[i] === 'ours'}
                          onChange={() => setLineChoices((m) => ({ ...m, [c.path]: { ...m[c.path], [i]: 'ours' } }))}
                        />{' '}
                        {ours}
                        <pre data-testid="run-ours">{(ch.ours ?? []).join('')}</pre>
                      </label>
                      <label className={lineChoices[c.path]?.[i] === 'theirs' ? 'chosen' : ''}>
                        <input
                          type="radio"
                          name={`${c.path}#${i}`}
                          data-testid="run-take-theirs"
                          disabled={!onResolve}
                          checked={lineChoices[c.path]?.[i] === 'theirs'}
                          onChange={() => setLineChoices((m) => ({ ...m, [c.path]: { ...m[c.path], [i]: 'theirs' } }))}
                        />{' '}
                        {theirs}
                        <pre data-testid="run-theirs">{(ch.theirs ?? []).join('')}</pre>
                      </label>
                    </div>
                    <label className="muted small-text">
                      <input
                        type="radio"
                        name={`${c.path}#${i}`}
                        data-testid="run-take-both"
                        disabled={!onResolve}
                        checked={lineChoices[c.path]?.[i] === 'both'}
                        onChange={() => setLineChoices((m) => ({ ...m, [c.path]: { ...m[c.path], [i]: 'both' } }))}
                      />{' '}
                      keep both ({ours}'s lines first)
                    </label>
                  </div>
                ),
              )}
            </div>
          ) : (
            <div className="conflict-sides">
              {(['ours', 'theirs'] as const).map((side) => (
                <label key={side} className={choices[c.path] === side ? 'chosen' : ''}>
                  <input
                    type="radio"
                    name={c.path}
                    data-testid={`conflict-take-${side}`}
                    disabled={!onResolve}
                    checked={choices[c.path] === side}
                    onChange={() => setChoices((m) => ({ ...m, [c.path]: side }))}
                  />{' '}
                  {side === 'ours' ? `Keep ${ours}'s` : `Take ${theirs}'s`}
                  <pre data-testid={`conflict-${side}-value`}>{show(c[side])}</pre>
                </label>
              ))}
            </div>
          )}
          {c.base !== undefined && (
            <p className="muted small-text" title="The value both branches started from">
              was: <code>{show(c.base).slice(0, 80)}</code>
            </p>
          )}
        </section>
      ))}
      {onResolve && (
        <button data-testid="merge-resolve" disabled={!ready || pending} onClick={() => void resolve()}>
          {pending ? 'Merging…' : 'Complete the merge'}
        </button>
      )}
    </div>
  );
}
