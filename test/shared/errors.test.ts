import { describe, expect, it } from 'vitest';
import { ApiError, FlywheelError, isApiErrorData, toErrorData } from '../../src/shared/errors';

describe('FlywheelError', () => {
  it('keeps the short message apart from details and cause', () => {
    const cause = new Error('ECONNREFUSED 127.0.0.1:8545');
    const err = new FlywheelError('The chain is not reachable.', {
      code: 'RPC_FAILED',
      action: 'Check the RPC URL in Settings.',
      cause,
    });
    expect(err.shortMessage).toBe('The chain is not reachable.');
    expect(err.details).toBe('ECONNREFUSED 127.0.0.1:8545');
    expect(err.message).toContain('Details: ECONNREFUSED');
    expect(err.cause).toBe(cause);
    expect(err.toData()).toEqual({
      code: 'RPC_FAILED',
      shortMessage: 'The chain is not reachable.',
      action: 'Check the RPC URL in Settings.',
      details: 'ECONNREFUSED 127.0.0.1:8545',
    });
  });

  it('walks the cause chain', () => {
    const root = new TypeError('root');
    const mid = new FlywheelError('mid', { cause: root });
    const top = new FlywheelError('top', { cause: mid });
    expect(top.walk()).toBe(root);
    expect(top.walk((e) => e instanceof FlywheelError && e.shortMessage === 'mid')).toBe(mid);
    expect(top.walk((e) => e === 'nothing')).toBeUndefined();
  });

  it('turns unknown throws into INTERNAL data without losing the message', () => {
    expect(toErrorData(new RangeError('bad index'))).toMatchObject({
      code: 'INTERNAL',
      details: 'bad index',
    });
    expect(toErrorData('a string')).toMatchObject({ code: 'INTERNAL', details: 'a string' });
  });

  it('rebuilds an ApiError from data that crossed a bridge', () => {
    const data = new FlywheelError('Nope.', { code: 'CONFLICT', action: 'Stop first.' }).toData();
    const rebuilt = new ApiError(JSON.parse(JSON.stringify(data)));
    expect(rebuilt).toBeInstanceOf(FlywheelError);
    expect(rebuilt.toData()).toEqual(data);
  });

  it('recognises error data and rejects look-alikes', () => {
    expect(isApiErrorData({ code: 'NOT_FOUND', shortMessage: 'x' })).toBe(true);
    expect(isApiErrorData({ code: 'MADE_UP', shortMessage: 'x' })).toBe(false);
    expect(isApiErrorData({ code: 'NOT_FOUND' })).toBe(false);
    expect(isApiErrorData(null)).toBe(false);
  });
});
