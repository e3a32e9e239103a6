/**
 * The lineage tree laid out for drawing: genesis economies on the left, each fork one column to the right of its
 * parent, leaves in rows top to bottom and each parent centred on its children.
 */
import type { EconomySummary } from '#shared/api';
import type { Address } from '#shared/api/define';

export interface LineageNode {
  summary: EconomySummary;
  children: LineageNode[];
  /** Column (depth in the tree) and row (may be fractional for a parent centred on its children). */
  col: number;
  row: number;
}

export interface LineageLayout {
  roots: LineageNode[];
  nodes: LineageNode[];
  edges: { from: LineageNode; to: LineageNode }[];
  cols: number;
  rows: number;
}

/**
 * Builds the tree from the flat list. An economy whose parent is not in the list (not discovered yet) becomes a
 * root of its own rather than vanishing; a parent loop (which the factory forbids) cannot hang this.
 */
export function layoutLineage(economies: readonly EconomySummary[]): LineageLayout {
  const byAddress = new Map<Address, LineageNode>();
  for (const e of economies)
    byAddress.set(e.economy.toLowerCase() as Address, { summary: e, children: [], col: 0, row: 0 });
  const roots: LineageNode[] = [];
  for (const node of byAddress.values()) {
    const parentAddress = node.summary.parent?.toLowerCase() as Address | undefined;
    const parent = parentAddress ? byAddress.get(parentAddress) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byAge = (a: LineageNode, b: LineageNode) =>
    a.summary.createdAt - b.summary.createdAt || a.summary.name.localeCompare(b.summary.name);
  roots.sort(byAge);

  const nodes: LineageNode[] = [];
  const edges: LineageLayout['edges'] = [];
  const seen = new Set<LineageNode>();
  let nextRow = 0;
  let cols = 0;
  const place = (node: LineageNode, col: number): void => {
    seen.add(node);
    nodes.push(node);
    node.col = col;
    cols = Math.max(cols, col + 1);
    const kids = node.children.filter((c) => !seen.has(c)).sort(byAge);
    node.children = kids;
    if (kids.length === 0) {
      node.row = nextRow++;
      return;
    }
    for (const child of kids) {
      edges.push({ from: node, to: child });
      place(child, col + 1);
    }
    node.row = (kids[0]!.row + kids[kids.length - 1]!.row) / 2;
  };
  for (const root of roots) place(root, 0);
  // Nodes caught in a parent loop were never reached from a root: show them as roots.
  for (const node of byAddress.values()) {
    if (!seen.has(node)) {
      roots.push(node);
      place(node, 0);
    }
  }
  return { roots, nodes, edges, cols, rows: nextRow };
}

/** The chain of ancestors of an economy, genesis first, itself last. */
export function ancestry(economies: readonly EconomySummary[], economy: Address): EconomySummary[] {
  const byAddress = new Map(economies.map((e) => [e.economy.toLowerCase(), e]));
  const chain: EconomySummary[] = [];
  let current = byAddress.get(economy.toLowerCase());
  while (current && !chain.includes(current)) {
    chain.unshift(current);
    current = current.parent ? byAddress.get(current.parent.toLowerCase()) : undefined;
  }
  return chain;
}
