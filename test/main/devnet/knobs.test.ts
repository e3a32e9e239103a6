import { describe, expect, it } from 'vitest';
import { demoMarketKnobs } from '../../../src/main/devnet/market/knobs';
import { FlywheelError } from '../../../src/shared/errors';

describe('the demo market’s knobs', () => {
  it('leave the market as it is when unset or empty', () => {
    expect(demoMarketKnobs({})).toEqual({});
    expect(demoMarketKnobs({ FLYWHEEL_DEVNET_WRONG_RATE: ' ', FLYWHEEL_DEVNET_SAMPLE_RATE: '' })).toEqual({});
  });

  it('set how often Babbage is wrong and how much the devnet’s sampler re-runs', () => {
    expect(demoMarketKnobs({ FLYWHEEL_DEVNET_WRONG_RATE: '1', FLYWHEEL_DEVNET_SAMPLE_RATE: '0' })).toEqual({
      providers: { misbehaviour: { sloppy: 1 } },
      validatorSampleRate: 0,
    });
    expect(demoMarketKnobs({ FLYWHEEL_DEVNET_SAMPLE_RATE: '0.25' })).toEqual({ validatorSampleRate: 0.25 });
  });

  it.each([
    ['FLYWHEEL_DEVNET_WRONG_RATE', '1.5'],
    ['FLYWHEEL_DEVNET_WRONG_RATE', '-0.1'],
    ['FLYWHEEL_DEVNET_SAMPLE_RATE', 'half'],
    ['FLYWHEEL_DEVNET_SAMPLE_RATE', 'NaN'],
  ])('refuse %s=%s, naming the variable and the range', (name, value) => {
    let error: unknown;
    try {
      demoMarketKnobs({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlywheelError);
    expect(error).toMatchObject({ code: 'BAD_INPUT' });
    expect((error as Error).message).toBe(`${name} must be a number from 0 to 1, not "${value}".`);
  });
});
