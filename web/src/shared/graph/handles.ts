// Handles declared before a node is drawn (see declaredHandles).
import { Position as Side, type NodeHandle } from '@xyflow/react';

interface Size { width: number; height: number }

/** Handles are 10 px squares (styles.css), centred on the node's top edge (inputs) or bottom edge (outputs). */
const HANDLE = 10;

/**
 * Where a node's handles will be, declared before it is drawn: inputs spread along the top edge, outputs along
 * the bottom, `(i + 1) / (n + 1)` of the width, as the node views place them. React Flow draws every node it has
 * not measured yet once, wherever it is, to find its handles (with a folded 1,000-layer network that was ~290
 * nodes put into the page and taken out again at opening, 250–300 ms); a node whose handles are declared is drawn
 * only when it is in view. Once drawn and measured, the measured handles count: GraphCanvas drops the declared
 * ones when React Flow reports the node's size.
 */
export function declaredHandles(size: Size, inputs: string[], outputs: string[]): NodeHandle[] {
  const along = (ids: string[], type: 'source' | 'target', y: number): NodeHandle[] =>
    ids.map((id, i) => ({ id, type, position: type === 'target' ? Side.Top : Side.Bottom, x: (size.width * (i + 1)) / (ids.length + 1) - HANDLE / 2, y: y - HANDLE / 2, width: HANDLE, height: HANDLE }));
  return [...along(inputs, 'target', 0), ...along(outputs, 'source', size.height)];
}
