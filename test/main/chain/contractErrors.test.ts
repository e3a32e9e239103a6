import { encodeErrorResult, type Abi, type AbiParameter } from 'viem';
import { describe, expect, it } from 'vitest';
import * as artifacts from '../../../src/main/chain/artifacts';
import {
  contractErrorTable,
  contractErrorWords,
  tokenWords,
} from '../../../src/main/chain/tx/contractErrors';
import { revertWords } from '../../../src/main/chain/tx/errors';

const abis = Object.entries(artifacts).filter(([k]) => k.endsWith('Abi')) as [string, Abi][];
const errors = abis.flatMap(([abi, items]) =>
  items.flatMap((item) => (item.type === 'error' ? [{ abi, item }] : [])),
);

/** A plausible value per ABI type: big amounts, a 2026 timestamp, small enums. */
function sample(p: AbiParameter): unknown {
  if (p.type === 'address') return '0x00000000000000000000000000000000000000aa';
  if (p.type === 'bytes32') return `0x${'ab'.repeat(32)}`;
  if (p.type === 'uint8') return 1;
  if (p.type.startsWith('uint')) return 1_796_410_790n;
  return 0;
}

describe('contract errors in words', () => {
  it('has an entry for every custom error in the economy ABIs', () => {
    expect(errors.length).toBeGreaterThan(50);
    const missing = [...new Set(errors.map((e) => e.item.name))].filter((n) => !(n in contractErrorTable));
    expect(missing).toEqual([]);
  });

  it('gives every error one sentence without its raw name, and something to do', () => {
    for (const { item } of errors) {
      const words = contractErrorWords(item.name, item.inputs.map(sample), { symbol: 'FLY' });
      expect(words.sentence, item.name).toMatch(/^[A-Z0-9].*[.]$/);
      expect(words.sentence, item.name).not.toContain(`${item.name}(`);
      expect(words.sentence, item.name).not.toMatch(/undefined|NaN|\[object/);
      expect(words.action, item.name).toBeTruthy();
    }
  });

  it('writes times as dates to the second and amounts in tokens', () => {
    expect(contractErrorWords('DeadlinePassed', [73n, 1_796_410_790n]).sentence).toBe(
      "Job 73's deadline passed at 2026-12-04 18:59:50 UTC; the result can no longer be submitted.",
    );
    expect(
      contractErrorWords('AmountTooLarge', [10n ** 26n, 2n ** 80n - 1n], { symbol: 'FLY' }).sentence,
    ).toBe('The amount 100,000,000 FLY is more than this economy accepts (at most ≈ 1,208,925.8196 FLY).');
    expect(contractErrorWords('ZeroAmount', [])).toEqual({
      sentence: 'The amount is zero.',
      action: 'Enter an amount greater than 0.',
    });
    expect(contractErrorWords('WrongJobStatus', [42n, 5]).sentence).toBe(
      'Job 42 is finalized, so this cannot be done now.',
    );
    expect(contractErrorWords('BondTooLow', [5n * 10n ** 17n, 100n * 10n ** 18n], { symbol: 'FLY' })).toEqual(
      {
        sentence: "The bond 0.5 FLY is below this economy's minimum of 100 FLY.",
        action: 'Bond at least 100 FLY.',
      },
    );
  });

  it('trims amounts to what matters and keeps the first digit of dust', () => {
    expect(tokenWords(541_277_000_000_000_000_000n, { symbol: 'FLY' })).toBe('541.277 FLY');
    expect(tokenWords(640_041_234_567_890_000_000n, {})).toBe('≈ 640.0412 tokens');
    expect(tokenWords(1_200n, { symbol: 'FLY' })).toBe('≈ 0.000000000000001 FLY');
    expect(tokenWords(0n, { symbol: 'FLY' })).toBe('0 FLY');
  });

  it('falls back to the raw form for an error the table does not know', () => {
    expect(contractErrorWords('Mystery', [1n]).sentence).toBe('The contract refused: Mystery(1).');
  });

  it('decodes a revert from its data and words it, keeping the raw form for the details', () => {
    const data = encodeErrorResult({
      abi: artifacts.economyAbi,
      errorName: 'DeadlinePassed',
      args: [73n, 1_796_410_790n],
    });
    const err = new Error('execution reverted', { cause: Object.assign(new Error('rpc'), { data }) });
    const words = revertWords(err, artifacts.economyAbi, { symbol: 'FLY' });
    expect(words.raw).toBe('DeadlinePassed(73, 1796410790)');
    expect(words.sentence).toMatch(/^Job 73's deadline passed at 2026-12-04 18:59:50 UTC/);
    expect(words.action).toMatch(/counts as missed/);
    // Without data: the node's words.
    expect(revertWords(new Error('insufficient funds for gas'), artifacts.economyAbi)).toMatchObject({
      sentence: 'The transaction would fail: insufficient funds for gas',
    });
  });
});
