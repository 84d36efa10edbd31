import { Handle, Position, useStore, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { formatCount } from './model';

export interface LayerNodeData extends Record<string, unknown> {
  type: string;
  name: string;
  /** The output shape as text (`[N, 8, 26, 26]`), '' before the analysis. */
  shape: string;
  parameters: number | null;
  /** The analysis' messages about this layer, '' when none. */
  error: string;
  inputs: number;
  outputs: number;
  inputNames: string[];
  kind: 'input' | 'output' | 'merge' | 'layer';
  /** What kind of estimator it is ("classifier", "transformer"), '' for kinds without one. */
  tag: string;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

const spread = (i: number, n: number) => `${((i + 1) / (n + 1)) * 100}%`;

/** Below this zoom the canvas shows less (level of detail): a layer's type only, connections without shapes. */
export const FAR_ZOOM = 0.35;
/** True while the canvas is zoomed out past FAR_ZOOM; a component re-renders only when that flips. */
export const useFar = () => useStore((s) => s.transform[2] < FAR_ZOOM);

/** One layer: type and name, output shape and parameters; inputs on top, outputs at the bottom. */
export const LayerNodeView = memo(function LayerNodeView({ id, data, selected }: NodeProps<LayerFlowNode>) {
  const { inputs, outputs, error } = data;
  const far = useFar();
  return (
    <div
      className={`arch-node arch-node-${data.kind}${selected ? ' selected' : ''}${error ? ' has-error' : ''}${far ? ' far' : ''}`}
      data-testid="layer-node"
      data-layer-id={id}
      data-type={data.type}
      data-error={error ? 'true' : 'false'}
      title={error || undefined}
    >
      {Array.from({ length: inputs }, (_, i) => (
        <Handle
          key={`in-${i}`}
          id={`in-${i}`}
          type="target"
          position={Position.Top}
          style={{ left: spread(i, inputs) }}
          data-testid="layer-in"
          data-input={i}
          title={data.inputNames[i] ? `input ${i}: ${data.inputNames[i]}` : `input ${i}`}
        />
      ))}
      <div className="arch-node-title">
        <span className="arch-node-type">{data.type}</span>
        {data.name && !far && <span className="arch-node-name"> {data.name}</span>}
      </div>
      {!far && <div className="arch-node-id muted">{id}</div>}
      {!far && <div className="arch-node-meta">
        <span className="arch-node-shape" data-testid="layer-shape">
          {data.shape}
        </span>
        {data.tag && (
          <span className={`arch-node-tag arch-node-tag-${data.tag}`} data-testid="layer-tag">
            {data.tag}
          </span>
        )}
        {data.parameters !== null && data.parameters > 0 && (
          <span className="arch-node-params" data-testid="layer-params" title={`${formatCount(data.parameters)} trainable parameters`}>
            {compact(data.parameters)}
          </span>
        )}
      </div>}
      {error && !far && (
        <div className="arch-node-error" data-testid="layer-error" role="alert">
          {error}
        </div>
      )}
      {Array.from({ length: outputs }, (_, i) => (
        <Handle
          key={`out-${i}`}
          id={`out-${i}`}
          type="source"
          position={Position.Bottom}
          style={{ left: spread(i, outputs) }}
          data-testid="layer-out"
          data-output={i}
          title={`output ${i}`}
        />
      ))}
    </div>
  );
});

/** 80 → "80 p", 11689512 → "11.7 M p": short enough for a node. */
function compact(n: number): string {
  if (n < 10_000) return `${formatCount(n)} p`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} k p`;
  return `${(n / 1_000_000).toFixed(1)} M p`;
}
