import { useState, type ReactNode } from 'react';
import { InlineForm } from '../../shared/components/InlineForm';

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
  thumbnail?: ReactNode;
  /** Shown right of the name. */
  detail?: ReactNode;
  /** Set when the entry can be copied: the name the copy form starts with. */
  copyName?: string;
  onDuplicate?: (name: string) => Promise<boolean>;
  /** Replaces the row's test id "entry-row". */
  testId?: string;
  /** Another data attribute holding the id (besides data-entry-id). */
  idAttr?: string;
}

export function EntryRow(props: Props) {
  const [renaming, setRenaming] = useState(false);
  const [copying, setCopying] = useState(false);
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
      data-testid={props.testId ?? 'entry-row'}
      data-entry-id={props.id}
      {...(props.idAttr ? { [props.idAttr]: props.id } : {})}
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
      ) : copying && !props.readOnly && props.onDuplicate ? (
        <InlineForm
          inputTestId="duplicate-input"
          submitTestId="duplicate-save"
          cancelTestId="duplicate-cancel"
          placeholder="Name of the copy"
          submitLabel="Copy"
          initial={props.copyName}
          autoFocus
          onSubmit={async (name) => {
            const ok = await props.onDuplicate!(name);
            if (ok) setCopying(false);
            return ok;
          }}
          onCancel={() => setCopying(false)}
        />
      ) : (
        <button className="entry-open" data-testid="entry-open" onClick={props.onSelect} title={props.id}>
          {props.thumbnail}
          <span className="entry-label">{props.label}</span>
          {props.detail}
        </button>
      )}
      <span className="entry-actions">
        {props.canRename && !renaming && (
          <button className="secondary small" data-testid="entry-rename" disabled={props.readOnly} onClick={startRename}>
            Rename
          </button>
        )}
        {props.onDuplicate && !renaming && !copying && (
          <button className="secondary small" data-testid="entry-duplicate" disabled={props.readOnly} onClick={() => setCopying(true)}>
            Duplicate
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
