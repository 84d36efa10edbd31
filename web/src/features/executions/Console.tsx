import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../shared/api';
import { highlightSegments, parseAnsi, stripAnsi, type AnsiSegment, type Piece } from './ansi';
import type { WsClient } from '../../shared/ws';

interface Props { executionId: string; jobId: string; ws: WsClient; status: string }

const PAGE = 5000;

/**
 * The job's console: fetched from `from=0`, then every live `log` message fetches what follows the
 * last line held (so a line is never shown twice nor lost between the fetch and the watch).
 */
export function Console({ executionId, jobId, ws, status }: Props) {
  const [lines, setLines] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(true);
  const next = useRef(0);
  const running = useRef(false);
  const again = useRef(false);
  const box = useRef<HTMLDivElement>(null);

  const fetchMore = useCallback(async () => {
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    try {
      do {
        again.current = false;
        const page = await api.jobLog(executionId, jobId, next.current);
        const got = Array.isArray(page?.lines) ? page.lines : [];
        if (typeof page?.next === 'number') next.current = page.next;
        else next.current += got.length;
        if (got.length) setLines((l) => [...l, ...got]);
        if (got.length >= PAGE || page?.more) again.current = true;
      } while (again.current);
    } catch {
      // the job may not have a log yet; the next message tries again
    } finally {
      running.current = false;
    }
  }, [executionId, jobId]);

  useEffect(() => {
    void fetchMore();
    return ws.watch(executionId, (m) => {
      if ((m.type === 'log' || m.type === 'job') && m.job === jobId) void fetchMore();
      else if (m.type === 'execution' || m.type === 'watching') void fetchMore();
    });
  }, [ws, executionId, jobId, fetchMore]);

  // a last look when the job's status changes (the final lines may come with it)
  useEffect(() => {
    void fetchMore();
  }, [status, fetchMore]);

  const rendered = useMemo(() => {
    let state = {};
    return lines.map((line) => {
      const r = parseAnsi(line, state);
      state = r.state;
      return r.segments;
    });
  }, [lines]);
  const matches = useMemo(() => (query ? lines.filter((l) => stripAnsi(l).toLowerCase().includes(query.toLowerCase())).length : 0), [lines, query]);

  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [rendered, follow]);

  return (
    <div className="console-wrap">
      <div className="console-tools">
        <input
          type="search"
          placeholder="Search the console"
          data-testid="console-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-label="Search the console"
        />
        {query && <span className="muted small-text" data-testid="console-matches">{matches} line{matches === 1 ? '' : 's'}</span>}
        <label className="switch">
          <input type="checkbox" data-testid="console-follow" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow
        </label>
        <span className="muted small-text">{lines.length} lines</span>
      </div>
      <div className="console" data-testid="console" ref={box} role="log" aria-live="off">
        {rendered.length === 0 && <div className="muted console-empty">No output yet.</div>}
        {rendered.map((segs, i) => (
          <div className="console-line" data-testid="console-line" key={i}>
            {highlightSegments(segs, query).map((pieces, k) => (
              <Segment key={k} seg={segs[k]} pieces={pieces} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function Segment({ seg, pieces }: { seg: AnsiSegment; pieces: Piece[] }) {
  const cls = [seg.fg && `ansi-fg-${seg.fg}`, seg.bg && `ansi-bg-${seg.bg}`, seg.bold && 'ansi-bold'].filter(Boolean).join(' ');
  return (
    <span className={cls || undefined}>
      {pieces.map((p, i) => (p.match ? <mark key={i} data-testid="console-match">{p.text}</mark> : p.text))}
    </span>
  );
}
