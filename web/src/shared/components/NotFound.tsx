import { Link } from './Link';

export function NotFound({ path }: { path: string }) {
  return (
    <div className="empty-state" data-testid="not-found">
      <h2>Nothing here</h2>
      <p>
        <code>{path}</code> is not a DeepForge page.
      </p>
      <Link to="/">All projects</Link>
    </div>
  );
}
