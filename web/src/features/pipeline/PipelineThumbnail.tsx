import { useMemo } from 'react';
import type { Json } from '../../shared/patch';
import { readPipeline } from './model';
import { thumbnail } from './thumbnail';

/** A pipeline's node layout in miniature, for the list. */
export function PipelineThumbnail({ entry }: { entry: Record<string, Json> | undefined }) {
  const t = useMemo(() => thumbnail(readPipeline(entry), 48, 30), [entry]);
  return (
    <svg className="thumb" data-testid="pipeline-thumbnail" width={t.width} height={t.height} viewBox={`0 0 ${t.width} ${t.height}`} aria-hidden="true">
      {t.lines.map((l) => (
        <line key={l.id} x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} />
      ))}
      {t.rects.map((b) => (
        <rect key={b.id} x={b.x} y={b.y} width={b.width} height={b.height} rx={1} className={`thumb-${b.kind}`} />
      ))}
    </svg>
  );
}
