import { useConfirm } from '../notify';

/** The in-page replacement for window.confirm. */
export function ConfirmDialog() {
  const req = useConfirm();
  if (!req) return null;
  return (
    <div className="modal-backdrop" onClick={() => req.resolve(false)}>
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        data-testid="confirm-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && req.resolve(false)}
      >
        <p>{req.message}</p>
        <div className="modal-actions">
          <button className="secondary" data-testid="confirm-cancel" onClick={() => req.resolve(false)}>
            Cancel
          </button>
          <button className="danger" data-testid="confirm-ok" autoFocus onClick={() => req.resolve(true)}>
            {req.okLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
