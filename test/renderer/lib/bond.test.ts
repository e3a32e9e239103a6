import { describe, expect, it } from 'vitest';
import { checkBond } from '../../../src/renderer/src/lib/bond';
import { forkFast, forkOcr, genesis, units } from '../fixtures';

describe('checkBond', () => {
  it('accepts a bond between the minimum and the wallet balance, in base units', () => {
    expect(checkBond('60', forkOcr)).toEqual({ ok: true, value: BigInt(units('60')) });
    expect(checkBond('20.5', forkFast)).toEqual({ ok: true, value: 20_500_000n });
  });

  it('refuses less than the minimum, naming it', () => {
    expect(checkBond('49.99', forkOcr)).toEqual({
      ok: false,
      error: 'The minimum bond in OCR Guild is 50 OCRG.',
    });
  });

  it('refuses more than the wallet holds, when the node says what it holds', () => {
    expect(checkBond('80.000000000000000001', forkOcr)).toEqual({
      ok: false,
      error: 'Your wallet holds 80 OCRG: bond at most that.',
    });
    const unknownBalance = { ...genesis, membership: { ...genesis.membership, walletBalance: undefined } };
    expect(checkBond('1000000', unknownBalance).ok).toBe(true);
  });

  it('passes on what the amount parser refuses', () => {
    expect(checkBond('20.0000001', forkFast)).toEqual({
      ok: false,
      error: 'This token has 6 decimals; use at most 6 after the point.',
    });
  });
});
