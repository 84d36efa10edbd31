// Real-time co-editing of an operation's code (docs/collaboration.md): @codemirror/collab's operational
// transformation with the server as the authority, over the app's one WebSocket. The server keeps the
// version and the accepted updates; an update not based on its latest version is rejected and this client
// rebases it over the updates it receives, then sends it again. Remote cursors and selections are drawn
// as decorations. The server commits the merged text to git; this module only edits and reports.
import { collab, getClientID, getSyncedVersion, receiveUpdates, sendableUpdates, type Update } from '@codemirror/collab';
import { ChangeSet, Compartment, StateEffect, StateField, Text, type EditorState, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { userHue } from '../../shared/format';
import { minimalChange } from '../../shared/textChange';
import type { DocMessage, WsClient } from '../../shared/ws';

export interface DocTarget {
  project: string;
  branch: string;
  operation: string;
}

/** What the server says no one may lose: both sides of a conflict (theirs null: the operation was deleted). */
export interface DocConflict {
  ours: string;
  theirs: string | null;
  reason: string;
}

export type CollabStatus = 'connecting' | 'saved' | 'saving' | 'offline';

export interface CollabCallbacks {
  /** The save state: all text in git, edits not yet in git, or no connection (edits kept here). */
  onStatus?: (status: CollabStatus) => void;
  onConflict?: (conflict: DocConflict | null) => void;
  onError?: (message: string) => void;
  /** Whether this user may type (false for readers). */
  onWritable?: (writable: boolean) => void;
}

interface WireUpdate {
  clientID: string;
  changes: unknown;
  user?: string;
}

/** A remote person's cursor and selections, in this document's coordinates. */
interface RemoteCursor {
  session: string;
  user: string;
  name: string;
  ranges: { anchor: number; head: number }[];
}

const setRemote = StateEffect.define<RemoteCursor>();
const dropRemote = StateEffect.define<string>();

class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly hue: number,
  ) {
    super();
  }
  override eq(other: CaretWidget): boolean {
    return other.name === this.name && other.hue === this.hue;
  }
  toDOM(): HTMLElement {
    const el = document.createElement('span');
    el.className = 'cm-remote-caret';
    el.style.borderLeftColor = `hsl(${this.hue} 70% 45%)`;
    el.dataset.user = this.name;
    el.setAttribute('aria-label', `${this.name}'s cursor`);
    const label = document.createElement('span');
    label.className = 'cm-remote-caret-label';
    label.textContent = this.name;
    label.style.backgroundColor = `hsl(${this.hue} 70% 45%)`;
    el.appendChild(label);
    return el;
  }
  override ignoreEvent(): boolean {
    return true;
  }
}

function clamp(n: number, len: number): number {
  return Math.max(0, Math.min(len, Math.round(n)));
}

/** Remote cursors keyed by session, mapped through every change so they stay on their text. */
const remoteField = StateField.define<Map<string, RemoteCursor>>({
  create: () => new Map(),
  update(cursors, tr) {
    let next = cursors;
    if (tr.docChanged) {
      next = new Map();
      for (const [k, c] of cursors)
        next.set(k, {
          ...c,
          ranges: c.ranges.map((r) => ({ anchor: tr.changes.mapPos(r.anchor, 1), head: tr.changes.mapPos(r.head, 1) })),
        });
    }
    for (const e of tr.effects) {
      if (e.is(setRemote)) {
        if (next === cursors) next = new Map(cursors);
        const len = tr.state.doc.length;
        next.set(e.value.session, { ...e.value, ranges: e.value.ranges.map((r) => ({ anchor: clamp(r.anchor, len), head: clamp(r.head, len) })) });
      } else if (e.is(dropRemote)) {
        if (next === cursors) next = new Map(cursors);
        next.delete(e.value);
      }
    }
    return next;
  },
  provide: (f) =>
    EditorView.decorations.compute([f], (state) => {
      const ranges = [];
      for (const c of state.field(f).values()) {
        const hue = userHue(c.user);
        for (const r of c.ranges) {
          const from = Math.min(r.anchor, r.head);
          const to = Math.max(r.anchor, r.head);
          if (to > from)
            ranges.push(
              Decoration.mark({
                class: 'cm-remote-selection',
                attributes: { style: `background-color: hsl(${hue} 70% 60% / 0.3)`, 'data-user': c.name },
              }).range(from, to),
            );
          ranges.push(Decoration.widget({ widget: new CaretWidget(c.name, hue), side: 1 }).range(r.head));
        }
      }
      return Decoration.set(ranges, true) as DecorationSet;
    }),
});

const remoteTheme = EditorView.baseTheme({
  '.cm-remote-caret': { position: 'relative', borderLeft: '2px solid', marginLeft: '-1px', marginRight: '-1px' },
  '.cm-remote-caret-label': {
    position: 'absolute',
    top: '-1.1em',
    left: '-2px',
    fontSize: '10px',
    lineHeight: '1.1em',
    color: 'white',
    padding: '0 3px',
    borderRadius: '3px 3px 3px 0',
    whiteSpace: 'nowrap',
    pointerEvents: 'none',
    opacity: '0.85',
  },
});

const CURSOR_THROTTLE_MS = 80;

/**
 * Connects one CodeMirror view to the server's document for (project, branch, operation). The view's text
 * is replaced by the server's on joining; from then on every local edit is sent as an update and every
 * remote one is merged in. Destroy it when the editor closes.
 */
export class CodeCollab {
  private readonly compartment = new Compartment();
  private epoch: string | null = null;
  /** Whether the collab extension is in the view's state (not while it is being swapped for a new document). */
  private configured = false;
  /** The server's text at our synced version: what every received update applies to. */
  private serverDoc: Text | null = null;
  private inFlight = false;
  private savedVersion = -1;
  private writable = false;
  private conflict: DocConflict | null = null;
  private cursorTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly stops: (() => void)[] = [];
  private destroyed = false;
  private readonly clientID = Math.random().toString(36).slice(2, 12);

  constructor(
    private readonly ws: WsClient,
    private readonly target: DocTarget,
    private readonly view: EditorView,
    private readonly callbacks: CollabCallbacks = {},
  ) {
    view.dispatch({ effects: StateEffect.appendConfig.of([this.compartment.of([]), remoteField, remoteTheme, this.plugin()]) });
    this.stops.push(ws.onDoc(target.project, target.branch, target.operation, (m) => this.receive(m)));
    this.stops.push(
      ws.onConnectionChange((up) => {
        if (up) this.join();
        else this.status();
      }),
    );
    this.join();
    this.status();
  }

  /** Stops editing together: leaves the document (the server commits what is left when the last one goes). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.ws.sendDoc({ type: 'doc-leave', ...this.target });
    for (const s of this.stops) s();
  }

  /** Whether the server's document drives this editor (joined at least once). */
  get active(): boolean {
    return this.epoch !== null;
  }

  /** Local edits the server has not accepted yet. */
  pending(): number {
    return this.configured ? sendableUpdates(this.view.state).length : 0;
  }

  /** Replaces the whole text by `text` as an ordinary local edit (a merge the user made). */
  replaceText(text: string): void {
    const change = minimalChange(this.view.state.doc.toString(), text);
    if (change) this.view.dispatch({ changes: change, userEvent: 'input.merge' });
  }

  private resolving = false;

  /**
   * The user merged a conflict into `text`: it becomes the document (an ordinary edit), and once the server
   * has accepted it, commits resume.
   */
  resolveWith(text: string): void {
    this.replaceText(text);
    this.resolving = true;
    this.maybeResolve();
  }

  private maybeResolve(): void {
    if (this.resolving && this.pending() === 0 && this.ws.sendDoc({ type: 'doc-resolve', ...this.target })) this.resolving = false;
  }

  private plugin(): Extension {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return ViewPlugin.fromClass(
      class {
        update(u: ViewUpdate) {
          if (!self.configured) return;
          if (u.docChanged) {
            self.push();
            self.status();
          }
          if (u.selectionSet || u.docChanged) self.scheduleCursor();
        }
      },
    );
  }

  private join(): void {
    if (this.destroyed) return;
    const resume = this.configured ? { epoch: this.epoch, version: getSyncedVersion(this.view.state) } : {};
    this.ws.sendDoc({ type: 'doc-join', ...this.target, ...resume });
  }

  private receive(m: DocMessage): void {
    if (this.destroyed) return;
    switch (m.type) {
      case 'doc':
        this.joined(m);
        break;
      case 'doc-updates':
        this.updates(m.version as number, m.updates as WireUpdate[]);
        if (m.saved === true && this.configured) {
          this.savedVersion = Math.max(this.savedVersion, (m.version as number) + (m.updates as WireUpdate[]).length);
          this.status();
        }
        break;
      case 'doc-rejected':
        // based on an old version: the updates we lack are on their way; we rebase and push when they arrive
        this.inFlight = false;
        this.push();
        break;
      case 'doc-saved':
        this.savedVersion = Math.max(this.savedVersion, m.version as number);
        this.status();
        break;
      case 'doc-cursor': {
        const ranges = m.ranges as { anchor: number; head: number }[] | null;
        const session = String(m.session);
        this.view.dispatch({
          effects: ranges
            ? setRemote.of({ session, user: String(m.user), name: String(m.name), ranges })
            : dropRemote.of(session),
        });
        break;
      }
      case 'doc-conflict':
        this.conflict = { ours: String(m.ours ?? ''), theirs: typeof m.theirs === 'string' ? m.theirs : null, reason: String(m.reason ?? '') };
        this.callbacks.onConflict?.(this.conflict);
        break;
      case 'doc-resolved':
        this.conflict = null;
        this.callbacks.onConflict?.(null);
        break;
      case 'doc-error':
        this.inFlight = false;
        this.callbacks.onError?.(String(m.error));
        break;
    }
  }

  private joined(m: DocMessage): void {
    const text = String(m.text);
    const version = m.version as number;
    this.writable = m.writable === true;
    if (m.saved === true) this.savedVersion = Math.max(this.savedVersion, version);
    this.callbacks.onWritable?.(this.writable);
    const updates = m.updates as WireUpdate[] | undefined;
    if (this.epoch === m.epoch && updates && typeof m.since === 'number') {
      // the same server document after a reconnect: catch up, then send what we typed meanwhile
      this.inFlight = false;
      this.updates(m.since, updates);
      return;
    }
    const local = this.configured ? sendableUpdates(this.view.state) : [];
    const before = this.serverDoc;
    this.epoch = String(m.epoch);
    this.serverDoc = Text.of(text.split('\n'));
    this.inFlight = false;
    // a fresh document: the server's text replaces ours and the collab state starts at its version
    this.configured = false;
    this.view.dispatch({ effects: this.compartment.reconfigure([]) });
    const change = minimalChange(this.view.state.doc.toString(), text);
    if (change) this.view.dispatch({ changes: change });
    this.view.dispatch({ effects: this.compartment.reconfigure(collab({ startVersion: version, clientID: this.clientID })) });
    this.configured = true;
    if (local.length > 0) {
      if (before !== null && before.toString() === text) {
        // the server restarted from exactly the text our edits were based on: they still apply
        let changes = local[0].changes;
        for (const u of local.slice(1)) changes = changes.compose(u.changes);
        this.view.dispatch({ changes });
      } else {
        // others changed it meanwhile too: show both, lose neither
        const ours = before ? local.reduce<Text>((doc, u) => u.changes.apply(doc), before).toString() : text;
        this.conflict = { ours, theirs: text, reason: 'The connection was lost while you typed and the text changed meanwhile' };
        this.callbacks.onConflict?.(this.conflict);
      }
    }
    this.status();
    this.scheduleCursor();
  }

  private updates(base: number, wire: WireUpdate[]): void {
    if (!this.configured || !this.serverDoc) return;
    const synced = getSyncedVersion(this.view.state);
    if (base > synced) {
      // we missed some: join again from our version
      this.join();
      return;
    }
    const fresh = wire.slice(synced - base);
    if (fresh.length === 0) return;
    const parsed: Update[] = [];
    let doc = this.serverDoc;
    for (const u of fresh) {
      const changes = ChangeSet.fromJSON(u.changes);
      doc = changes.apply(doc);
      parsed.push({ changes, clientID: u.clientID });
    }
    this.serverDoc = doc;
    const ours = parsed.some((u) => u.clientID === this.clientID);
    this.view.dispatch(receiveUpdates(this.view.state, parsed));
    if (ours) this.inFlight = false;
    this.push();
    this.maybeResolve();
    this.status();
  }

  private push(): void {
    if (this.inFlight || !this.configured || !this.writable || this.destroyed) return;
    const state: EditorState = this.view.state;
    const updates = sendableUpdates(state);
    if (updates.length === 0) return;
    const sent = this.ws.sendDoc({
      type: 'doc-push',
      ...this.target,
      version: getSyncedVersion(state),
      updates: updates.slice(0, 200).map((u) => ({ clientID: getClientID(state), changes: u.changes.toJSON() })),
    });
    if (sent) this.inFlight = true;
  }

  private scheduleCursor(): void {
    if (this.cursorTimer || !this.configured) return;
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = null;
      if (this.destroyed || !this.configured) return;
      const sel = this.view.state.selection;
      this.ws.sendDoc({
        type: 'doc-cursor',
        ...this.target,
        version: getSyncedVersion(this.view.state),
        ranges: sel.ranges.map((r) => ({ anchor: r.anchor, head: r.head })),
      });
    }, CURSOR_THROTTLE_MS);
  }

  private status(): void {
    let s: CollabStatus;
    if (!this.ws.isOpen()) s = 'offline';
    else if (!this.configured) s = 'connecting';
    else if (this.pending() > 0 || this.savedVersion < getSyncedVersion(this.view.state)) s = 'saving';
    else s = 'saved';
    this.callbacks.onStatus?.(s);
  }
}
