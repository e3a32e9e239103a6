import { describe, expect, it } from 'vitest';
import { devnetParams } from '../../../src/main/chain/deploy';
import { estimateEarnings, type EstimateInputs } from '../../../src/main/economies/estimate';

const TOKEN = 10n ** 18n;
const MILLI = 10n ** 15n;

/** A day of history: 240 inference and 24 fine-tune jobs at a 2-token median fee, 30 s deadlines. */
const inputs: EstimateInputs = {
  economy: '0x1111111111111111111111111111111111111111',
  params: devnetParams,
  bond: 100n * TOKEN,
  spreadPct: 5,
  driftRatio: 1,
  runS: 1,
  speedSource: 'benchmark',
  othersWeight: { inference: (300n * TOKEN) / MILLI, fineTune: (100n * TOKEN) / MILLI },
  othersStake: 300n * TOKEN,
  uptime: 1,
  emissionPerEpoch: 1_000n * TOKEN,
  recent: {
    jobsLast24h: 264,
    jobsByKind: { inference: 240, fineTune: 24 },
    finalizedLast24h: 264,
    assignedLast24h: 264,
    slashesLast24h: 0,
    medianFee: 2n * TOKEN,
    medianPricePerToken: null,
    medianDeadlineS: 30,
    textJobs: 0,
    medianMaxTokens: null,
    textModel: null,
    windowS: 86_400,
  },
};

describe('earnings estimate', () => {
  it('draws each kind by bond against that kind’s tree, and pays emission by bond against the active stake', () => {
    const e = estimateEarnings(inputs);
    // 10 inference jobs/h × 100 / 400 + 1 fine-tune job/h × 100 / 200.
    expect(e.expectedJobsPerHour).toBeCloseTo(10 * 0.25 + 1 * 0.5, 6);
    expect(BigInt(e.expectedFeesPerHour)).toBe((((2n * TOKEN * 95n) / 100n) * 3000n) / 1000n);
    // 1,000 tokens per 10-min epoch = 6,000 an hour; this bond is a quarter of the active stake with it.
    expect(e.emissionShare).toBe(0.25);
    expect(BigInt(e.expectedEmissionPerHour)).toBe(1_500n * TOKEN);
    expect(BigInt(e.expectedEarningsPerHour)).toBe(
      BigInt(e.expectedFeesPerHour) + BigInt(e.expectedEmissionPerHour),
    );
  });

  it('gives emission whatever the fees: an economy with no jobs still pays its active stake', () => {
    const quiet = estimateEarnings({
      ...inputs,
      recent: {
        ...inputs.recent,
        jobsLast24h: 0,
        jobsByKind: { inference: 0, fineTune: 0 },
        medianFee: null,
      },
    });
    expect(quiet.expectedJobsPerHour).toBe(0);
    expect(quiet.expectedFeesPerHour).toBe('0');
    expect(BigInt(quiet.expectedEmissionPerHour)).toBe(1_500n * TOKEN);
  });

  it('earns no emission under the minimum bond (it would carry no stake)', () => {
    const small = estimateEarnings({ ...inputs, bond: devnetParams.minBond - 1n });
    expect(small.emissionShare).toBe(0);
    expect(small.expectedEmissionPerHour).toBe('0');
  });

  it('counts one posting rate, never extrapolating a young economy’s first minutes past an hour', () => {
    const young = estimateEarnings({
      ...inputs,
      recent: { ...inputs.recent, jobsLast24h: 28, jobsByKind: { inference: 28, fineTune: 0 }, windowS: 240 },
    });
    // 28 jobs in 4 minutes are 28 an hour (the window counts as at least an hour), not 420.
    expect(young.postedPerHour).toBe(28);
    expect(young.expectedJobsPerHour).toBeCloseTo(28 * 0.25, 6);
    expect(young.basis).toContain(
      '28 jobs/h posted here (28 in the last 4 min, counted over at least an hour)',
    );
    // A full day: 264 jobs are 11 an hour.
    expect(estimateEarnings(inputs).postedPerHour).toBe(11);
  });

  it('gives a day’s fees and emission as ranges around the expected value, emission as its own figure', () => {
    const e = estimateEarnings(inputs);
    expect(e.horizonH).toBe(24);
    const fees = e.feesOverHorizon;
    expect(BigInt(fees.expected)).toBe(BigInt(e.expectedFeesPerHour) * 24n);
    expect(BigInt(fees.low)).toBeLessThan(BigInt(fees.expected));
    expect(BigInt(fees.high)).toBeGreaterThan(BigInt(fees.expected));
    // 264 jobs seen, 72 drawn a day: ±1.645 × √(1/264 + 1/72) ≈ ±21.9 %.
    expect(Number(BigInt(fees.high) - BigInt(fees.expected)) / Number(BigInt(fees.expected))).toBeCloseTo(
      0.219,
      2,
    );
    const em = e.emissionOverHorizon;
    expect(BigInt(em.expected)).toBe(1_500n * TOKEN * 24n);
    expect(em.high).toBe(em.expected);
    // One more provider with 100 joins: 100 / 500 of 6,000 an hour.
    expect(BigInt(em.low)).toBe(1_200n * TOKEN * 24n);
  });

  it('says "assumed" where no benchmark or uptime record stands behind a figure', () => {
    const guessed = estimateEarnings({ ...inputs, speedSource: 'assumed', uptime: null });
    expect(guessed.speedSource).toBe('assumed');
    expect(guessed.uptimeSource).toBe('assumed');
    expect(guessed.basis).toContain('assumed: no benchmark has run yet');
    expect(guessed.basis).toContain('assumed: no record yet');
    expect(estimateEarnings(inputs).basis).toContain("this machine's benchmark");
  });

  it('lets language-model jobs miss on their own run time, from the benchmark’s language figures', () => {
    const half = { ...inputs.recent, textJobs: 132, medianMaxTokens: 256, textModel: null };
    // Without a language figure the typical 1 s run never misses a 30 s deadline.
    expect(estimateEarnings({ ...inputs, recent: half }).deadlineMissProbability).toBeLessThan(1e-6);
    // Half the jobs are text jobs of 256 tokens taking ~60 s here: about half of the drawn jobs miss.
    const slow = estimateEarnings({
      ...inputs,
      recent: half,
      textRun: { s: 60, maxTokens: 256, modelAssumed: true },
    });
    expect(slow.deadlineMissProbability).toBeGreaterThan(0.45);
    expect(slow.deadlineMissProbability).toBeLessThan(0.55);
    expect(BigInt(slow.expectedSlashPerDay)).toBeGreaterThan(0n);
    expect(slow.basis).toContain(
      'for the language-model jobs (50 % of those posted), a run of about 60 s (256 tokens and a prompt as long, ' +
        "by the benchmark's language figures, the model's size taken as the benchmark's 90 M llama",
    );
    // Fast enough: the text jobs fit too.
    const quick = estimateEarnings({
      ...inputs,
      recent: half,
      textRun: { s: 2, maxTokens: 256, modelAssumed: false },
    });
    expect(quick.deadlineMissProbability).toBeLessThan(1e-6);
    expect(quick.basis).not.toContain('90 M llama');
    // A machine's own recent jobs already include its text jobs: the benchmark's figure is not added to them.
    const own = estimateEarnings({
      ...inputs,
      speedSource: 'jobs',
      recent: half,
      textRun: { s: 60, maxTokens: 256, modelAssumed: false },
    });
    expect(own.deadlineMissProbability).toBeLessThan(1e-6);
  });
});
