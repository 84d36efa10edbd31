import type { Conflict } from '../api';
import { brief } from '../format';

/** The paths a merge or revert could not combine; nothing was applied. */
export function ConflictList({ conflicts, testId }: { conflicts: Conflict[]; testId: string }) {
  return (
    <div className="conflicts" data-testid={testId} role="alert">
      <p>
        {conflicts.length} conflict{conflicts.length === 1 ? '' : 's'}; nothing was applied.
      </p>
      <table className="table compact">
        <thead>
          <tr>
            <th>Path</th>
            <th>Base</th>
            <th>Ours</th>
            <th>Theirs</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c) => (
            <tr key={c.path} data-testid="conflict-row" data-path={c.path}>
              <td>
                <code>{c.path}</code>
              </td>
              <td>
                <code>{brief(c.base, 40)}</code>
              </td>
              <td>
                <code>{brief(c.ours, 40)}</code>
              </td>
              <td>
                <code>{brief(c.theirs, 40)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
