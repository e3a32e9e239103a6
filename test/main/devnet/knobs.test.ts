import { describe, expect, it } from 'vitest';
import { demoMarketKnobs } from '../../../src/main/devnet/market/knobs';
import { demoWorkloads, pickWorkload } from '../../../src/main/devnet/market/workloads';
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

  it('set the share of the requester’s posts that are text generations', () => {
    expect(demoMarketKnobs({ FLYWHEEL_DEVNET_TEXT_SHARE: '0.8' })).toEqual({ textShare: 0.8 });
    const textShare = (share?: number) => {
      const workloads = demoWorkloads(share);
      const picks = Array.from({ length: 1000 }, (_, i) => pickWorkload(workloads, (i + 0.5) / 1000));
      return picks.filter((w) => w.model === 'llm').length / picks.length;
    };
    expect(textShare()).toBeGreaterThan(0.1);
    expect(textShare()).toBeLessThan(0.2);
    expect(textShare(0.8)).toBeCloseTo(0.8, 2);
    expect(textShare(0)).toBe(0);
    expect(textShare(1)).toBe(1);
  });

  it.each([
    ['FLYWHEEL_DEVNET_TEXT_SHARE', '2'],
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
