/**
 * What a job asks for (kind, model and input, and where to fetch them), as the market's actors need it to run or
 * check the job: remembered for the demo requester's own posts, read from the chain (JobPosted, the model
 * registry) for anyone else's.
 */
import type { Address, PublicClient } from 'viem';
import { readJobPosted } from '../../chain/actions/readJobPosted';
import { readModel } from '../../chain/actions/readModel';
import type { ReferenceJob } from './references';

export class JobInfo {
  readonly #known = new Map<string, ReferenceJob>();

  constructor(
    private readonly publicClient: PublicClient,
    /** First block to search events from (the factory's). */
    private readonly fromBlock: bigint,
  ) {}

  remember(economy: Address, jobId: bigint, job: ReferenceJob): void {
    this.#known.set(`${economy}:${jobId}`, job);
  }

  async get(economy: Address, jobId: bigint): Promise<ReferenceJob> {
    const k = `${economy}:${jobId}`;
    const known = this.#known.get(k);
    if (known) return known;
    const client = { publicClient: this.publicClient };
    const posted = await readJobPosted(client, { economy, jobId, fromBlock: this.fromBlock });
    const model = await readModel(client, { economy, modelHash: posted.modelHash });
    const job: ReferenceJob = {
      kind: posted.kind,
      modelHash: posted.modelHash,
      // A job on an unregistered model cannot have been posted; the store path is the fallback lookup.
      modelUri: model?.uri ?? `blob:${posted.modelHash}`,
      inputHash: posted.inputHash,
      inputUri: posted.inputUri,
    };
    this.#known.set(k, job);
    return job;
  }

  /** Forgets jobs that are final (the board no longer lists them). */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const k of this.#known.keys()) if (!keys.has(k)) this.#known.delete(k);
  }
}
