import { shortId } from '../../shared/format';

export function ReadOnlyBanner({ commit, onBack, backLabel }: { commit: string; onBack: () => void; backLabel: string }) {
  return (
    <div className="readonly-banner" data-testid="readonly-banner" role="status">
      <span>
        Read-only at commit <code>{shortId(commit)}</code>
      </span>
      <button data-testid="readonly-back" onClick={onBack}>
        {backLabel}
      </button>
    </div>
  );
}
