import type { EconomySummary } from '#shared/api';
import { layoutLineage, type LineageNode } from '../../lib/lineage';

const NODE_W = 250;
const NODE_H = 58;
const COL_GAP = 56;
const ROW_GAP = 14;

const x = (n: LineageNode) => n.col * (NODE_W + COL_GAP);
const y = (n: LineageNode) => n.row * (NODE_H + ROW_GAP);

const memberLabel: Record<string, string> = {
  active: 'serving',
  paused: 'paused',
  exiting: 'unbonding',
  jailed: 'jailed',
};

/**
 * The lineage drawn as a tree: genesis on the left, each fork to the right of its parent, linked by lines. Each
 * economy is a toggle button that adds it to or removes it from the side-by-side comparison.
 */
export function LineageTree({
  economies,
  selected,
  onToggle,
}: {
  economies: EconomySummary[];
  selected: ReadonlySet<string>;
  onToggle: (economy: string) => void;
}) {
  const layout = layoutLineage(economies);
  const width = layout.cols * (NODE_W + COL_GAP) - COL_GAP;
  const height = layout.rows * (NODE_H + ROW_GAP) - ROW_GAP;
  return (
    <div className="lineage-scroll">
      <div className="lineage" style={{ width, height }} data-testid="lineage">
        <svg className="lineage-edges" width={width} height={height} aria-hidden="true">
          {layout.edges.map(({ from, to }) => {
            const x1 = x(from) + NODE_W;
            const y1 = y(from) + NODE_H / 2;
            const x2 = x(to);
            const y2 = y(to) + NODE_H / 2;
            const mid = (x1 + x2) / 2;
            return (
              <path
                key={`${from.summary.economy}-${to.summary.economy}`}
                d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                fill="none"
              />
            );
          })}
        </svg>
        <ul className="lineage-nodes" aria-label="Lineage: genesis and forks">
          {layout.nodes.map((node) => (
            <li
              key={node.summary.economy}
              style={{ left: x(node), top: y(node), width: NODE_W, height: NODE_H }}
            >
              <TreeNode
                node={node}
                parentName={economies.find((e) => e.economy === node.summary.parent)?.name}
                pressed={selected.has(node.summary.economy)}
                onToggle={onToggle}
              />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function TreeNode({
  node,
  parentName,
  pressed,
  onToggle,
}: {
  node: LineageNode;
  parentName: string | undefined;
  pressed: boolean;
  onToggle: (economy: string) => void;
}) {
  const e = node.summary;
  const origin =
    e.parent === null
      ? 'genesis'
      : `fork of ${parentName ?? 'an unknown economy'}${e.forkBlock !== null ? ` at block ${e.forkBlock}` : ''}`;
  const member = memberLabel[e.membership.status];
  return (
    <button
      type="button"
      className={`lineage-node${e.parent === null ? ' genesis' : ''}${member ? ' member' : ''}`}
      aria-pressed={pressed}
      aria-label={`${e.name} (${e.token.symbol}), ${origin}${member ? `, you are ${member}` : ''}: ${
        pressed ? 'in' : 'not in'
      } the comparison`}
      onClick={() => onToggle(e.economy)}
    >
      <span className="lineage-title">
        <span className="lineage-name" title={e.name}>
          {e.name}
        </span>
        {/* Each standing its own colour: unbonding is not serving. */}
        {member && <span className={`badge badge-member-${e.membership.status}`}>{member}</span>}
      </span>
      <span className="lineage-meta">
        {e.token.symbol} ·{' '}
        {e.parent === null ? 'genesis' : e.forkBlock !== null ? `forked at block ${e.forkBlock}` : 'fork'}
      </span>
    </button>
  );
}
