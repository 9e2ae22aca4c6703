// The tree of a conversation that kept every version (ChatGPT's `mapping`, Claude's parent ids),
// made safe to walk: parents that are missing or point at the node itself are taken as the root,
// a loop of parents is cut at its oldest node, and every walk is a loop over a list, never a
// recursion, so a chain tens of thousands deep reads like a short one.

export interface TreeNode {
  key: string;
  /** The node it follows, as the source says (it may be missing or wrong). */
  parent: string | null;
  /** When it was written (any unit, larger is later); 0 where unknown. */
  time: number;
}

export interface Tree {
  /** Every node once, each after its parent. */
  order: string[];
  /** Each node's parent once loops are cut; null for a root. */
  parent: Map<string, string | null>;
  /** The nodes of the version on screen, root first. */
  active: string[];
}

/** Cuts each loop of parents at its oldest node, which then starts a tree of its own. */
function cutLoops(parent: Map<string, string | null>, time: ReadonlyMap<string, number>): void {
  const DONE = 2;
  const WALKING = 1;
  const state = new Map<string, number>();
  for (const start of parent.keys()) {
    const walk: string[] = [];
    let at: string | null = start;
    while (at !== null && state.get(at) === undefined) {
      state.set(at, WALKING);
      walk.push(at);
      at = parent.get(at) ?? null;
    }
    if (at !== null && state.get(at) === WALKING) {
      const loop = walk.slice(walk.indexOf(at));
      let oldest = loop[0] as string;
      for (const k of loop) if ((time.get(k) ?? 0) < (time.get(oldest) ?? 0)) oldest = k;
      parent.set(oldest, null);
    }
    for (const k of walk) state.set(k, DONE);
  }
}

/**
 * The tree of `nodes` (the first of two with one key counts). The version on screen ends at
 * `current` when it is a node, otherwise at the latest leaf.
 */
export function plantTree(nodes: readonly TreeNode[], current: string | null): Tree {
  const time = new Map<string, number>();
  const parent = new Map<string, string | null>();
  for (const n of nodes) {
    if (parent.has(n.key)) continue;
    time.set(n.key, n.time);
    parent.set(n.key, n.parent);
  }
  for (const [k, p] of parent) if (p !== null && (p === k || !parent.has(p))) parent.set(k, null);
  cutLoops(parent, time);

  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const [k, p] of parent) {
    if (p === null) roots.push(k);
    else {
      const list = children.get(p);
      if (list) list.push(k);
      else children.set(p, [k]);
    }
  }
  const order: string[] = [];
  for (const root of roots) {
    const queue = [root];
    for (let i = 0; i < queue.length; i++) {
      const k = queue[i] as string;
      order.push(k);
      for (const c of children.get(k) ?? []) queue.push(c);
    }
  }

  let leaf = current !== null && parent.has(current) ? current : null;
  if (leaf === null) {
    let best = -Infinity;
    for (const k of order)
      if (!children.has(k) && (time.get(k) ?? 0) >= best) [best, leaf] = [time.get(k) ?? 0, k];
  }
  const active: string[] = [];
  for (let k = leaf; k !== null; k = parent.get(k) ?? null) active.push(k);
  return { order, parent, active: active.reverse() };
}
