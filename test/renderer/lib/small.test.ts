import { describe, expect, it } from 'vitest';
import { earningsSeries } from '../../../src/renderer/src/lib/earningsSeries';
import { adviceFor } from '../../../src/renderer/src/lib/errors';
import { declineText, isWorking, shortHash, upsertJob } from '../../../src/renderer/src/lib/jobs';
import { href, parseRoute } from '../../../src/renderer/src/lib/routes';
import { sparklinePath } from '../../../src/renderer/src/lib/sparkline';
import { formatDuration, formatMs, formatRelative } from '../../../src/renderer/src/lib/time';
import { declinedJob, earnings, finalizedJob, GENESIS, runningJob, units } from '../fixtures';

describe('earningsSeries', () => {
  it('keeps one running total per token from zero: fees and emissions add, slashes subtract, withdrawals apart', () => {
    const [fly, fast] = earningsSeries(earnings);
    expect(fly!.token.symbol).toBe('FLY');
    expect(fly!.points.map((p) => p.earned)).toEqual([0, 2.375, 162.375, 157.375, 157.375, 166.95]);
    expect(fly!.points.map((p) => p.withdrawn)).toEqual([0, 0, 0, 0, 100, 100]);
    expect(fly!.earned).toBe(BigInt(units('166.95')));
    expect(fast!.token.symbol).toBe('FAST');
    expect(fast!.earned).toBe(350_000n);
  });

  it('skips events of economies it has no token for', () => {
    const series = earningsSeries({ ...earnings, economies: [] });
    expect(series).toEqual([]);
  });
});

describe('jobs', () => {
  it('replaces a job in place and keeps newest first', () => {
    const moved = { ...finalizedJob, status: 'Rejected' as const };
    const list = upsertJob([runningJob, finalizedJob, declinedJob], moved);
    expect(list.map((j) => [j.jobId, j.status])).toEqual([
      ['41', 'Assigned'],
      ['40', 'Rejected'],
      ['7', 'Posted'],
    ]);
  });

  it('adds a new job at the top and keeps the limit', () => {
    const fresh = { ...runningJob, key: `${GENESIS}:42`, jobId: '42', postedAt: runningJob.postedAt + 5 };
    expect(upsertJob([runningJob, finalizedJob], fresh, 2).map((j) => j.jobId)).toEqual(['42', '41']);
  });

  it('names decline reasons from the shared codes', () => {
    expect(declineText('DEADLINE_INFEASIBLE').label).toBe('Deadline infeasible');
    expect(isWorking('running')).toBe(true);
    expect(isWorking('declined')).toBe(false);
    expect(shortHash(`0x${'ab'.repeat(32)}`)).toBe('0xabab…abab');
  });
});

describe('routes', () => {
  it('reads pages and job keys from the hash, defaulting to the dashboard', () => {
    expect(parseRoute('')).toEqual({ page: 'dashboard', param: null });
    expect(parseRoute('#/economies')).toEqual({ page: 'economies', param: null });
    expect(parseRoute(href('jobs', `${GENESIS}:41`))).toEqual({ page: 'jobs', param: `${GENESIS}:41` });
    expect(parseRoute('#/nowhere/x')).toEqual({ page: 'dashboard', param: null });
  });
});

describe('time', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [65, '1 min 5 s'],
    [300, '5 min'],
    [3725, '1 h 2 min'],
    [7 * 86_400, '7 d'],
    [90_000, '1 d 1 h'],
  ])('formatDuration(%i) is %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('formats milliseconds and relative times', () => {
    expect(formatMs(31)).toBe('31 ms');
    expect(formatMs(1200)).toBe('1.2 s');
    expect(formatRelative(160, 100)).toBe('in 1 min');
    expect(formatRelative(88, 100)).toBe('12 s ago');
    expect(formatRelative(100, 100)).toBe('now');
  });
});

describe('errors', () => {
  it('always has a next step: the node’s own action first, else one per code', () => {
    expect(adviceFor({ code: 'RPC_FAILED', shortMessage: 'x', action: 'Do this.' })).toBe('Do this.');
    expect(adviceFor({ code: 'UNAVAILABLE', shortMessage: 'x' })).toMatch(/not running yet/);
    expect(adviceFor({ code: 'WALLET_LOCKED', shortMessage: 'x' })).toMatch(/Unlock the wallet/);
  });
});

describe('sparklinePath', () => {
  it('spans the box and puts the highest value at the top', () => {
    expect(sparklinePath([1, 3, 2], 104, 24, 2)).toBe('M2.0,22.0 L52.0,2.0 L102.0,12.0');
    expect(sparklinePath([], 100, 20)).toBe('');
  });

  it('can share a fixed range with another line', () => {
    expect(sparklinePath([5], 100, 20, 0, [0, 10])).toBe('M50.0,10.0');
  });
});
