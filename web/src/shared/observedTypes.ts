import { useEffect, useState } from 'react';
import { api, type IfacePort, type ObservedType, type ObservedTypes } from './api';

/** How an output port reads: its label, tooltip and whether the type shown is the one its last run produced. */
export interface OutputLabel { text: string; title: string; observed: boolean }

const FROM_RUN = '(from the last run)';

/**
 * An output's label and tooltip. A declared type stays the declared one (the tooltip adds the observed type when it
 * differs); an untyped output shows the type its last run produced, marked as such. Connection checks never see it.
 */
export function outputLabel(port: IfacePort, observed: ObservedType | undefined, declaredFrom?: string): OutputLabel {
  const seen = observed ? `${observed.type} ${FROM_RUN}, execution ${observed.execution}` : '';
  if (port.type) {
    const title = `${port.name}: ${port.type}${declaredFrom ? ` (type from the ${declaredFrom})` : ''}`;
    return { text: `${port.name}: ${port.type}`, title: observed && observed.type !== port.type ? `${title}; last run produced ${seen}` : title, observed: false };
  }
  if (observed) {
    return { text: `${port.name}: ${observed.type}`, title: `${port.name}: ${seen}; untyped: connects to anything`, observed: true };
  }
  return { text: port.name, title: `${port.name}: any type (untyped: connects to anything)`, observed: false };
}

/** The project's observed output types, read when the project or `refresh` changes; {} until read or on error. */
export function useObservedTypes(project: string, refresh?: unknown): ObservedTypes {
  const [types, setTypes] = useState<ObservedTypes>({});
  useEffect(() => {
    let stale = false;
    // none before and none now keeps the same object: the editor using it (a big pipeline's) is not drawn again
    const empty = (t: ObservedTypes) => Object.keys(t).length === 0;
    const take = (next: ObservedTypes) => !stale && setTypes((before) => (empty(before) && empty(next) ? before : next));
    api.observedTypes(project).then(
      (r) => take(r && typeof r === 'object' ? r : {}),
      () => take({}),
    );
    return () => {
      stale = true;
    };
  }, [project, refresh]);
  return types;
}
