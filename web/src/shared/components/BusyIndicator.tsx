import { useEffect, useState } from 'react';
import { busyCount, onBusyChange } from '../busy';

const DELAY_MS = 300;

/** A progress bar along the top, shown only while some request has run longer than 300 ms. */
export function BusyIndicator() {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = (count: number) => {
      if (count > 0 && !timer && !visible) {
        timer = setTimeout(() => {
          timer = null;
          setVisible(busyCount() > 0);
        }, DELAY_MS);
      } else if (count === 0) {
        if (timer) clearTimeout(timer);
        timer = null;
        setVisible(false);
      }
    };
    const off = onBusyChange(update);
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [visible]);
  if (!visible) return null;
  return <div className="busy" data-testid="busy-indicator" role="progressbar" aria-label="Working…" />;
}
