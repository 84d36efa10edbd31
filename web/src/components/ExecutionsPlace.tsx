export function ExecutionsPlace() {
  return (
    <div className="empty-state" data-testid="executions-empty">
      <h2>Executions</h2>
      <p>Executions arrive with the executions feature.</p>
    </div>
  );
}
