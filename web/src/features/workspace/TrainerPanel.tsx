import { useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, type CatalogEntry, type EntryMap, type TrainingCatalog } from '../../shared/api';
import { isPythonIdentifier } from '../../shared/format';
import { LineChart } from '../executions/LineChart';
import { StatusChip } from '../executions/StatusChip';
import { entryLabel } from '../workbench/places';
import { CatalogArguments } from './CatalogArguments';
import { defaultTexts, parseTexts, type ArgumentTexts } from './catalogForm';
import { SaveForm } from './SaveForm';
import { isLive, stateColour } from './states';
import type { SessionModel } from './useSession';

let catalog: Promise<TrainingCatalog> | null = null;
/** The training catalog is the same for every session: read once per page (again after a failure). */
function loadTrainingCatalog(): Promise<TrainingCatalog> {
  catalog ??= api.trainingCatalog().catch((e) => {
    catalog = null;
    throw e;
  });
  return catalog;
}

interface Props {
  project: string;
  branch: string;
  architectures: EntryMap;
  model: SessionModel;
}

function useEntry(entries: readonly CatalogEntry[], preferred: string) {
  const [name, setName] = useState('');
  const [texts, setTexts] = useState<ArgumentTexts>({});
  const entry = entries.find((e) => e.name === name) ?? entries.find((e) => e.name === preferred) ?? entries[0];
  useEffect(() => setTexts(defaultTexts(entry)), [entry]);
  return {
    entry,
    texts,
    choose: (n: string) => setName(n),
    edit: (arg: string, text: string) => setTexts((t) => ({ ...t, [arg]: text })),
  };
}

/** Trains one of the project's architectures on a session variable, with live loss curves, Stop, and Save model. */
export function TrainerPanel({ project, branch, architectures, model }: Props) {
  const { session, trainings } = model;
  const [cat, setCat] = useState<TrainingCatalog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ loss: Record<string, string>; optimizer: Record<string, string> }>({ loss: {}, optimizer: {} });
  const archIds = Object.keys(architectures);
  const [data, setData] = useState('data');
  const [architecture, setArchitecture] = useState('');
  const [batchSize, setBatchSize] = useState('32');
  const [epochs, setEpochs] = useState('1');
  const [split, setSplit] = useState('0.1');
  const [device, setDevice] = useState<'cpu' | 'cuda'>('cpu');
  const [selected, setSelected] = useState<string | null>(null);
  const loss = useEntry(cat?.losses ?? [], 'CrossEntropyLoss');
  const optimizer = useEntry(cat?.optimizers ?? [], 'Adam');
  const cuda = session?.environment?.cuda === true;

  useEffect(() => {
    loadTrainingCatalog().then(setCat, (e) => setError(`The training catalog cannot be read: ${errorMessage(e)}`));
  }, []);
  const arch = architectures[architecture] ? architecture : archIds[0] ?? '';

  const list = useMemo(() => Object.values(trainings), [trainings]);
  const shown = trainings[selected ?? ''] ?? list[list.length - 1];
  const running = list.some((t) => t.state === 'running');
  // a training just started comes into view, so its curves can be watched without scrolling past the form
  const detail = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = detail.current;
    const body = el?.closest('.ws-panel-body');
    if (selected && el && body instanceof HTMLElement) body.scrollTop += el.getBoundingClientRect().top - body.getBoundingClientRect().top;
  }, [selected, shown?.id]);

  const train = async () => {
    if (!session || !loss.entry || !optimizer.entry) return;
    const l = parseTexts(loss.entry, loss.texts);
    const o = parseTexts(optimizer.entry, optimizer.texts);
    setFieldErrors({ loss: l.errors ?? {}, optimizer: o.errors ?? {} });
    const problem = !isPythonIdentifier(data.trim()) ? 'The data variable is a Python name, such as data'
      : !arch ? 'The project has no architecture to train: draw one under Architectures'
      : !/^[1-9][0-9]*$/.test(batchSize.trim()) ? 'The batch size is a whole number from 1'
      : !/^[1-9][0-9]*$/.test(epochs.trim()) ? 'The epochs are a whole number from 1'
      : !(Number(split) >= 0 && Number(split) < 1) ? 'The validation split is a fraction from 0 up to 1, such as 0.1'
      : l.errors || o.errors ? 'Fix the marked arguments' : null;
    if (problem || !l.arguments || !o.arguments) return setError(problem);
    setError(null);
    try {
      const r = await api.train(session.id, {
        data: data.trim(),
        architecture: arch,
        loss: { name: loss.entry.name, arguments: l.arguments },
        optimizer: { name: optimizer.entry.name, arguments: o.arguments },
        batchSize: Number(batchSize),
        epochs: Number(epochs),
        validationSplit: Number(split),
        device: cuda ? device : 'cpu',
      });
      model.addCell(r.cell);
      setSelected(r.training);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const stop = async () => {
    if (!session) return;
    try {
      model.setSession(await api.interruptSession(session.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const disabled = !session || !isLive(session.state);
  return (
    <div className="trainer-panel" data-testid="trainer-panel">
      <form className="trainer-form" onSubmit={(e) => { e.preventDefault(); void train(); }}>
        <div className="panel-form">
          <label>Data <input className="mono narrow" data-testid="trainer-data" value={data} onChange={(e) => setData(e.target.value)} /></label>
          <label>
            Architecture{' '}
            <select data-testid="trainer-architecture" value={arch} onChange={(e) => setArchitecture(e.target.value)}>
              {archIds.length === 0 && <option value="">none in this project</option>}
              {archIds.map((id) => <option key={id} value={id}>{entryLabel(id, architectures[id])}</option>)}
            </select>
          </label>
        </div>
        {cat && (
          <div className="trainer-catalog">
            <CatalogArguments kind="loss" entries={cat.losses} entry={loss.entry} texts={loss.texts} errors={fieldErrors.loss} onEntry={loss.choose} onText={loss.edit} />
            <CatalogArguments kind="optimizer" entries={cat.optimizers} entry={optimizer.entry} texts={optimizer.texts} errors={fieldErrors.optimizer}
              onEntry={optimizer.choose} onText={optimizer.edit} />
          </div>
        )}
        <div className="panel-form">
          <label>Batch size <input className="narrow" inputMode="numeric" data-testid="trainer-batch-size" value={batchSize} onChange={(e) => setBatchSize(e.target.value)} /></label>
          <label>Epochs <input className="narrow" inputMode="numeric" data-testid="trainer-epochs" value={epochs} onChange={(e) => setEpochs(e.target.value)} /></label>
          <label>Validation split <input className="narrow" inputMode="decimal" data-testid="trainer-split" value={split} onChange={(e) => setSplit(e.target.value)} /></label>
          <label>
            Device{' '}
            <select data-testid="trainer-device" value={cuda ? device : 'cpu'} onChange={(e) => setDevice(e.target.value as 'cpu' | 'cuda')}>
              <option value="cpu">cpu</option>
              {cuda && <option value="cuda">cuda</option>}
            </select>
          </label>
          <button type="submit" data-testid="trainer-train" disabled={disabled || !cat}>Train</button>
          <button type="button" className="secondary" data-testid="trainer-stop" disabled={disabled || !running} onClick={() => void stop()}>Stop</button>
        </div>
      </form>
      {error && <p className="form-error" data-testid="trainer-error" role="alert">{error}</p>}
      {list.length > 0 && (
        <ul className="training-list plain-list" data-testid="trainings">
          {list.map((t) => (
            <li key={t.id} data-testid="training-row" data-training={t.id} data-state={t.state} className={t === shown ? 'active' : undefined}>
              <button type="button" className="link-button" data-testid={`training-open-${t.id}`} onClick={() => setSelected(t.id)}>
                {t.id} {t.architecture ? `· ${entryLabel(t.architecture, architectures[t.architecture])}` : ''}
              </button>{' '}
              <StatusChip status={stateColour(t.state)} label={t.state} />
              {t.epochs !== undefined && <span className="muted small-text"> {t.epochs} epoch{t.epochs === 1 ? '' : 's'}</span>}
              {t.error && <span className="form-error"> {t.error}</span>}
            </li>
          ))}
        </ul>
      )}
      {shown && (
        <div className="training-detail" data-testid="training-detail" data-training={shown.id} ref={detail}>
          <div className="chart-grid">
            {Object.keys(shown.series).sort().map((name) => (
              <LineChart key={`${shown.id}:${name}`} title={name} series={[{ label: name, points: shown.series[name] }]} testid="training-chart" height={160} />
            ))}
          </div>
          {shown.state !== 'running' && session && (
            <SaveForm key={shown.id} project={project} branch={branch} session={session.id} what={{ training: shown.id }} testid="trainer-save" />
          )}
        </div>
      )}
    </div>
  );
}
