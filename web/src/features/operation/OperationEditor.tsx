import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, errorMessage, type InterfaceEdit, type ModelView, type OperationInterface, type SyntaxErrorInfo } from '../../shared/api';
import { toast } from '../../shared/notify';
import { pointer } from '../../shared/patch';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { wsClient } from '../../shared/ws';
import { CodeCollab, type CollabStatus, type DocConflict } from './collab';
import { CodeConflictDialog } from './CodeConflictDialog';
import { CodeEditor, type CodeEditorHandle } from './CodeEditor';
import { InterfaceDiagram } from './InterfaceDiagram';
import { useObservedTypes } from '../../shared/observedTypes';
import { RequirementsEditor } from './RequirementsEditor';

interface Props {
  project: string;
  branch?: string;
  name: string;
  model: ModelView;
  head: string;
  wb: WorkbenchModel;
}

export const PARSE_DEBOUNCE_MS = 300;
export const SAVE_IDLE_MS = 1500;

type SaveState = 'saved' | 'saving' | 'unsaved';
const SAVE_LABEL: Record<SaveState, string> = { saved: 'Saved', saving: 'Saving…', unsaved: 'Unsaved' };
const LIVE_LABEL: Record<CollabStatus, string> = { connecting: 'Connecting…', saved: 'Saved', saving: 'Saving…', offline: 'Offline — your edits are kept here' };

function storedInterface(entry: Record<string, unknown> | undefined): OperationInterface | null {
  const i = entry?.interface;
  if (!i || typeof i !== 'object' || Array.isArray(i)) return null;
  const o = i as Partial<OperationInterface>;
  return {
    ...o,
    attributes: o.attributes ?? [],
    references: o.references ?? [],
    inputs: o.inputs ?? [],
    outputs: o.outputs ?? [],
    errors: o.errors ?? [],
    syntaxError: o.syntaxError ?? null,
  };
}

/** Code on the left (CodeMirror), the live interface diagram and requirements on the right (loaded lazily). */
export default function OperationEditor({ project, branch, name, model, head, wb }: Props) {
  const observed = useObservedTypes(project);
  const entry = model.operations?.[name];
  const code = typeof entry?.code === 'string' ? entry.code : '';
  const requirements = Array.isArray(entry?.requirements) ? (entry.requirements as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  const readOnly = wb.readOnly || !branch;
  const { applyChange, reload, currentHead } = wb;

  const editor = useRef<CodeEditorHandle | null>(null);
  /** The code as last saved (or loaded): the `test` value of the next save. */
  const base = useRef(code);
  const text = useRef(code);
  /** The text a save in flight sends. */
  const inFlight = useRef<string | null>(null);
  const chain = useRef<Promise<boolean>>(Promise.resolve(true));
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const parseTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const parseSeq = useRef(0);

  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [conflict, setConflict] = useState(false);
  const [iface, setIface] = useState<OperationInterface | null>(() => storedInterface(entry));
  const [syntaxError, setSyntaxError] = useState<SyntaxErrorInfo | null>(() => storedInterface(entry)?.syntaxError ?? null);
  /** Co-editing (code/collab.ts): while it runs, the server's document is the text and the server commits it. */
  const collab = useRef<CodeCollab | null>(null);
  const [liveStatus, setLiveStatus] = useState<CollabStatus | null>(null);
  const [docConflict, setDocConflict] = useState<DocConflict | null>(null);
  const live = () => collab.current !== null;

  // ---- live interface preview
  const parse = useCallback(
    (source: string) => {
      const seq = ++parseSeq.current;
      api.parseOperation(project, source, name).then(
        (r) => {
          if (seq !== parseSeq.current || !r) return;
          setSyntaxError(r.syntaxError ?? null);
          // with a syntax error the other fields are only the last good interface: keep ours
          if (!r.syntaxError) setIface(storedInterface({ interface: r }));
        },
        () => undefined, // the preview is a convenience; the stored interface stays
      );
    },
    [project, name],
  );
  const scheduleParse = useCallback(() => {
    if (parseTimer.current) clearTimeout(parseTimer.current);
    parseTimer.current = setTimeout(() => parse(text.current), PARSE_DEBOUNCE_MS);
  }, [parse]);

  // ---- saving
  const saveNow = useCallback((): Promise<boolean> => {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = null;
    const run = async (): Promise<boolean> => {
      if (live()) return true; // the server commits the shared text
      const t = text.current;
      if (t === base.current) {
        setSaveState('saved');
        return true;
      }
      if (readOnly) return false;
      setSaveState('saving');
      inFlight.current = t;
      const path = pointer('operations', name, 'code');
      const ok = await applyChange(
        [
          { op: 'test', path, value: base.current },
          { op: 'replace', path, value: t },
        ],
        `Edit operation ${name}`,
        {
          onConflict: () => {
            setConflict(true);
            toast(`${name} was changed by someone else meanwhile; your text is kept here. Reload theirs, or save yours over it.`, 'error');
          },
        },
      );
      inFlight.current = null;
      if (ok) base.current = t;
      setSaveState(text.current === base.current ? 'saved' : 'unsaved');
      return ok;
    };
    const next = chain.current.then(run, run);
    chain.current = next;
    return next;
  }, [applyChange, name, readOnly]);

  const scheduleSave = useCallback(() => {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => void saveNow(), SAVE_IDLE_MS);
  }, [saveNow]);

  const onChange = (t: string) => {
    text.current = t;
    if (live()) {
      scheduleParse();
      return;
    }
    setSaveState(t === base.current ? 'saved' : 'unsaved');
    scheduleParse();
    if (!conflict) scheduleSave();
  };

  // a save still waiting goes out when the editor closes
  const latestSave = useRef(saveNow);
  latestSave.current = saveNow;
  useEffect(
    () => () => {
      if (parseTimer.current) clearTimeout(parseTimer.current);
      if (saveTimer.current) {
        clearTimeout(saveTimer.current);
        void latestSave.current();
      }
    },
    [],
  );

  // ---- editing together: join the server's document for this operation
  useEffect(() => {
    const view = editor.current?.view();
    if (!branch || !view) return;
    const c = new CodeCollab(wsClient(), { project, branch, operation: name }, view, {
      onStatus: setLiveStatus,
      onConflict: setDocConflict,
      onError: (m) => toast(m, 'error'),
    });
    collab.current = c;
    return () => {
      c.destroy();
      collab.current = null;
    };
  }, [project, branch, name]);

  // ---- code changed in the model (another user, an interface edit, a merge)
  useEffect(() => {
    if (live()) {
      // the server folds commits made elsewhere into the shared text; they arrive as updates
      base.current = code;
      return;
    }
    if (code === base.current) return;
    if (code === text.current || code === inFlight.current) {
      base.current = code;
      return;
    }
    if (text.current === base.current && inFlight.current === null) {
      editor.current?.setText(code);
      text.current = code;
      base.current = code;
      setSaveState('saved');
      scheduleParse();
      return;
    }
    setConflict(true);
  }, [code, scheduleParse]);

  const resolveDocConflict = async (merged: string) => {
    const c = collab.current;
    if (!docConflict || !c) return;
    if (docConflict.theirs === null) {
      // the operation was deleted: bring it back with the merged text (the server then resumes with it)
      const ok = await applyChange([{ op: 'add', path: pointer('operations', name), value: { code: merged } }], `Restore operation ${name}`);
      if (ok) setDocConflict(null);
      return;
    }
    c.resolveWith(merged);
    setDocConflict(null);
  };

  // the stored interface follows commits while the text is the saved one
  useEffect(() => {
    const stored = storedInterface(entry);
    if (stored && text.current === code) {
      setSyntaxError(stored.syntaxError);
      if (!stored.syntaxError) setIface(stored);
    }
  }, [entry, code]);

  useEffect(() => {
    if (!storedInterface(entry)) parse(code);
    // once, for an operation the server has not derived an interface for
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Without co-editing (no connection), a save that met someone else's change merges here, losing neither. */
  const saveMerged = (merged: string) => {
    editor.current?.setText(merged);
    text.current = merged;
    base.current = code;
    setConflict(false);
    void saveNow();
  };

  // ---- interface edits rewrite the saved code on the server
  const onEdit = async (edit: InterfaceEdit): Promise<boolean> => {
    if (!branch || readOnly) return false;
    if (conflict) {
      toast('Resolve the conflicting edit first (reload or save yours)', 'error');
      return false;
    }
    if (!(await saveNow())) return false;
    try {
      const r = await api.editInterface(project, branch, name, edit, currentHead() ?? head);
      if (!live()) {
        // with co-editing the server folds the rewritten code into the shared text itself
        base.current = r.code;
        text.current = r.code;
        editor.current?.setText(r.code);
      }
      setSaveState('saved');
      if (r.interface) {
        setIface(storedInterface({ interface: r.interface }));
        setSyntaxError(r.interface.syntaxError ?? null);
      }
      void reload();
      return true;
    } catch (e) {
      toast(errorMessage(e), 'error');
      return false;
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void saveNow();
    }
  };

  return (
    <div className="op-editor-layout" data-testid="operation-editor" data-operation={name} onKeyDown={onKeyDown}>
      <section className="op-code">
        <header className="op-code-header">
          <h2>{name}</h2>
          {liveStatus ? (
            <span className={`op-save-state save-${liveStatus === 'saving' ? 'saving' : liveStatus === 'saved' ? 'saved' : 'unsaved'}`} data-testid="op-save-state" data-live={liveStatus} aria-live="polite">
              {LIVE_LABEL[liveStatus]}
            </span>
          ) : (
            <span className={`op-save-state save-${saveState}`} data-testid="op-save-state" aria-live="polite">
              {SAVE_LABEL[saveState]}
            </span>
          )}
          {!readOnly && !liveStatus && (
            <button className="secondary small" data-testid="op-save" disabled={saveState !== 'unsaved' || conflict} onClick={() => void saveNow()} title="Save (Ctrl/Cmd-S)">
              Save
            </button>
          )}
        </header>
        {conflict && !liveStatus && (
          <CodeConflictDialog
            name={name}
            ours={text.current}
            theirs={code}
            reason={`Someone else changed ${name} while you were editing. Merge the two versions; nothing is saved until you choose.`}
            action="Save the merged text"
            onResolve={saveMerged}
          />
        )}
        {docConflict && (
          <CodeConflictDialog
            name={name}
            ours={docConflict.ours}
            theirs={docConflict.theirs}
            reason={docConflict.reason}
            action={docConflict.theirs === null ? `Restore ${name} with this text` : 'Use this text'}
            onResolve={(m) => void resolveDocConflict(m)}
          />
        )}
        <CodeEditor
          initial={code}
          readOnly={readOnly}
          errorLine={syntaxError?.line ?? null}
          onChange={onChange}
          onSave={() => void saveNow()}
          handle={editor}
          analyse={(source) => api.parseOperation(project, source, name)}
        />
        {syntaxError && (
          <div className="op-syntax-error" data-testid="op-syntax-error" role="status">
            Syntax error at line {syntaxError.line}, column {syntaxError.col + 1}: {syntaxError.message}
            <span className="muted"> (saved anyway; the interface keeps its last good value)</span>
          </div>
        )}
      </section>
      <aside className="op-side" aria-label="Interface">
        <InterfaceDiagram name={name} iface={iface} readOnly={readOnly} onEdit={onEdit} observed={observed[name]} />
        <RequirementsEditor
          requirements={requirements}
          readOnly={readOnly}
          onChange={(next, message) => applyChange([{ op: 'add', path: pointer('operations', name, 'requirements'), value: next }], message)}
          onCheck={() => api.requirements(project, name, currentHead() ?? head)}
        />
      </aside>
    </div>
  );
}
