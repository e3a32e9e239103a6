import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import type { TokenTotals } from './earnings';
import type { ProviderState } from './provider';

/**
 * Whether a node of the fleet answered its last check:
 * - `answering`: its API took the token and answered;
 * - `not-answering`: nothing answered in time (stopped, unreachable) — `notAnsweringSince` says since when;
 * - `refused`: it answered but refused the token (rotated on that node: add it again with the new URL);
 * - `locked`: not asked, because this node's wallet is locked and the token cannot be read;
 * - `unchecked`: added, not checked yet.
 */
export type FleetNodeState = 'answering' | 'not-answering' | 'refused' | 'locked' | 'unchecked';

/** Something on a node of the fleet that needs a look, in words. */
export interface FleetAlert {
  kind: 'not-answering' | 'refused' | 'not-providing' | 'not-drawable' | 'slashed' | 'gpu-hot' | 'wallet';
  text: string;
}

/** One GPU of a node of the fleet, as its hardware report gives it. */
export interface FleetGpu {
  id: string;
  model: string;
  temperatureC: number | null;
  utilizationPct: number | null;
  powerW: number | null;
}

/** Another Flywheel node watched and steered from this one, as of its last check. */
export interface FleetNode {
  id: string;
  label: string;
  /** Where its API is: `http://127.0.0.1:7420` (the token is never sent to the renderer). */
  origin: string;
  addedAt: number;
  state: FleetNodeState;
  /** Unix ms of the last check that reached the node's API; null: never. */
  lastAnsweredAt: number | null;
  /** Unix ms of the first failed check since it last answered; null while it answers. */
  notAnsweringSince: number | null;
  /** Why the last check failed, in words. */
  error: string | null;
  checkedAt: number | null;
  /** From its `node.status`. */
  node: { version: string; shell: string; network: string; uptimeS: number } | null;
  /** Its `provider.get`: providing or not, and why. */
  provider: ProviderState | null;
  /** Jobs it finished (submitted, finalized or rejected) in the last hour, from its `jobs.list`. */
  jobsLastHour: number | null;
  /** Its earnings per token (`earnings.get`'s totals); null when it could not tell (no chain, no wallet). */
  earnings: TokenTotals[] | null;
  gpus: FleetGpu[] | null;
  alerts: FleetAlert[];
}

export interface FleetReport {
  nodes: FleetNode[];
  /**
   * Whether the tokens can be read now: they are encrypted with a key derived from this node's wallet, so they
   * are readable only while it is unlocked.
   */
  tokensReadable: boolean;
  /** Why not, in words ("The wallet is locked: fleet tokens are unreadable until it is unlocked."). */
  tokensNote: string | null;
}

const nodeId = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'a fleet node id') }).strict();

export const fleetCalls = {
  'fleet.list': defineCall<FleetReport>()(
    'The other nodes of the fleet as of their last check (never waits for them).',
    z.object({}).strict(),
  ),
  'fleet.add': defineCall<FleetNode>()(
    'Add another node by its URL and token (a headless shell’s URL with #token=…, or its origin and the token): checked before it is kept.',
    z
      .object({
        url: z.string().min(1).max(2048),
        token: z.string().max(512).optional(),
        label: z.string().max(80).optional(),
      })
      .strict(),
  ),
  'fleet.remove': defineCall<FleetReport>()('Forget a node of the fleet and its token.', nodeId),
  'fleet.refresh': defineCall<FleetReport>()(
    'Check every node of the fleet (or one) now; each check gives up after a few seconds.',
    z.object({ id: nodeId.shape.id.optional() }).strict(),
  ),
  'fleet.startProviding': defineCall<FleetNode>()(
    'Turn providing on at a node of the fleet, through its own API (`provider.start`).',
    nodeId,
  ),
  'fleet.stopProviding': defineCall<FleetNode>()(
    'Turn providing off at a node of the fleet, through its own API (`provider.stop`).',
    nodeId,
  ),
};

export const fleetEvents = {
  'fleet.changed': defineEvent<FleetReport>('A node of the fleet was checked, added or removed.'),
};
