import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useFar } from './LayerNodeView';

export type ArchFlowEdge = Edge<{ shape: string }, 'arch'>;

/** A connection, labelled with the shape of the tensor it carries. */
export const ArchEdgeView = memo(function ArchEdgeView(props: EdgeProps<ArchFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, selected, data } = props;
  const far = useFar();
  const [path, x, y] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <g data-testid="arch-edge" data-connection-id={id} className={selected ? 'arch-edge selected' : 'arch-edge'}>
        <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={16} />
      </g>
      {data?.shape && !far && (
        <EdgeLabelRenderer>
          <div
            className={`arch-edge-label${selected ? ' selected' : ''}`}
            data-testid="edge-shape"
            data-connection-id={id}
            style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
          >
            {data.shape}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
