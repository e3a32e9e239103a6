import { formatUnits, parseUnits } from 'viem';

/**
 * The fee-aware withdraw rule: a withdrawal is worth it only when what it pays is worth more than its gas. Tokens
 * and gas are different coins, so the rule needs a rate: `nativePerToken` (NetworkEndpoint), a stated assumption
 * — there is no market price on a devnet — never a live quote. Null: unknown, and nothing is "worth it" unless
 * the user insists.
 */
export interface WithdrawRule {
  worthIt: boolean;
  /** What `amount` is worth in the native coin's base unit (wei), when the rate is known. */
  valueWei: bigint | null;
  advice: string;
}

export function judgeWithdrawal(options: {
  amount: bigint;
  decimals: number;
  symbol: string;
  gasCostWei: bigint;
  nativeSymbol: string;
  nativePerToken: string | null;
  isDevnet: boolean;
}): WithdrawRule {
  const { amount, decimals, symbol, gasCostWei, nativeSymbol } = options;
  const tokens = `${trim(formatUnits(amount, decimals))} ${symbol}`;
  const gas = `~${trim(formatUnits(gasCostWei, 18), 6)} ${nativeSymbol}`;
  if (amount === 0n) return { worthIt: false, valueWei: 0n, advice: 'Nothing to withdraw yet.' };
  if (options.nativePerToken === null) {
    return {
      worthIt: false,
      valueWei: null,
      advice:
        `No ${symbol} price is set for this network, so Flywheel cannot tell whether ${tokens} pays for its gas ` +
        `(${gas}); withdraw anyway if you know it does.`,
    };
  }
  // value = amount × rate, both fixed-point: rate in wei per whole token, amount in token base units.
  const weiPerToken = parseUnits(options.nativePerToken, 18);
  const valueWei = (amount * weiPerToken) / 10n ** BigInt(decimals);
  const rate = options.isDevnet
    ? `at the devnet's assumed ${options.nativePerToken} ${nativeSymbol} per token (no market price there)`
    : `at the configured ${options.nativePerToken} ${nativeSymbol} per token`;
  const value = `~${trim(formatUnits(valueWei, 18), 6)} ${nativeSymbol}`;
  if (valueWei > gasCostWei) {
    return { worthIt: true, valueWei, advice: `Withdraw: ${tokens} (${value} ${rate}) for ${gas} of gas.` };
  }
  return {
    worthIt: false,
    valueWei,
    advice: `Wait: gas (${gas}) would cost more than ${tokens} is worth (${value} ${rate}).`,
  };
}

function trim(s: string, digits = 4): string {
  const [i, f = ''] = s.split('.');
  const cut = f.slice(0, digits).replace(/0+$/, '');
  return cut ? `${i}.${cut}` : i!;
}
