import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type Cell, type Session } from '../../shared/api';
import type { WsClient } from '../../shared/ws';
import { applyCellMessage, upsertCell } from './cells';
import { applyTrainingMessage, fromTrainings, mergeTrainings, type Trainings } from './training';

export interface SessionModel {
  session: Session | null;
  cells: readonly Cell[];
  trainings: Trainings;
  /** Why the session cannot be shown (gone, not allowed). */
  error: string | null;
  /** A cell the server answered with (before its WebSocket message, perhaps). */
  addCell: (cell: Cell) => void;
  setSession: (session: Session) => void;
}

const PAGE = 200;

/**
 * One session as the workspace shows it: its status, its cells (the history read page by page, then live) and its
 * trainings with their metric series. After a reconnect everything is read again, as the socket replays nothing.
 */
export function useSession(sessionId: string, ws: WsClient): SessionModel {
  const [session, setSession] = useState<Session | null>(null);
  const [cells, setCells] = useState<readonly Cell[]>([]);
  const [trainings, setTrainings] = useState<Trainings>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let gone = false;
    setSession(null);
    setCells([]);
    setTrainings({});
    setError(null);
    const load = async () => {
      try {
        const s = await api.getSession(sessionId);
        if (gone) return;
        setSession(s);
        const read: Cell[] = [];
        let after: number | null = null;
        do {
          const page: { items: Cell[]; next: number | null } = await api.listCells(sessionId, after, PAGE);
          read.push(...page.items);
          after = page.next;
        } while (after !== null && !gone);
        if (gone) return;
        setCells((cur) => read.reduce<readonly Cell[]>(upsertCell, cur));
        const list = await api.listTrainings(sessionId);
        if (!gone) setTrainings((cur) => mergeTrainings(fromTrainings(list.items), cur));
      } catch (e) {
        if (!gone) setError(errorMessage(e));
      }
    };
    const off = ws.watchSession(sessionId, (msg) => {
      if (msg.type === 'session') setSession(msg.status);
      else if (msg.type === 'sessionResources') setSession((s) => (s ? { ...s, resources: msg.resources } : s));
      else if (msg.type === 'error') setError(msg.error ?? 'This session cannot be watched: it is gone or not yours');
      else {
        setCells((cur) => applyCellMessage(cur, msg));
        setTrainings((cur) => applyTrainingMessage(cur, msg));
      }
    });
    const offConnection = ws.onConnectionChange((connected) => {
      if (connected) void load();
    });
    void load();
    return () => {
      gone = true;
      off();
      offConnection();
    };
  }, [sessionId, ws]);

  // a session on its way up (or restarting) is asked again now and then, should a status message be missed
  const settling = session?.state === 'starting' || session?.state === 'restarting';
  useEffect(() => {
    if (!settling) return;
    const t = setInterval(() => api.getSession(sessionId).then((s) => setSession((cur) => (cur?.state === s.state ? cur : s)), () => undefined), 2000);
    return () => clearInterval(t);
  }, [settling, sessionId]);

  const addCell = useCallback((cell: Cell) => setCells((cur) => upsertCell(cur, cell)), []);
  return { session, cells, trainings, error, addCell, setSession };
}
