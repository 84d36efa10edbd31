// The trainings of a session and their metric series: read once from GET …/trainings, then extended by the
// metric and training outputs the session's WebSocket carries (docs/sessions.md, mimetypes).
import type { CellOutput, Training } from '../../shared/api';
import type { Json } from '../../shared/patch';
import type { SessionMessage } from '../../shared/ws';
import { addPoint, type SeriesMap } from '../executions/metrics';

export const METRIC_MIME = 'application/vnd.deepforge.metric+json';
export const TRAINING_MIME = 'application/vnd.deepforge.training+json';

export interface TrainingView {
  id: string;
  state: string;
  epochs?: number;
  error?: string;
  architecture?: string;
  /** metric name → points by step */
  series: SeriesMap;
}
export type Trainings = Record<string, TrainingView>;

/** The REST list as views. */
export function fromTrainings(items: readonly Training[]): Trainings {
  const out: Trainings = {};
  for (const t of items) {
    const series: SeriesMap = {};
    for (const [name, points] of Object.entries(t.metrics ?? {})) for (const p of points) addPoint(series, name, p.step, p.value);
    out[t.id] = { id: t.id, state: t.state, epochs: t.epochs, architecture: t.config?.architecture, series, ...(t.error ? { error: t.error } : {}) };
  }
  return out;
}

const obj = (v: Json | undefined): Record<string, Json> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);

/** The trainings after one output (a metric point or a training's new state); other outputs change nothing. */
export function applyTrainingOutput(trainings: Trainings, output: CellOutput): Trainings {
  if (output.kind !== 'display' && output.kind !== 'result') return trainings;
  const metric = obj(output.data[METRIC_MIME]);
  const state = obj(output.data[TRAINING_MIME]);
  let next = trainings;
  if (metric && typeof metric.training === 'string' && typeof metric.name === 'string' && typeof metric.value === 'number') {
    const t = next[metric.training] ?? { id: metric.training, state: 'running', series: {} };
    const series = { ...t.series, [metric.name]: [...(t.series[metric.name] ?? [])] };
    addPoint(series, metric.name, typeof metric.step === 'number' ? metric.step : null, metric.value);
    next = { ...next, [t.id]: { ...t, series } };
  }
  if (state && typeof state.training === 'string' && typeof state.state === 'string') {
    const t = next[state.training] ?? { id: state.training, state: state.state, series: {} };
    next = {
      ...next,
      [t.id]: {
        ...t,
        state: state.state,
        ...(typeof state.epochs === 'number' ? { epochs: state.epochs } : {}),
        ...(typeof state.error === 'string' ? { error: state.error } : {}),
      },
    };
  }
  return next;
}

/** The trainings after one of the session's messages: an output, or a cell with its outputs (applying one twice changes nothing). */
export function applyTrainingMessage(trainings: Trainings, msg: SessionMessage): Trainings {
  if (msg.type === 'sessionOutput') return applyTrainingOutput(trainings, msg.output);
  if (msg.type === 'sessionCell') return msg.cell.outputs.reduce(applyTrainingOutput, trainings);
  return trainings;
}

/**
 * The REST list read again (after a reconnect, say) joined with what arrived live meanwhile: the points of both, and the
 * live state where the list still says running.
 */
export function mergeTrainings(rest: Trainings, live: Trainings): Trainings {
  const out: Trainings = { ...live };
  for (const [id, r] of Object.entries(rest)) {
    const l = live[id];
    if (!l) {
      out[id] = r;
      continue;
    }
    const series: SeriesMap = {};
    for (const name of new Set([...Object.keys(r.series), ...Object.keys(l.series)])) {
      series[name] = [...(r.series[name] ?? [])];
      for (const p of l.series[name] ?? []) addPoint(series, name, p.step, p.value);
    }
    out[id] = { ...l, ...r, state: r.state === 'running' ? l.state : r.state, series };
  }
  return out;
}
