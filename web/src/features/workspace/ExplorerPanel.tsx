import { useEffect, useState } from 'react';
import { api, errorMessage, type ArtifactRow, type Cell } from '../../shared/api';
import { isPythonIdentifier } from '../../shared/format';
import { OutputView } from './OutputView';
import { isPending } from './cells';
import { describedTable, keepPick, pickedColumns, type Pick } from './columns';
import type { SessionModel } from './useSession';
import { isLive } from './states';

const PLOTS = ['auto', 'line', 'image', 'scatter'] as const;

interface Props {
  project: string;
  head: string;
  model: SessionModel;
}

/** Loads a project artifact into a variable and explores expressions of it: description, summary and a plot. */
export function ExplorerPanel({ project, head, model }: Props) {
  const { session } = model;
  const [search, setSearch] = useState('');
  const [artifacts, setArtifacts] = useState<ArtifactRow[]>([]);
  const [artifact, setArtifact] = useState('');
  const [variable, setVariable] = useState('x');
  const [expression, setExpression] = useState('x');
  const [plot, setPlot] = useState<(typeof PLOTS)[number]>('auto');
  const [color, setColor] = useState('');
  const [cellId, setCellId] = useState<string | null>(null);
  const [pick, setPick] = useState<Pick>({ x: '', y: '', z: '' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    const t = setTimeout(() => {
      api.listArtifacts(project, head, search.trim()).then(
        (page) => {
          if (stale) return;
          setArtifacts(page.items);
          setArtifact((a) => (page.items.some((r) => r.id === a) ? a : page.items[0]?.id ?? ''));
        },
        (e) => !stale && setError(errorMessage(e)),
      );
    }, 250);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [project, head, search]);

  const send = async (post: () => Promise<Cell>) => {
    setError(null);
    try {
      const cell = await post();
      model.addCell(cell);
      setCellId(cell.id);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const load = () => {
    if (!session) return;
    if (!artifact) return setError('Choose an artifact to load');
    if (!isPythonIdentifier(variable.trim())) return setError('The variable is a Python name, such as x');
    setExpression(variable.trim());
    void send(() => api.loadArtifact(session.id, artifact, variable.trim()));
  };
  const explore = () => {
    if (!session) return;
    if (!expression.trim()) return setError('Type an expression, such as x[0, :, :, 2]');
    void send(() => api.explore(session.id, { expression: expression.trim(), plot, ...(color.trim() ? { color: color.trim() } : {}) }));
  };

  const cell = cellId ? model.cells.find((c) => c.id === cellId) : undefined;
  const table = describedTable(cell);
  const picked = table ? keepPick(table.columns, pick) : pick;
  const scatter = () => {
    if (!session || !table) return;
    const chosen = pickedColumns(picked);
    if ('error' in chosen) return setError(chosen.error);
    void send(() => api.explore(session.id, { expression: table.expression, plot: 'scatter', columns: chosen.columns }));
  };
  const disabled = !session || !isLive(session.state);
  const axis = (name: keyof Pick, optional: boolean) => (
    <label key={name}>
      {name}{' '}
      <select aria-label={`${name.toUpperCase()} column`} data-testid={`explorer-column-${name}`} value={picked[name]}
        onChange={(e) => setPick({ ...picked, [name]: e.target.value })}>
        {optional && <option value="">none</option>}
        {table?.columns.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
    </label>
  );
  return (
    <div className="explorer-panel" data-testid="explorer-panel">
      <form className="panel-form" onSubmit={(e) => { e.preventDefault(); load(); }}>
        <input type="search" aria-label="Search artifacts" placeholder="search artifacts" value={search} data-testid="explorer-search"
          onChange={(e) => setSearch(e.target.value)} />
        <select aria-label="Artifact" data-testid="explorer-artifact" value={artifact} onChange={(e) => setArtifact(e.target.value)}>
          {artifacts.length === 0 && <option value="">no artifacts</option>}
          {artifacts.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.type})</option>)}
        </select>
        <label>
          as <input className="narrow mono" aria-label="Variable" data-testid="explorer-variable" value={variable} onChange={(e) => setVariable(e.target.value)} />
        </label>
        <button type="submit" data-testid="explorer-load" disabled={disabled}>Load</button>
      </form>
      <form className="panel-form" onSubmit={(e) => { e.preventDefault(); explore(); }}>
        <input className="mono grow" aria-label="Expression" placeholder="x[0, :, :, 2]" data-testid="explorer-expression" value={expression}
          onChange={(e) => setExpression(e.target.value)} />
        <select aria-label="Plot" data-testid="explorer-plot" value={plot} onChange={(e) => setPlot(e.target.value as (typeof PLOTS)[number])}>
          {PLOTS.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        <input className="mono" aria-label="Colour expression" placeholder="colour (optional)" data-testid="explorer-color" value={color}
          onChange={(e) => setColor(e.target.value)} />
        <button type="submit" data-testid="explorer-explore" disabled={disabled}>Explore</button>
      </form>
      {table && (
        <form className="panel-form" data-testid="explorer-columns" onSubmit={(e) => { e.preventDefault(); scatter(); }}>
          <span className="muted">Columns of <code>{table.expression}</code>:</span>
          {axis('x', false)}
          {axis('y', false)}
          {axis('z', true)}
          <button type="submit" data-testid="explorer-scatter" disabled={disabled}>Scatter</button>
        </form>
      )}
      {error && <p className="form-error" data-testid="explorer-error" role="alert">{error}</p>}
      <div className="explorer-result" data-testid="explorer-result" data-state={cell?.state ?? ''}>
        {!cell && <p className="muted">Load an artifact into a variable, then explore an expression of it.</p>}
        {cell && isPending(cell) && <p className="muted">Running {cell.origin === 'load' ? 'the load' : 'the expression'}…</p>}
        {cell && cell.outputs.map((o, i) => <OutputView key={i} output={o} />)}
      </div>
    </div>
  );
}
