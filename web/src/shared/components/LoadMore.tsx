import { useEffect, useRef } from 'react';

interface Props {
  /** Whether another page exists. */
  more: boolean;
  loading: boolean;
  onMore: () => void;
  testId?: string;
}

/** The end of a paged list: reads the next page as soon as it scrolls into view, or when its button is pressed. */
export function LoadMore({ more, loading, onMore, testId }: Props) {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !more || typeof IntersectionObserver === 'undefined') return;
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && onMore());
    seen.observe(el);
    return () => seen.disconnect();
  }, [more, onMore]);
  if (!more) return null;
  return (
    <div ref={ref} className="load-more" data-testid={testId}>
      <button type="button" className="secondary" disabled={loading} onClick={onMore}>
        {loading ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
