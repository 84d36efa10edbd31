import type { Json } from '../../shared/patch';

/** A field both sides changed: where (named as the user named things), theirs now, and what this user set. */
export interface FieldConflict {
  path: string;
  label: string;
  theirs: Json | undefined;
  yours: Json | undefined;
  message: string;
}

function show(v: Json | undefined): string {
  if (v === undefined || v === null) return '(removed)';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/**
 * The one conflict a pipeline or architecture edit can meet (someone changed the same field meanwhile): both
 * values side by side; nothing is written until the user chooses, and the choice not taken stays readable here.
 */
export function FieldConflictDialog({ conflict, onChoose }: { conflict: FieldConflict; onChoose: (mine: boolean) => void }) {
  return (
    <div className="modal-backdrop">
      <div className="modal field-conflict-dialog" role="dialog" aria-label="Conflicting edit" data-testid="field-conflict">
        <h2>Someone else changed this meanwhile</h2>
        <p data-testid="field-conflict-label">{conflict.label}</p>
        <div className="field-conflict-values">
          <figure>
            <figcaption>Theirs (now saved)</figcaption>
            <pre data-testid="field-conflict-theirs">{show(conflict.theirs)}</pre>
          </figure>
          <figure>
            <figcaption>Yours (not saved yet)</figcaption>
            <pre data-testid="field-conflict-yours">{show(conflict.yours)}</pre>
          </figure>
        </div>
        <div className="modal-actions">
          <button className="secondary" data-testid="field-conflict-theirs-keep" onClick={() => onChoose(false)}>
            Keep theirs
          </button>
          <button data-testid="field-conflict-mine" onClick={() => onChoose(true)}>
            Use mine
          </button>
        </div>
      </div>
    </div>
  );
}

/** A JSON pointer of the model view in the names users gave things ("Train and score ▸ Train ▸ epochs"). */
export function describePointer(model: Record<string, unknown> | null, path: string): string {
  const seg = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const name = (v: unknown, fallback: string) => (typeof obj(v).name === 'string' ? String(obj(v).name) : fallback);
  const [kind, id, part, sub, field, ...rest] = seg;
  if (!model || !kind || !id) return seg.join(' ▸ ');
  const entry = obj(obj(model[kind])[id]);
  if (kind === 'pipelines' && part === 'nodes' && sub) {
    const n = obj(obj(entry.nodes)[sub]);
    const nodeName = typeof n.operation === 'string' ? n.operation : sub;
    return [name(entry, id), nodeName, ...(field === 'attributes' || field === 'references' ? rest : [field, ...rest]).filter(Boolean)].join(' ▸ ');
  }
  if (kind === 'architectures' && part === 'layers' && sub) {
    const l = obj(obj(entry.layers)[sub]);
    const layerName = typeof l.type === 'string' ? `${l.type} (${sub})` : sub;
    return [name(entry, id), layerName, ...(field === 'arguments' ? rest : [field, ...rest]).filter(Boolean)].join(' ▸ ');
  }
  return [kind === 'operations' ? id : name(entry, id), part, sub, field, ...rest].filter(Boolean).join(' ▸ ');
}
