// Opening an editor: the page's preload asks for the layout as soon as the model arrives; the editor, rendering
// meanwhile, must ask for exactly the same layout (and so get the one on its way) rather than start a second one.
import { renderHook } from '@testing-library/react';
import { expect, it } from 'vitest';
import { chainArchitecture } from '../../features/architecture/fixtures';
import { architectureLayoutAtOpening, architectureStructure, layoutShown } from '../../features/architecture/layout';
import { mergeBlocks } from './blocks';
import { useFolding } from './GraphCanvas';
import { layoutInWorker } from './layoutClient';

it('the architecture editor gets the layout the preload asked for, for a big drawing folded into blocks', async () => {
  const arch = chainArchitecture(400); // big: it opens with its blocks collapsed
  const early = architectureLayoutAtOpening(arch);
  // what the editor does: its structure, merge blocks, the folding hook's first state, the layout of what it shows
  const { nodes, edges } = architectureStructure(arch);
  const blocks = mergeBlocks(nodes, edges);
  const { result } = renderHook(() => useFolding(nodes, edges, blocks));
  expect(result.current.collapsed.size).toBeGreaterThan(0);
  expect(layoutShown(result.current.shown)).toBe(early);
  const laid = await early;
  for (const id of result.current.shown.nodes) expect(laid[id]).toBeDefined();
});

it('the same input gets the layout already asked for; another input is laid out anew', async () => {
  const a = layoutInWorker([{ id: 'x', width: 10, height: 10 }], []);
  expect(layoutInWorker([{ id: 'x', width: 10, height: 10 }], [])).toBe(a);
  expect(layoutInWorker([{ id: 'x', width: 12, height: 10 }], [])).not.toBe(a);
  await a;
});
