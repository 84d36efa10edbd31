import { applyPatch, deepEqual, getAt, type Json, type PatchOp } from '../../shared/patch';

/** One field both sides changed: where (named as the user named things), theirs now, and what this user set. */
export interface ConflictingField {
  path: string;
  label: string;
  theirs: Json | undefined;
  yours: Json | undefined;
}

/** An edit that met changes made meanwhile: every field of it someone else changed, and the edit's message. */
export interface FieldConflict {
  fields: ConflictingField[];
  message: string;
}

/**
 * Every field of {@code patch} that someone else changed meanwhile: its checks ({@code test} ops) that no longer hold
 * against {@code current} (the model as saved now), always including {@code refused} (the one the server named). The
 * user's value is what the rest of the patch writes over the model they edited ({@code before}).
 */
export function conflictingFields(before: Json, current: Json, patch: readonly PatchOp[], refused: string): ConflictingField[] {
  let mine: Json | undefined;
  try {
    mine = applyPatch(before, patch.filter((op) => op.op !== 'test'));
  } catch {
    mine = undefined;
  }
  const paths = [refused, ...patch.filter((op) => op.op === 'test' && !deepEqual(getAt(current, op.path), op.value)).map((op) => op.path)];
  // named as the user knew them when editing
  const model = before && typeof before === 'object' && !Array.isArray(before) ? (before as Record<string, unknown>) : null;
  return [...new Set(paths)].map((path) => ({
    path,
    label: describePointer(model, path),
    theirs: getAt(current, path),
    yours: mine === undefined ? undefined : getAt(mine, path),
  }));
}

function show(v: Json | undefined): string {
  if (v === undefined || v === null) return '(removed)';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/**
 * An edit that met changes made meanwhile (someone changed the same fields): for every such field both values side by
 * side; nothing is written until the user chooses, and the choice not taken stays readable here.
 */
export function FieldConflictDialog({ conflict, onChoose }: { conflict: FieldConflict; onChoose: (mine: boolean) => void }) {
  const many = conflict.fields.length > 1;
  return (
    <div className="modal-backdrop">
      <div className="modal field-conflict-dialog" role="dialog" aria-label="Conflicting edit" data-testid="field-conflict">
        <h2>Someone else changed {many ? `${conflict.fields.length} of these fields` : 'this'} meanwhile</h2>
        {conflict.fields.map((f) => (
          <section key={f.path} data-testid="field-conflict-field" data-path={f.path}>
            <p data-testid="field-conflict-label">{f.label}</p>
            <div className="field-conflict-values">
              <figure>
                <figcaption>Theirs (now saved)</figcaption>
                <pre data-testid="field-conflict-theirs">{show(f.theirs)}</pre>
              </figure>
              <figure>
                <figcaption>Yours (not saved yet)</figcaption>
                <pre data-testid="field-conflict-yours">{show(f.yours)}</pre>
              </figure>
            </div>
          </section>
        ))}
        <div className="modal-actions">
          <button className="secondary" data-testid="field-conflict-theirs-keep" onClick={() => onChoose(false)}>
            Keep theirs
          </button>
          <button data-testid="field-conflict-mine" onClick={() => onChoose(true)}>
            Use mine{many ? ' for all' : ''}
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
