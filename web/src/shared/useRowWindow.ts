import { useEffect, useState, type RefObject } from 'react';
import { rowWindow, type RowWindow } from './paging';

/** Rows from the end at which a windowed list asks for its next page. */
const NEAR_END = 20;

/**
 * The rows of a list of `count` fixed-height rows to render inside the scrolling element `scroller` (rendered from the start), kept up to date
 * as it scrolls or resizes; `onNearEnd` runs when the rows in view come within {@link NEAR_END} of the last one.
 */
export function useRowWindow(scroller: RefObject<HTMLElement | null>, count: number, rowHeight: number, onNearEnd?: () => void): RowWindow {
  const [view, setView] = useState({ top: 0, height: 800 });
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    el.addEventListener('scroll', update, { passive: true });
    const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
    resize?.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      resize?.disconnect();
    };
  }, [scroller]);
  const w = rowWindow(view.top, view.height, rowHeight, count);
  const lastInView = Math.floor((view.top + view.height) / rowHeight);
  useEffect(() => {
    if (onNearEnd && count > 0 && lastInView >= count - NEAR_END) onNearEnd();
  }, [lastInView, count, onNearEnd]);
  return w;
}
