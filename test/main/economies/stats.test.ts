import { describe, expect, it } from 'vitest';
import type { StoredLog } from '../../../src/main/chain/sync/storedLog';
import { eventStats } from '../../../src/main/economies/stats';

const ECONOMY = '0x1111111111111111111111111111111111111111' as const;
const OTHER = '0x2222222222222222222222222222222222222222' as const;
const LLM = `0x${'a'.repeat(64)}` as const;
const BIG_LLM = `0x${'b'.repeat(64)}` as const;
const OCR = `0x${'c'.repeat(64)}` as const;
const NOW = 1_000_000;

let index = 0;
function log(
  name: string,
  args: StoredLog['args'],
  t = NOW - 60,
  address: StoredLog['address'] = ECONOMY,
): StoredLog {
  index++;
  return {
    id: `0x${'0'.repeat(64)}:${index}`,
    address,
    block: index,
    blockHash: `0x${'0'.repeat(64)}`,
    logIndex: index,
    tx: `0x${'0'.repeat(64)}`,
    t,
    name,
    args,
  };
}

function posted(
  jobId: number,
  modelHash: string,
  maxTokens?: number,
  t?: number,
  address?: string,
): StoredLog[] {
  const post = log(
    'JobPosted',
    { jobId: String(jobId), modelHash, kind: 0, fee: '1000', deadlineS: 60 },
    t,
    address as never,
  );
  if (maxTokens === undefined) return [post];
  return [
    post,
    log('JobPricedPerToken', { jobId: String(jobId), pricePerToken: '10', maxTokens }, t, address as never),
  ];
}

describe('event stats', () => {
  it('counts the language-model jobs (priced per token), their median max_tokens and commonest model', () => {
    const logs = [
      ...posted(1, LLM, 64),
      ...posted(2, LLM, 128),
      ...posted(3, BIG_LLM, 512),
      ...posted(4, OCR),
      // Older than a day, and another economy's: not counted.
      ...posted(5, BIG_LLM, 4096, NOW - 2 * 86_400),
      ...posted(6, BIG_LLM, 4096, NOW - 60, OTHER),
    ];
    const stats = eventStats(logs, ECONOMY, NOW, NOW - 3 * 86_400);
    expect(stats).toMatchObject({
      jobsLast24h: 4,
      textJobs: 3,
      medianMaxTokens: 128,
      textModel: LLM,
      medianPricePerToken: 10n,
    });
    expect(eventStats(posted(7, OCR), ECONOMY, NOW, NOW - 86_400)).toMatchObject({
      textJobs: 0,
      medianMaxTokens: null,
      textModel: null,
    });
  });
});
