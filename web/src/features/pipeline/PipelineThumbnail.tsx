import { useMemo } from 'react';
import type { Json } from '../../shared/patch';
import { readPipeline } from './model';
import { thumbnail, thumbnailPaths } from './thumbnail';

/** A pipeline's node layout in miniature, for the list: three paths, whatever its size. */
export function PipelineThumbnail({ entry }: { entry: Record<string, Json> | undefined }) {
  const t = useMemo(() => {
    const picture = thumbnail(readPipeline(entry), 48, 30);
    return { width: picture.width, height: picture.height, nodes: picture.rects.length, ...thumbnailPaths(picture) };
  }, [entry]);
  return (
    <svg className="thumb" data-testid="pipeline-thumbnail" data-nodes={t.nodes} width={t.width} height={t.height} viewBox={`0 0 ${t.width} ${t.height}`} aria-hidden="true">
      {t.lines && <path className="thumb-lines" d={t.lines} />}
      {t.boxes && <path className="thumb-boxes" d={t.boxes} />}
      {t.ports && <path className="thumb-ports" d={t.ports} />}
    </svg>
  );
}
