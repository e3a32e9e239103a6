/**
 * Parameter presets for new economies, in three sets: `devnetParams` (deploy.ts) the suggested devnet values,
 * `productionParams` here the production values — the default of `flywheel deploy` — and `quickDevnetParams` the
 * embedded devnet's: the suggested 60 s challenge window alone would make "a job finalizes within a minute of
 * `npm start`" impossible, so its windows are shorter still. The README's devnet section compares the three.
 */
import { devnetParams, paramFields, type ChainParams } from './deploy';
import { isAmountParam } from './paramFields';
import { FlywheelError } from '#shared/errors';

const TOKEN = 10n ** 18n;
const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The production values: accept 5 min, deadline ≥ 10 min, challenge 24 h, vote 48 h, 7-day unbonding (at
 * least twice the vote window and the jail cool-down, as the contract requires).
 */
export const productionParams: ChainParams = {
  ...devnetParams,
  acceptWindowS: 5 * MINUTE,
  minDeadlineS: 10 * MINUTE,
  challengeWindowS: DAY,
  voteWindowS: 2 * DAY,
  jailCooldownS: 7 * DAY,
  unbondingPeriodS: 7 * DAY,
  epochLengthS: DAY,
};

/**
 * The embedded devnet's genesis economy: a result finalizes 15 s after it is submitted, a deadline may be 20 s, an
 * epoch (and its emission) lasts a minute, an exit unbonds in a minute (twice the 10-s vote window, and no shorter
 * than the jail cool-down). Amounts are the suggested devnet ones (`devnetParams`).
 */
export const quickDevnetParams: ChainParams = {
  ...devnetParams,
  acceptWindowS: 5,
  minDeadlineS: 20,
  challengeWindowS: 15,
  voteWindowS: 10,
  jailCooldownS: MINUTE,
  unbondingPeriodS: MINUTE,
  epochLengthS: MINUTE,
};

/**
 * Parses `--param name=value` overrides: amounts in tokens as decimals (`minBond=50`, `challengeBond=2.5`), the
 * rest as integers (`challengeWindowS=30`, `protocolFeeBps=100`). Unknown names and bad values are BAD_INPUT.
 */
export function parseParamOverrides(pairs: readonly string[], decimals = 18): Partial<ChainParams> {
  const out: Partial<ChainParams> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim() as keyof ChainParams;
    const raw = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!(paramFields as readonly string[]).includes(name)) {
      throw new FlywheelError(`Unknown parameter "${name}".`, {
        code: 'BAD_INPUT',
        action: `Parameters: ${paramFields.join(', ')}.`,
      });
    }
    if (isAmountParam(name)) {
      (out as Record<string, bigint>)[name] = parseTokenAmount(raw, decimals, name);
    } else {
      if (!/^\d{1,15}$/.test(raw)) {
        throw new FlywheelError(`${name} must be a whole number, not "${raw}".`, { code: 'BAD_INPUT' });
      }
      (out as Record<string, number>)[name] = Number(raw);
    }
  }
  return out;
}

/** "1.5" tokens → base units; at most `decimals` decimal places, no sign, no exponent. */
export function parseTokenAmount(text: string, decimals = 18, what = 'amount'): bigint {
  const m = /^(\d{1,30})(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[2] !== undefined && m[2].length > decimals)) {
    throw new FlywheelError(`The ${what} must be a number of tokens like 1.5, not "${text}".`, {
      code: 'BAD_INPUT',
      ...(m ? { action: `Use at most ${decimals} decimal places.` } : {}),
    });
  }
  return BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt((m[2] ?? '').padEnd(decimals, '0') || '0');
}

/** Base units → a decimal string of tokens, without trailing zeros ("1.5"). */
export function formatTokenAmount(units: bigint, decimals = 18): string {
  const base = 10n ** BigInt(decimals);
  const whole = units / base;
  const frac = (units % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
}

export { TOKEN };
