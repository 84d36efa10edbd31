import { formatEta, formatPercent, formatRate, type ProgressState } from './progress';

/** A job's progress: a bar (indeterminate when the total is unknown), done/total, rate and ETA. */
export function ProgressBar({ state, testid, compact = false }: { state: ProgressState; testid: string; compact?: boolean }) {
  const rate = formatRate(state.rate);
  const eta = formatEta(state.eta);
  const count = state.total ? `${state.done}/${state.total}` : `${state.done}`;
  const detail = [state.label, count, formatPercent(state), rate, eta].filter(Boolean).join(' · ');
  return (
    <span className={`job-progress${compact ? ' compact' : ''}`} data-testid={testid} data-done={state.done} data-total={state.total ?? ''}
      title={detail}>
      {state.total ? <progress max={state.total} value={Math.min(state.done, state.total)} /> : <progress />}
      {compact ? (
        <span className="job-progress-text">{[formatPercent(state) || count, eta].filter(Boolean).join(' · ')}</span>
      ) : (
        <span className="job-progress-text">
          {state.label && <span>{state.label} </span>}
          <span data-testid={`${testid}-count`}>{count}</span>
          {rate && <span data-testid={`${testid}-rate`}> · {rate}</span>}
          {eta && <span data-testid={`${testid}-eta`}> · {eta}</span>}
        </span>
      )}
    </span>
  );
}
