import { statusStyle } from './status';

/** A status in the paper's colours. */
export function StatusChip({ status, testid }: { status: string; testid?: string }) {
  const s = statusStyle(status);
  return (
    <span
      className={`status-chip status-${status}${s.muted ? ' muted-status' : ''}`}
      style={{ background: s.fill, borderColor: s.border, color: s.text }}
      data-testid={testid}
      data-status={status}
    >
      {status}
    </span>
  );
}
