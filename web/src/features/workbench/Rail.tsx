import { buildPath, PLACES, type Place, type WorkbenchRoute } from '../../shared/router';
import { Link } from '../../shared/components/Link';

const LABELS: Record<Place, string> = {
  pipelines: 'Pipelines',
  operations: 'Operations',
  architectures: 'Architectures',
  executions: 'Executions',
  artifacts: 'Artifacts',
  history: 'History',
  workspace: 'Workspace',
  libraries: 'Libraries',
};

const ICONS: Record<Place, string> = {
  pipelines: '⇶',
  operations: 'ƒ',
  architectures: '▦',
  executions: '▶',
  artifacts: '◫',
  history: '⟲',
  workspace: '⌨',
  libraries: '▤',
};

/** The left rail of places; each is a deep link that keeps the branch or commit. */
export function Rail({ route }: { route: WorkbenchRoute }) {
  return (
    <nav className="rail" aria-label="Places">
      {PLACES.map((place) => (
        <Link
          key={place}
          to={buildPath({ ...route, place, id: undefined })}
          data-testid={`rail-${place}`}
          className={place === route.place ? 'active' : undefined}
          aria-current={place === route.place ? 'page' : undefined}
        >
          <span className="rail-icon" aria-hidden="true">
            {ICONS[place]}
          </span>
          {LABELS[place]}
        </Link>
      ))}
    </nav>
  );
}
