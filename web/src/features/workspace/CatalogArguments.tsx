import type { CatalogEntry } from '../../shared/api';
import type { ArgumentTexts } from './catalogForm';

interface Props {
  /** "loss" or "optimizer": names the fields and their test ids. */
  kind: string;
  entries: readonly CatalogEntry[];
  entry: CatalogEntry | undefined;
  texts: ArgumentTexts;
  errors: Record<string, string>;
  onEntry: (name: string) => void;
  onText: (name: string, text: string) => void;
}

/** A loss or optimizer picked from the training catalog, and one field per argument starting at its default. */
export function CatalogArguments({ kind, entries, entry, texts, errors, onEntry, onText }: Props) {
  return (
    <fieldset className="catalog-arguments" data-testid={`trainer-${kind}-form`}>
      <legend>
        <select aria-label={kind} data-testid={`trainer-${kind}`} value={entry?.name ?? ''} onChange={(e) => onEntry(e.target.value)}>
          {entries.map((e) => <option key={e.name} value={e.name}>{e.name}</option>)}
        </select>
      </legend>
      {entry?.doc && <p className="field-help">{entry.doc.split('\n')[0]}</p>}
      <div className="argument-grid">
        {entry?.arguments.map((a) => (
          <label key={a.name} className="argument" title={a.doc}>
            <span>
              {a.name} <span className="field-type muted">{a.type}</span>
            </span>
            <input
              className="mono"
              data-testid={`trainer-${kind}-arg-${a.name}`}
              value={texts[a.name] ?? ''}
              placeholder={a.required ?? a.default === undefined ? 'required' : 'None'}
              aria-invalid={errors[a.name] ? true : undefined}
              onChange={(e) => onText(a.name, e.target.value)}
            />
            {errors[a.name] && <span className="form-error">{errors[a.name]}</span>}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
