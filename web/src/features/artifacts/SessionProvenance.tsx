import type { Json } from '../../shared/patch';

interface Props {
  provenance: Record<string, Json>;
}

const obj = (v: Json | undefined): Record<string, Json> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {});
const text = (v: Json | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** A loss or optimizer of a trainer configuration: its name and arguments, "Adam(lr=0.001)". */
function call(v: Json | undefined): string {
  const entry = obj(v);
  const args = Object.entries(obj(entry.arguments)).map(([k, a]) => `${k}=${text(a)}`);
  return `${text(entry.name)}(${args.join(', ')})`;
}

/** Where an artifact saved from an interactive session came from (docs/sessions.md, "Saving and provenance"). */
export function SessionProvenance({ provenance }: Props) {
  const session = obj(provenance.session);
  const training = obj(provenance.training);
  const hasTraining = Object.keys(training).length > 0;
  return (
    <dl className="facts" data-testid="provenance" data-kind={text(provenance.kind)}>
      <dt>Session</dt>
      <dd data-testid="provenance-session">
        {text(session.id)} <span className="muted">({text(session.adapter)}, {text(provenance.kind)})</span>
      </dd>
      <dt>Commit</dt>
      <dd><code>{text(session.commit).slice(0, 10)}</code></dd>
      <dt>Seed</dt>
      <dd data-testid="provenance-seed">{provenance.seed === undefined || provenance.seed === null ? <span className="muted">not recorded</span> : <code>{text(provenance.seed)}</code>}</dd>
      {provenance.variable !== undefined && (
        <>
          <dt>Variable</dt>
          <dd><code>{text(provenance.variable)}</code></dd>
        </>
      )}
      {hasTraining && (
        <>
          <dt>Trainer</dt>
          <dd>
            <ul className="plain-list" data-testid="provenance-training">
              <li>data <code>{text(training.data)}</code>, architecture <code>{text(training.architecture)}</code></li>
              <li data-testid="provenance-training-loss">loss <code>{call(training.loss)}</code></li>
              <li data-testid="provenance-training-optimizer">optimizer <code>{call(training.optimizer)}</code></li>
              <li data-testid="provenance-training-schedule">
                epochs <code>{text(training.epochs)}</code>, batch size <code>{text(training.batchSize)}</code>, validation split{' '}
                <code>{text(training.validationSplit)}</code>, device <code>{text(training.device)}</code>
              </li>
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}
