import { useState, type KeyboardEvent, type ReactNode } from 'react';
import type { EntryMap } from '../../shared/api';
import { randomId } from '../../shared/format';
import { confirmDialog } from '../../shared/notify';
import { pointer, type PatchOp } from '../../shared/patch';
import { EntryRow } from './EntryRow';
import { InlineForm } from '../../shared/components/InlineForm';
import { entryLabel, PLACE_SPECS, type EntryKind } from './places';

interface Props {
  kind: EntryKind;
  entries: EntryMap;
  selected?: string;
  readOnly: boolean;
  onSelect: (id: string | undefined) => void;
  applyChange: (patch: PatchOp[], message: string) => Promise<boolean>;
  /** Replaces the change-set defaults (the operations place uses the server's routes). */
  actions?: EntryActions;
  /** A small picture left of each entry's name. */
  thumbnail?: (id: string) => ReactNode;
  /** A narrow list beside an open editor. */
  compact?: boolean;
  /** Test ids of a place that has its own (the list, its rows, the create form). */
  testIds?: { list?: string; row?: string; rowIdAttr?: string; newName?: string; newCreate?: string };
  /** More buttons in the header (an import, say). */
  headerExtra?: ReactNode;
  /** More fields in the create form (the kind of a new architecture, say). */
  createExtra?: ReactNode;
  /** Something to show right of an entry's name (its kind, say). */
  detail?: (id: string) => ReactNode;
}

/** Entry actions done some other way than one change set. */
export interface EntryActions {
  /** Resolves the new entry's id, or null when it failed (and said why). */
  create?: (name: string) => Promise<string | null>;
  rename?: (id: string, name: string, original: string) => Promise<boolean>;
  remove?: (id: string) => Promise<boolean>;
  /** Copies an entry under a new name; resolves the copy's id or null. */
  duplicate?: (id: string, name: string) => Promise<string | null>;
  /** The name a copy starts with. */
  copyName?: (id: string, label: string) => string;
}

const TITLES: Record<EntryKind, string> = {
  pipelines: 'Pipelines',
  operations: 'Operations',
  architectures: 'Architectures',
  artifacts: 'Artifacts',
};

/** The list of one kind of model entry, with create, rename and delete where the kind allows. */
export function EntryPlace({ kind, entries, selected, readOnly, onSelect, applyChange, actions, thumbnail, compact, testIds, headerExtra, createExtra, detail }: Props) {
  const spec = PLACE_SPECS[kind];
  const [creating, setCreating] = useState(false);
  const ids = Object.keys(entries).sort((a, b) =>
    entryLabel(a, entries[a]).localeCompare(entryLabel(b, entries[b]), undefined, { sensitivity: 'base' }),
  );

  const create = async (name: string) => {
    if (!spec.create) return false;
    if (actions?.create) {
      const made = await actions.create(name);
      if (made !== null) {
        setCreating(false);
        onSelect(made);
      }
      return made !== null;
    }
    const id = spec.create.nameIsKey ? name : randomId(entries);
    const ok = await applyChange(
      [{ op: 'add', path: pointer(kind, id), value: spec.create.value(name) }],
      `Add ${spec.singular} ${name}`,
    );
    if (ok) {
      setCreating(false);
      onSelect(id);
    }
    return ok;
  };

  // `original` is the name the user started from: the test op turns a concurrent rename into a conflict
  // (409) instead of silently overwriting it (the edit's base is the live head, which already has it).
  const rename = (id: string, name: string, original: string) => {
    if (actions?.rename) return actions.rename(id, name, original);
    const path = pointer(kind, id, 'name');
    const guard: PatchOp[] = original !== id ? [{ op: 'test', path, value: original }] : [];
    return applyChange(
      [...guard, { op: 'replace', path, value: name }],
      `Rename ${spec.singular} ${entryLabel(id, entries[id])} to ${name}`,
    );
  };

  const remove = async (id: string) => {
    const label = entryLabel(id, entries[id]);
    if (!(await confirmDialog(`Delete ${spec.singular} "${label}"?`, 'Delete'))) return;
    if (actions?.remove) {
      if ((await actions.remove(id)) && id === selected) onSelect(undefined);
      return;
    }
    if ((await applyChange([{ op: 'remove', path: pointer(kind, id) }], `Delete ${spec.singular} ${label}`)) && id === selected)
      onSelect(undefined);
  };

  // Delete removes the selection (not while typing in a field)
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if (e.key === 'Delete' && !typing && selected && selected in entries && spec.remove && !readOnly) {
      e.preventDefault();
      void remove(selected);
    }
  };

  return (
    <section className={`place${compact ? ' compact' : ''}`} data-testid={`place-${kind}`} onKeyDown={onKeyDown}>
      <header className="place-header">
        <h2>{TITLES[kind]}</h2>
        {spec.create && !creating && (
          <button data-testid="new-entry" disabled={readOnly} onClick={() => setCreating(true)}>
            New {spec.singular}
          </button>
        )}
        {headerExtra}
      </header>
      {spec.create && creating && !readOnly && (
        <InlineForm
          inputTestId={testIds?.newName ?? "new-entry-name"}
          submitTestId={testIds?.newCreate ?? "new-entry-create"}
          cancelTestId="new-entry-cancel"
          placeholder={spec.create.nameIsKey ? 'ClassName' : `Name of the new ${spec.singular}`}
          submitLabel="Create"
          autoFocus
          validate={spec.create.validate ? (v) => spec.create!.validate!(v, entries) : undefined}
          onSubmit={create}
          onCancel={() => setCreating(false)}
        >
          {createExtra}
        </InlineForm>
      )}
      {ids.length === 0 ? (
        <p className="empty" data-testid="entries-empty">
          No {TITLES[kind].toLowerCase()} yet.
        </p>
      ) : (
        <ul className="entry-list" data-testid={testIds?.list ?? "entry-list"}>
          {ids.map((id) => (
            <EntryRow
              key={id}
              id={id}
              testId={testIds?.row}
              idAttr={testIds?.rowIdAttr}
              label={entryLabel(id, entries[id])}
              selected={id === selected}
              readOnly={readOnly}
              canRename={spec.rename || !!actions?.rename}
              canDelete={spec.remove}
              thumbnail={thumbnail?.(id)}
              detail={detail?.(id)}
              copyName={actions?.duplicate ? (actions.copyName?.(id, entryLabel(id, entries[id])) ?? `${entryLabel(id, entries[id])} copy`) : undefined}
              onDuplicate={
                actions?.duplicate
                  ? async (name) => {
                      const made = await actions.duplicate!(id, name);
                      if (made !== null) onSelect(made);
                      return made !== null;
                    }
                  : undefined
              }
              onSelect={() => onSelect(id)}
              onRename={(name, original) => rename(id, name, original)}
              onDelete={() => void remove(id)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
