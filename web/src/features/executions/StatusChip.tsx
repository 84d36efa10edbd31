import { statusStyle } from './status';

/** A status in the paper's colours; `label` names it when the thing has states of its own (a session's "idle" drawn as success). */
export function StatusChip({ status, testid, label }: { status: string; testid?: string; label?: string }) {
  const s = statusStyle(status);
  return (
    <span
      className={`status-chip status-${status}${s.muted ? ' muted-status' : ''}`}
      style={{ background: s.fill, borderColor: s.border, color: s.text }}
      data-testid={testid}
      data-status={label ?? status}
    >
      {label ?? status}
    </span>
  );
}
