import type { LibraryInfo } from '../../shared/api';

interface Props {
  libraries: LibraryInfo[];
  chosen: string[];
  disabled: boolean;
  onChange: (chosen: string[]) => void;
}

/** Which of the server's libraries a new project gets, as checkboxes. */
export function LibraryPicker({ libraries, chosen, disabled, onChange }: Props) {
  return (
    <fieldset className="library-picker" data-testid="new-project-libraries">
      <legend className="muted small-text">Libraries</legend>
      {libraries.map((l) => (
        <label key={l.id} className="library-choice" title={l.description}>
          <input
            type="checkbox"
            data-testid="new-project-library"
            data-library-id={l.id}
            checked={chosen.includes(l.id)}
            disabled={disabled}
            onChange={(e) => onChange(e.target.checked ? [...chosen, l.id] : chosen.filter((c) => c !== l.id))}
          />
          {l.name} <span className="muted small-text">{l.version}</span>
        </label>
      ))}
      {chosen.length === 0 && <span className="form-error small-text">Choose at least one</span>}
    </fieldset>
  );
}
