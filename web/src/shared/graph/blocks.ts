// Collapsible blocks: repeated structures found in a graph's shape (no names needed) and the graph drawn with
// some of them folded into one node each.

export interface GraphEdge { source: string; target: string }

/** A part of the graph that one node can stand for: entered at the top, left only through `exit`. */
export interface Block {
  id: string;
  /** Its nodes, in topological order; `exit` is the last. */
  members: string[];
  /** The node that feeds the block (a merge block's fork point); absent for a chain. */
  fork?: string;
  exit: string;
}

interface Adjacency { succ: Map<string, string[]>; pred: Map<string, string[]> }

function adjacency(nodes: readonly string[], edges: readonly GraphEdge[]): Adjacency {
  const succ = new Map<string, string[]>(nodes.map((n) => [n, []]));
  const pred = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) {
    const s = succ.get(e.source);
    const p = pred.get(e.target);
    if (!s || !p || e.source === e.target || s.includes(e.target)) continue;
    s.push(e.target);
    p.push(e.source);
  }
  return { succ, pred };
}

/** Kahn's order, or null when the graph has a cycle. */
function topologicalOrder(nodes: readonly string[], { succ, pred }: Adjacency): string[] | null {
  const left = new Map(nodes.map((n) => [n, pred.get(n)!.length]));
  const ready = nodes.filter((n) => left.get(n) === 0);
  const order: string[] = [];
  while (ready.length) {
    const n = ready.pop()!;
    order.push(n);
    for (const s of succ.get(n)!) {
      const k = left.get(s)! - 1;
      left.set(s, k);
      if (k === 0) ready.push(s);
    }
  }
  return order.length === nodes.length ? order : null;
}

/**
 * Blocks that end in a merge (a residual block ending in its Add, an inception module ending in its
 * Concatenate): everything between the merge and the node that dominates it, when nothing inside leaves
 * or enters the block elsewhere. Nested blocks give way to the block around them.
 */
export function mergeBlocks(nodes: readonly string[], edges: readonly GraphEdge[], minSize = 3): Block[] {
  const adj = adjacency(nodes, edges);
  const order = topologicalOrder(nodes, adj);
  if (!order) return [];
  const index = new Map(order.map((n, i) => [n, i]));
  // immediate dominators (Cooper, Harvey & Kennedy) from a virtual root above every source; one pass suffices
  // in a DAG visited in topological order
  const ROOT = -1;
  const idom = new Map<string, string | typeof ROOT>();
  const up = (n: string | typeof ROOT) => (n === ROOT ? ROOT : idom.get(n)!);
  const idx = (n: string | typeof ROOT) => (n === ROOT ? -1 : index.get(n)!);
  const intersect = (a: string | typeof ROOT, b: string | typeof ROOT) => {
    while (a !== b) {
      while (idx(a) > idx(b)) a = up(a);
      while (idx(b) > idx(a)) b = up(b);
    }
    return a;
  };
  for (const n of order) {
    const ps = adj.pred.get(n)!;
    idom.set(n, ps.length === 0 ? ROOT : ps.slice(1).reduce<string | typeof ROOT>((d, p) => intersect(d, p), ps[0]));
  }

  const candidates: Block[] = [];
  for (const m of order) {
    if (adj.pred.get(m)!.length < 2) continue;
    const d = idom.get(m)!;
    if (d === ROOT) continue;
    const lo = index.get(d)!;
    const hi = index.get(m)!;
    const below = new Set<string>();
    const stack = [d];
    while (stack.length) {
      for (const s of adj.succ.get(stack.pop()!)!) if (!below.has(s) && index.get(s)! <= hi) below.add(s), stack.push(s);
    }
    const inside = new Set<string>();
    stack.push(m);
    inside.add(m);
    while (stack.length) {
      for (const p of adj.pred.get(stack.pop()!)!) if (!inside.has(p) && p !== d && index.get(p)! > lo && below.has(p)) inside.add(p), stack.push(p);
    }
    const closed = [...inside].every(
      (v) => (v === m || adj.succ.get(v)!.every((s) => inside.has(s))) && adj.pred.get(v)!.every((p) => p === d || inside.has(p)),
    );
    if (closed && inside.size >= minSize)
      candidates.push({ id: `block:${m}`, members: [...inside].sort((a, b) => index.get(a)! - index.get(b)!), fork: d, exit: m });
  }
  return outermost(candidates);
}

/** Runs of at least `minLength` nodes, each the only successor of the one before (a pipeline's chain of steps). */
export function chainBlocks(nodes: readonly string[], edges: readonly GraphEdge[], minLength = 8): Block[] {
  const { succ, pred } = adjacency(nodes, edges);
  const linked = (a: string, b: string) => succ.get(a)!.length === 1 && pred.get(b)!.length === 1 && succ.get(a)![0] === b;
  const blocks: Block[] = [];
  for (const n of nodes) {
    const ps = pred.get(n)!;
    if (ps.length === 1 && linked(ps[0], n)) continue; // not the start of a run
    const run = [n];
    const seen = new Set(run);
    let at = n;
    while (succ.get(at)!.length === 1 && linked(at, succ.get(at)![0]) && !seen.has(succ.get(at)![0])) {
      at = succ.get(at)![0];
      run.push(at);
      seen.add(at);
    }
    if (run.length >= minLength) blocks.push({ id: `chain:${n}`, members: run, exit: at });
  }
  return blocks;
}

function outermost(candidates: Block[]): Block[] {
  const taken = new Set<string>();
  const kept: Block[] = [];
  for (const b of [...candidates].sort((x, y) => y.members.length - x.members.length)) {
    if (b.members.some((m) => taken.has(m))) continue;
    b.members.forEach((m) => taken.add(m));
    kept.push(b);
  }
  return kept;
}

export interface Collapsed {
  /** The nodes drawn: every node outside a collapsed block, and one per collapsed block (its id). */
  nodes: string[];
  /** The node drawn for a node: itself, or the collapsed block holding it. */
  shownAs: (node: string) => string;
  /** Edges between drawn nodes, one per pair (edges inside a collapsed block are gone). */
  edges: GraphEdge[];
}

/** The graph with the `collapsed` blocks folded, each in its first member's place in the node order. */
export function collapse(nodes: readonly string[], edges: readonly GraphEdge[], blocks: readonly Block[], collapsed: ReadonlySet<string>): Collapsed {
  const owner = new Map<string, string>();
  const firsts = new Map<string, string>();
  for (const b of blocks) {
    if (!collapsed.has(b.id)) continue;
    for (const m of b.members) owner.set(m, b.id);
    firsts.set(b.members[0], b.id);
  }
  const shownAs = (n: string) => owner.get(n) ?? n;
  const shown: string[] = [];
  for (const n of nodes) {
    if (!owner.has(n)) shown.push(n);
    else if (firsts.has(n)) shown.push(firsts.get(n)!);
  }
  const seen = new Set<string>();
  const out: GraphEdge[] = [];
  for (const e of edges) {
    const source = shownAs(e.source);
    const target = shownAs(e.target);
    const key = `${source}\u0000${target}`;
    if (source === target || seen.has(key)) continue;
    seen.add(key);
    out.push({ source, target });
  }
  return { nodes: shown, shownAs, edges: out };
}

/** Above this many nodes an editor opens with its blocks collapsed. */
export const BIG_GRAPH = 150;

/** The blocks collapsed when an editor opens a graph of `nodes`: all of them in a big graph, else none. */
export function collapsedAtOpening(nodes: readonly string[], blocks: readonly Block[]): ReadonlySet<string> {
  return new Set(nodes.length > BIG_GRAPH ? blocks.map((b) => b.id) : []);
}
