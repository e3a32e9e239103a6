/**
 * Knobs of the demo market, read from the environment, for demos and tests that want a wrong result caught by the
 * user's own validator, or a text generation drawn for the user's provider, rather than by chance:
 *
 * | variable | effect |
 * | --- | --- |
 * | `FLYWHEEL_DEVNET_WRONG_RATE` | share of Babbage's results that are wrong, 0 to 1 (default 0.2) |
 * | `FLYWHEEL_DEVNET_SAMPLE_RATE` | share of the submitted results the devnet's sampling validator re-runs, 0 to 1 (default 0.5); at 0 it leaves every challenge to other validators (yours) and only votes |
 * | `FLYWHEEL_DEVNET_TEXT_SHARE` | share of the demo requester's posts that are text generations, 0 to 1 (default about 0.12) |
 *
 * A value that is not a number from 0 to 1 is refused with the variable named: the devnet does not start on a
 * guess.
 */
import { FlywheelError } from '#shared/errors';
import type { DemoMarketOptions } from './market';

export type DemoMarketKnobs = Pick<DemoMarketOptions, 'validatorSampleRate' | 'textShare'> & {
  providers?: { misbehaviour: { sloppy: number } };
};

export function demoMarketKnobs(env: NodeJS.ProcessEnv): DemoMarketKnobs {
  const wrong = share(env, 'FLYWHEEL_DEVNET_WRONG_RATE');
  const sample = share(env, 'FLYWHEEL_DEVNET_SAMPLE_RATE');
  const text = share(env, 'FLYWHEEL_DEVNET_TEXT_SHARE');
  return {
    ...(text !== undefined ? { textShare: text } : {}),
    ...(wrong !== undefined ? { providers: { misbehaviour: { sloppy: wrong } } } : {}),
    ...(sample !== undefined ? { validatorSampleRate: sample } : {}),
  };
}

function share(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new FlywheelError(`${name} must be a number from 0 to 1, not "${raw}".`, {
      code: 'BAD_INPUT',
      action: `Set it to a share such as 0.5, or unset it for the default.`,
    });
  }
  return value;
}
