import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls, callNames } from '../../../src/shared/api';
import type { FlywheelNode } from '../../../src/main/node';
import { startTestNode } from '../../helpers/node';

describe('dispatch (the one entry point of both bridges)', () => {
  let node: FlywheelNode;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ node, stop } = await startTestNode());
  });
  afterAll(() => stop());

  it('answers a valid call with its result', async () => {
    const env = await node.dispatch('node.status', {}, { bridge: 'test' });
    expect(env.ok).toBe(true);
    if (env.ok) expect(env.result).toMatchObject({ shell: 'headless', pid: process.pid });
  });

  it('applies schema defaults before the handler runs', async () => {
    const env = await node.dispatch('node.logs', {}, { bridge: 'test' });
    expect(env.ok).toBe(true);
    if (env.ok) expect(Array.isArray(env.result)).toBe(true);
  });

  it.each([
    ['an unknown call', '__proto__', {}, 'UNKNOWN_CALL'],
    ['a name that is not a string', 42, {}, 'UNKNOWN_CALL'],
    ['a wrongly typed field', 'node.logs', { limit: 'all' }, 'INVALID_PAYLOAD'],
    ['a field out of range', 'node.logs', { limit: 10_000 }, 'INVALID_PAYLOAD'],
    ['an extra field', 'node.status', { sneaky: true }, 'INVALID_PAYLOAD'],
    ['a payload that is not an object', 'hardware.get', 'refresh', 'INVALID_PAYLOAD'],
    [
      'a bad settings patch',
      'settings.update',
      { patch: { limits: { maxConcurrentJobs: 0 } } },
      'INVALID_PAYLOAD',
    ],
    [
      'an unknown network kind',
      'settings.update',
      { patch: { network: { kind: 'mainnet' } } },
      'INVALID_PAYLOAD',
    ],
  ])('refuses %s with a clear error', async (_label, name, payload, code) => {
    const env = await node.dispatch(name, payload, { bridge: 'test' });
    expect(env.ok).toBe(false);
    if (!env.ok) {
      expect(env.error.code).toBe(code);
      expect(env.error.shortMessage.length).toBeGreaterThan(10);
    }
    // The node is still there after a refusal.
    expect((await node.dispatch('node.status', {}, { bridge: 'test' })).ok).toBe(true);
  });

  it('names the field that failed', async () => {
    const env = await node.dispatch('node.logs', { limit: -1 }, { bridge: 'test' });
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error.issues?.[0]?.path).toBe('limit');
  });

  it('has a summary and a schema for every call', () => {
    for (const name of callNames) {
      expect(apiCalls[name].summary.length, name).toBeGreaterThan(5);
      expect(typeof apiCalls[name].params.safeParse, name).toBe('function');
    }
  });
});
