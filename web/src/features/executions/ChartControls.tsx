/** How the metric charts are drawn: smoothing (TensorBoard's EMA weight) and a log y axis. */
export interface ChartSettings { smoothing: number; log: boolean }

export const DEFAULT_CHART_SETTINGS: ChartSettings = { smoothing: 0, log: false };

/** The smoothing slider and the log-scale switch above a set of charts. */
export function ChartControls({ value, onChange }: { value: ChartSettings; onChange: (v: ChartSettings) => void }) {
  return (
    <div className="chart-controls">
      <label title="Exponential moving average of each series (0: none); the raw points stay faint behind it">
        Smoothing
        <input type="range" min={0} max={0.99} step={0.01} value={value.smoothing} data-testid="metric-smoothing"
          onChange={(e) => onChange({ ...value, smoothing: Number(e.target.value) })} />
        <output data-testid="metric-smoothing-value">{value.smoothing.toFixed(2)}</output>
      </label>
      <label title="A logarithmic y axis (for charts whose values are all above 0)">
        <input type="checkbox" checked={value.log} data-testid="metric-log" onChange={(e) => onChange({ ...value, log: e.target.checked })} />
        Log scale
      </label>
      <span className="muted small-text">Drag across a chart to zoom, double-click to reset.</span>
    </div>
  );
}
