import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { NodeKind } from '../pipeline/model';
import { statusStyle } from './status';
import { ProgressBar } from './ProgressBar';
import type { ProgressState } from './progress';

export interface JobNodeData extends Record<string, unknown> {
  title: string;
  kind: NodeKind;
  status: string;
  message: string | null;
  progress?: ProgressState | null;
}
export type JobFlowNode = Node<JobNodeData, 'job'>;

/** A job in the execution DAG, filled with its status colour (cached: green outline). */
export function JobNodeView({ id, data, selected }: NodeProps<JobFlowNode>) {
  const s = statusStyle(data.status);
  return (
    <div
      className={`job-node status-${data.status}${selected ? ' selected' : ''}`}
      style={{ background: s.fill, borderColor: s.border, color: s.text }}
      data-testid="job-node"
      data-job={id}
      data-status={data.status}
      title={data.message ?? data.status}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="job-node-title">{data.title}</div>
      <div className="job-node-status">{data.status}</div>
      {data.progress && <ProgressBar state={data.progress} testid="job-node-progress" compact />}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}
