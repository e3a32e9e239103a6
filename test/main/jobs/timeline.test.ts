import { describe, expect, it } from 'vitest';
import type { StoredLog } from '../../../src/main/chain/sync/storedLog';
import { orderTimeline } from '../../../src/main/jobs/views';

let n = 0;
function log(name: string, t: number): StoredLog {
  n++;
  return {
    id: `0x${n}:0`,
    address: '0x1111111111111111111111111111111111111111',
    block: n,
    blockHash: `0x${'0'.repeat(63)}${n % 10}`,
    logIndex: 0,
    tx: `0x${'a'.repeat(63)}${n % 10}`,
    t,
    name,
    args: {},
  };
}

describe('a job timeline', () => {
  it('interleaves chain events and node steps by time, and by cause inside one second', () => {
    const T = 1_796_410_000;
    const events = [
      log('JobPosted', T),
      log('JobAssigned', T + 1),
      log('JobAccepted', T + 1),
      log('ResultSubmitted', T + 3),
      log('JobFinalized', T + 9),
    ];
    const history = [
      { step: 'assigned', t: (T + 1) * 1000 + 20 },
      { step: 'fetched', t: (T + 1) * 1000 + 300 },
      { step: 'ran', t: (T + 3) * 1000 + 100 },
      { step: 'submitting', t: (T + 3) * 1000 + 150 },
      { step: 'submitted', t: (T + 3) * 1000 + 900 },
      { step: 'finalized', t: (T + 9) * 1000 + 5 },
    ];
    const out = orderTimeline(events, history);
    expect(out.map((s) => s.label)).toEqual([
      'Posted',
      'Assigned',
      'This node: assigned',
      'Accepted',
      'This node: fetched',
      'This node: ran',
      'This node: submitting',
      'Result submitted',
      'This node: submitted',
      'Finalized',
      'This node: finalized',
    ]);
    // Oldest first, to the second.
    expect(out.map((s) => s.t)).toEqual([...out.map((s) => s.t)].sort((a, b) => a - b));
  });

  it('keeps the chain’s own order inside a second (a decline and a new draw)', () => {
    const T = 1_796_420_000;
    const out = orderTimeline(
      [log('JobAssigned', T), log('JobDeclined', T), log('JobAssigned', T)],
      [{ step: 'assigned', t: T * 1000 + 1 }],
    );
    expect(out.map((s) => s.label)).toEqual([
      'Assigned',
      'This node: assigned',
      expect.stringMatching(/^Declined/),
      'Assigned',
    ]);
  });
});
