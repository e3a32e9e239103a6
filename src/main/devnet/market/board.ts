/**
 * The market's view of the chain: every economy's jobs that are not final yet, read each round. Job ids count up
 * from 1 in each economy, so new jobs are found by `jobCount` and only open ones are read again — the whole
 * history is never scanned. Every actor of the market (upkeep, simulated providers, validator) acts on one round's
 * view.
 */
import type { Address, PublicClient } from 'viem';
import { readJob, type ReadJobReturnType } from '../../chain/actions/readJob';
import { economyAbi } from '../../chain/artifacts';
import { isFinalJobStatus } from '../../chain/enums';
import type { MarketStore } from './state';

export interface BoardJob {
  economy: Address;
  jobId: bigint;
  job: ReadJobReturnType;
}

export interface BoardRound {
  jobs: BoardJob[];
  /** Chain time now (unix seconds): the latest block's time moved on by the wall clock since it was seen. */
  now: number;
  head: bigint;
}

export class JobBoard {
  #offset = 0;
  #lastHead = -1n;

  constructor(
    private readonly publicClient: PublicClient,
    private readonly economies: () => readonly Address[],
    private readonly store: MarketStore,
  ) {}

  async round(): Promise<BoardRound> {
    const block = await this.publicClient.getBlock({ blockTag: 'latest' });
    const wall = Date.now() / 1000;
    // A new block tells how far chain time is from the wall clock (tests move it with evm_increaseTime).
    if (block.number !== this.#lastHead) {
      this.#lastHead = block.number;
      this.#offset = Number(block.timestamp) - wall;
    }
    const jobs: BoardJob[] = [];
    for (const economy of this.economies()) {
      const entry = (this.store.state.keeper[economy] ??= { seen: 0, open: [] });
      const count = Number(
        await this.publicClient.readContract({ address: economy, abi: economyAbi, functionName: 'jobCount' }),
      );
      for (let id = entry.seen + 1; id <= count; id++) entry.open.push(id);
      if (count > entry.seen) {
        entry.seen = count;
        this.store.changed();
      }
      const read = await Promise.all(
        entry.open.map(async (id) => ({
          economy,
          jobId: BigInt(id),
          job: await readJob({ publicClient: this.publicClient }, { economy, jobId: BigInt(id) }),
        })),
      );
      const open = read.filter((r) => !isFinalJobStatus(r.job.status));
      if (open.length !== entry.open.length) {
        entry.open = open.map((r) => Number(r.jobId));
        this.store.changed();
      }
      jobs.push(...open);
    }
    return { jobs, now: Math.max(Number(block.timestamp), wall + this.#offset), head: block.number };
  }
}
