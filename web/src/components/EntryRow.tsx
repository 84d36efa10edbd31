import { useState } from 'react';
import { InlineForm } from './InlineForm';

interface Props {
  id: string;
  label: string;
  selected: boolean;
  readOnly: boolean;
  canRename: boolean;
  canDelete: boolean;
  onSelect: () => void;
  /** `original`: the label when the user started renaming, so a concurrent rename is detected. */
  onRename: (name: string, original: string) => Promise<boolean>;
  onDelete: () => void;
}

export function EntryRow(props: Props) {
  const [renaming, setRenaming] = useState(false);
  // the label the rename started from (it may change underneath the open form)
  const [original, setOriginal] = useState(props.label);
  const startRename = () => {
    setOriginal(props.label);
    setRenaming(true);
  };
  const rename = async (name: string) => {
    if (name === original) {
      // nothing typed: keep whatever the name is now
      setRenaming(false);
      return true;
    }
    const ok = await props.onRename(name, original);
    if (ok) setRenaming(false);
    return ok;
  };
  return (
    <li
      className={`entry-row${props.selected ? ' selected' : ''}`}
      data-testid="entry-row"
      data-entry-id={props.id}
      aria-selected={props.selected}
    >
      {renaming && !props.readOnly ? (
        <InlineForm
          inputTestId="rename-input"
          submitTestId="rename-save"
          cancelTestId="rename-cancel"
          placeholder="New name"
          submitLabel="Save"
          initial={props.label}
          autoFocus
          onSubmit={rename}
          onCancel={() => setRenaming(false)}
        />
      ) : (
        <button className="entry-open" data-testid="entry-open" onClick={props.onSelect} title={props.id}>
          {props.label}
        </button>
      )}
      <span className="entry-actions">
        {props.canRename && !renaming && (
          <button className="secondary small" data-testid="entry-rename" disabled={props.readOnly} onClick={startRename}>
            Rename
          </button>
        )}
        {props.canDelete && (
          <button className="secondary small danger-text" data-testid="entry-delete" disabled={props.readOnly} onClick={props.onDelete}>
            Delete
          </button>
        )}
      </span>
    </li>
  );
}
