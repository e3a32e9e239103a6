import { describe, expect, it } from 'vitest';
import { ancestry, layoutLineage } from '../../../src/renderer/src/lib/lineage';
import type { EconomySummary } from '../../../src/shared/api';
import { economies, FORK_FAST, FORK_OCR, forkOcr, genesis, GENESIS } from '../fixtures';

const economy = (
  address: string,
  parent: string | null,
  createdAt: number,
  name = address,
): EconomySummary => ({
  ...genesis,
  economy: address as `0x${string}`,
  name,
  parent: parent as `0x${string}` | null,
  createdAt,
});

describe('layoutLineage', () => {
  it('draws genesis → fork → fork of a fork left to right', () => {
    const layout = layoutLineage(economies);
    expect(layout.roots.map((r) => r.summary.economy)).toEqual([GENESIS]);
    expect(layout.nodes.map((n) => [n.summary.economy, n.col])).toEqual([
      [GENESIS, 0],
      [FORK_OCR, 1],
      [FORK_FAST, 2],
    ]);
    expect(layout.edges.map((e) => [e.from.summary.economy, e.to.summary.economy])).toEqual([
      [GENESIS, FORK_OCR],
      [FORK_OCR, FORK_FAST],
    ]);
    expect(layout).toMatchObject({ cols: 3, rows: 1 });
  });

  it('puts siblings on rows by age and centres the parent on them', () => {
    const layout = layoutLineage([
      economy('0xb', '0xa', 3),
      economy('0xa', null, 1),
      economy('0xc', '0xa', 2),
      economy('0xd', '0xc', 4),
    ]);
    const at = Object.fromEntries(layout.nodes.map((n) => [n.summary.economy, [n.col, n.row]]));
    expect(at).toEqual({ '0xa': [0, 0.5], '0xc': [1, 0], '0xd': [2, 0], '0xb': [1, 1] });
    expect(layout.rows).toBe(2);
  });

  it('matches parents case-insensitively (checksummed or not)', () => {
    const layout = layoutLineage([economy('0xAbC', null, 1), economy('0xdef', '0xabc', 2)]);
    expect(layout.edges).toHaveLength(1);
  });

  it('keeps a fork whose parent is not discovered yet, as a root', () => {
    const layout = layoutLineage([forkOcr]);
    expect(layout.roots.map((r) => r.summary.economy)).toEqual([FORK_OCR]);
  });

  it('does not hang on a parent loop', () => {
    const layout = layoutLineage([economy('0x1', '0x2', 1), economy('0x2', '0x1', 2)]);
    expect(layout.nodes).toHaveLength(2);
  });

  it('is empty for no economies', () => {
    expect(layoutLineage([])).toMatchObject({ nodes: [], edges: [], cols: 0, rows: 0 });
  });
});

describe('ancestry', () => {
  it('lists genesis first and the economy itself last', () => {
    expect(ancestry(economies, FORK_FAST).map((e) => e.name)).toEqual([
      'Flywheel Genesis',
      'OCR Guild',
      'Fast Lane',
    ]);
  });
});
