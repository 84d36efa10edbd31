// Top-down dagre layout of an architecture; layer nodes have one fixed size, so it needs no measuring.
import type { Position } from '../pipeline/model';
import { autoLayout } from '../pipeline/layout';
import type { Architecture } from './model';

export const LAYER_SIZE = { width: 200, height: 78 };

/** Top-left positions of every layer, inputs at the top. */
export function layoutArchitecture(a: Architecture): Record<string, Position> {
  return autoLayout(
    Object.keys(a.layers).map((id) => ({ id, ...LAYER_SIZE })),
    Object.values(a.connections).map((c) => ({ source: c.from.layer, target: c.to.layer })),
    { nodesep: 36, ranksep: 64 },
  );
}
